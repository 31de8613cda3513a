"""Invitations (#13 then the login dance #1) and the redirects to the signup app."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from responses import matchers

from tests.conftest import API, CLIENT_ID, ISSUER
from tests.functional.conftest import login_answer, put_session

SIGNUP = "https://signup.heroku.test"
GOOD = "correct horse battery staple"
INVITE = "/account/accept/123/456abc"


def mock_accept(api, status=200, body=None, newsletter=None):
    return api.patch(
        f"{API}/invitations/456abc",
        status=status,
        json=body if body is not None else {"user": {"email": "new@example.com", "id": "u"}},
        match=[
            matchers.json_params_matcher(
                {"password": GOOD, "password_confirmation": GOOD, "receive_newsletter": newsletter}
            )
        ],
    )


def mock_dance(api, status=201, body=None, headers=None):
    return api.post(
        f"{API}/oauth/authorizations",
        status=status,
        headers=headers,
        json=login_answer() if body is None else body,
    )


def choose(app, password=GOOD, confirmation=GOOD, **extra):
    form = app.get(INVITE).forms[0]
    form["password"], form["password_confirmation"] = password, confirmation
    # Browsers send Origin with every POST; the route accepts only ours or the signup app's.
    return form.submit(headers={"Origin": extra.pop("origin", ISSUER)}, **extra)


class TestWithoutASignupApp:
    def test_link_shows_the_choose_password_form(self, app):
        page = app.get(INVITE)
        form = page.forms[0]
        assert form.action == "/account/accept/ok"
        assert form["id"].value == "123" and form["token"].value == "456abc"
        assert page.text.count('autocomplete="new-password"') == 2

    def test_accepting_logs_in_at_once(self, app, api, read_session):
        mock_accept(api)
        mock_dance(api)
        response = choose(app)
        assert response.location == "http://localhost/"
        assert read_session()["access_token"] == "identity-access"
        assert any(c.startswith("heroku_session=1") for c in response.headers.getall("Set-Cookie"))

    def test_accepting_continues_a_pending_authorization(self, app, api, set_session):
        set_session(authorize_params=[["client_id", CLIENT_ID], ["response_type", "code"]])
        mock_accept(api)
        mock_dance(api)
        location = choose(app).location
        assert location.startswith("http://localhost/oauth/authorize?")
        assert ("client_id", CLIENT_ID) in parse_qsl(urlsplit(location).query)

    def test_accept_is_the_csrf_exception(self, app, api, read_session):
        mock_accept(api, newsletter="1")
        mock_dance(api)
        response = app.post(
            "/account/accept/ok",
            {
                "id": "123",
                "token": "456abc",
                "password": GOOD,
                "password_confirmation": GOOD,
                "receive_newsletter": "1",
            },
            headers={"Origin": ISSUER},
        )
        assert response.status_int == 303
        assert read_session()["user"]["email"] == "user@example.com"

    def test_mismatch_goes_back_to_the_form(self, app):
        response = choose(app, confirmation="something else entirely")
        assert response.location.endswith(INVITE)
        assert "confirmation doesn&#39;t match" in response.follow().text

    def test_api_validation_message_goes_back_to_the_form(self, app, api):
        refusal = {"id": "invalid_params", "message": "Password too short."}
        mock_accept(api, status=422, body=refusal)
        response = choose(app)
        assert response.location.endswith(INVITE)
        assert "Password too short." in response.follow().text

    def test_used_invitation_goes_to_login(self, app, api):
        mock_accept(api, status=404, body={"id": "not_found", "message": "x"})
        response = choose(app)
        assert response.location.endswith("/login")
        assert "already accepted or has expired" in response.follow().text

    def test_unknown_client_goes_to_login(self, app, api):
        mock_accept(api, status=400, body={"id": "bad_request", "message": "x"})
        assert "Unknown OAuth client." in choose(app).follow().text

    def test_two_factor_account_goes_to_the_second_step(self, app, api, read_session):
        mock_accept(api)
        mock_dance(
            api,
            status=403,
            headers={"Heroku-Two-Factor-Required": "true"},
            body={"id": "two_factor", "message": "A second factor is required."},
        )
        assert choose(app).location.endswith("/login/two-factor")
        assert read_session()["two_factor"]["email"] == "new@example.com"

    def test_missing_token_is_not_found(self, app):
        app.post(
            "/account/accept/ok",
            {"password": GOOD},
            headers={"Sec-Fetch-Site": "same-origin"},
            status=404,
        )

    def test_get_ok_is_not_found(self, app):
        app.get("/account/accept/ok", status=404)

    def test_signup_is_not_found(self, app):
        app.get("/signup", status=404)
        app.get("/signup/foo", status=404)


class TestWithASignupApp:
    def test_link_redirects_to_the_same_path_there(self, make_testapp):
        app = make_testapp(signup_url=SIGNUP)
        response = app.get(INVITE, status=302)
        assert response.location == f"{SIGNUP}/account/accept/123/456abc?from=id"

    def test_get_ok_redirects_there(self, make_testapp):
        app = make_testapp(signup_url=SIGNUP)
        assert app.get("/account/accept/ok").location == f"{SIGNUP}/account/accept/ok?from=id"

    def test_accepting_without_a_pending_authorization_ends_there(self, make_testapp, api):
        app = make_testapp(signup_url=SIGNUP)
        mock_accept(api)
        mock_dance(api)
        response = app.post(
            "/account/accept/ok",
            {"id": "123", "token": "456abc", "password": GOOD, "password_confirmation": GOOD},
            headers={"Origin": SIGNUP},
        )
        assert response.location == f"{SIGNUP}/account/accept/ok?from=id"

    def test_signup_redirects_permanently_to_the_root(self, make_testapp):
        app = make_testapp(signup_url=SIGNUP)
        response = app.get("/signup", status=301)
        assert response.location == f"{SIGNUP}?from=id"

    def test_signup_slug_keeps_the_query(self, make_testapp):
        app = make_testapp(signup_url=SIGNUP)
        response = app.get("/signup/foo?utm_source=x", status=301)
        assert response.location == f"{SIGNUP}/foo?utm_source=x&from=id"

    def test_signup_carries_the_pending_authorization(self, make_testapp, codec):
        app = make_testapp(signup_url=SIGNUP)
        put_session(app, codec, authorize_params=[["client_id", CLIENT_ID], ["state", "a b"]])
        location = app.get("/signup/foo", status=301).location
        params = dict(parse_qsl(urlsplit(location).query))
        assert params["from"] == "id"
        assert params["redirect-url"] == (
            f"https://identity.test/oauth/authorize?client_id={CLIENT_ID}&state=a+b"
        )

    def test_control_characters_never_reach_the_header(self, make_testapp):
        app = make_testapp(signup_url=SIGNUP)
        location = app.get("/signup/a%0d%0ab?x=%0d%0aSet-Cookie:%20y&from=evil", status=301)
        header = location.headers["Location"]
        assert not any(ord(c) < 0x20 or ord(c) == 0x7F for c in header)
        assert header == f"{SIGNUP}/ab?x=Set-Cookie%3A+y&from=id"
