"""Email change: asking (PATCH /account) and confirming the mailed link (#10)."""

from __future__ import annotations

import base64

from responses import matchers

from tests.conftest import API, OAUTH_SECRET
from tests.functional.conftest import USER, put_session

TOKEN = "c45685917ef644198a0fececa10d479a"
CONFIRM = f"/account/email/confirm/{TOKEN}"
LOGGED_IN = {
    "access_token": "identity-access",
    "access_token_expires_at": 2**40,
    "refresh_token": "identity-refresh",
    "session_id": "session-1",
    "user": USER,
}


def token_auth(token: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f":{token}".encode()).decode()}


def mock_confirm(api, status=200, token="identity-access", body=None):
    return api.patch(
        f"{API}/users/~",
        status=status,
        json=body if body is not None else {"id": "u", "email": "new@example.com"},
        match=[
            matchers.header_matcher(token_auth(token)),
            matchers.json_params_matcher({"email_change_token": TOKEN}),
        ],
    )


def mock_refresh(api, status=201):
    body = {
        "access_token": {"token": "fresh-access", "expires_in": 7200},
        "refresh_token": {"token": "identity-refresh"},
        "session": {"id": "session-1"},
        "user": {"id": "u"},
    }
    return api.post(
        f"{API}/oauth/tokens",
        status=status,
        json=body if status == 201 else {"id": "unauthorized", "message": "no"},
        match=[
            matchers.json_params_matcher(
                {
                    "client": {"secret": OAUTH_SECRET},
                    "grant": {"type": "refresh_token"},
                    "refresh_token": {"token": "identity-refresh"},
                }
            )
        ],
    )


class TestConfirm:
    def test_requires_login_and_comes_back_after_it(self, app, api, read_session):
        response = app.get(CONFIRM)
        assert response.location.endswith("/login")
        assert read_session()["redirect_url"] == CONFIRM
        api.post(
            f"{API}/oauth/authorizations",
            status=201,
            json={
                "access_token": {"token": "identity-access", "expires_in": 7200},
                "refresh_token": {"token": "identity-refresh"},
                "session": {"id": "session-1"},
                "user": {"id": "u", "email": "user@example.com", "full_name": None},
            },
        )
        form = response.follow().forms[0]
        form["email"], form["password"] = "user@example.com", "secret"
        assert form.submit().location.endswith(CONFIRM)

    def test_success_goes_to_the_dashboard(self, make_testapp, api, codec):
        app = make_testapp(dashboard_url="https://dashboard.heroku.test")
        put_session(app, codec, **LOGGED_IN)
        mock_confirm(api)
        assert app.get(CONFIRM).location == "https://dashboard.heroku.test"

    def test_success_redirects_home_with_a_message(self, app, api, logged_in):
        mock_confirm(api)
        response = app.get(CONFIRM)
        assert response.location == "http://localhost/"
        assert "Your email address has been changed." in response.follow().text

    def test_success_shows_the_new_address_at_once(self, app, api, logged_in, read_session):
        mock_confirm(api)
        response = app.get(CONFIRM)
        assert read_session()["user"]["email"] == "new@example.com"
        assert "new@example.com" in response.follow().text

    def test_an_empty_answer_keeps_the_session_as_it_was(self, app, api, logged_in, read_session):
        mock_confirm(api, body={})  # the original's stub answered an empty 200
        app.get(CONFIRM)
        assert read_session()["user"] == USER

    def test_another_users_link_says_so(self, app, api, logged_in, read_session):
        mock_confirm(api, status=403, body={"id": "forbidden", "message": "x"})
        response = app.get(CONFIRM)
        assert response.location.endswith("/login")
        assert "This link can&#39;t be used with your current login." in response.follow().text

    def test_unknown_used_or_expired_link_is_a_not_found_page(self, app, api, logged_in):
        for status in (404, 422):
            mock_confirm(api, status=status, body={"id": "not_found", "message": "x"})
            page = app.get(CONFIRM, status=404)
            assert "find that e-mail change request" in page.text

    def test_401_refreshes_the_token_once_and_retries(self, app, api, logged_in, read_session):
        mock_confirm(api, status=401, body={"id": "unauthorized", "message": "x"})
        mock_refresh(api)
        mock_confirm(api, token="fresh-access")
        response = app.get(CONFIRM)
        assert response.location == "http://localhost/"
        assert read_session()["access_token"] == "fresh-access"

    def test_401_after_the_retry_logs_out(self, app, api, logged_in, read_session):
        mock_confirm(api, status=401, body={"id": "unauthorized", "message": "x"})
        mock_refresh(api)
        mock_confirm(
            api, status=401, token="fresh-access", body={"id": "unauthorized", "message": "x"}
        )
        response = app.get(CONFIRM)
        assert response.location.endswith("/login")
        session = read_session()
        assert "access_token" not in session and session["redirect_url"] == CONFIRM
        assert any(c.startswith("heroku_session=;") for c in response.headers.getall("Set-Cookie"))

    def test_refused_refresh_logs_out(self, app, api, logged_in, read_session):
        mock_confirm(api, status=401, body={"id": "unauthorized", "message": "x"})
        mock_refresh(api, status=401)
        assert app.get(CONFIRM).location.endswith("/login")
        assert "access_token" not in read_session()


class TestAsk:
    def test_requires_login(self, app, read_session):
        assert app.get("/account/email").location.endswith("/login")
        assert read_session()["redirect_url"] == "/account/email"

    def test_form_and_success(self, app, api, logged_in):
        api.patch(
            f"{API}/account",
            json={"id": "u"},
            match=[
                matchers.header_matcher(token_auth("identity-access")),
                matchers.json_params_matcher({"email": "new@example.com", "password": "secret"}),
            ],
        )
        form = app.get("/account/email").forms[0]
        assert 'autocomplete="current-password"' in form.text
        form["email"], form["password"] = "new@example.com", "secret"
        response = form.submit()
        assert "We sent a confirmation link to new@example.com" in response.follow().text

    def test_wrong_password(self, app, api, logged_in):
        api.patch(f"{API}/account", status=401, json={"id": "unauthorized", "message": "x"})
        mock_refresh(api)
        api.patch(f"{API}/account", status=401, json={"id": "unauthorized", "message": "x"})
        api.get(f"{API}/account", json={"id": "u"})
        form = app.get("/account/email").forms[0]
        form["email"], form["password"] = "new@example.com", "wrong"
        response = form.submit()
        assert response.location.endswith("/account/email")
        assert "That password is not correct." in response.follow().text

    def test_taken_address_shows_the_api_message(self, app, api, logged_in):
        api.patch(
            f"{API}/account",
            status=422,
            json={"id": "invalid_params", "message": "Email is already taken."},
        )
        form = app.get("/account/email").forms[0]
        form["email"], form["password"] = "new@example.com", "secret"
        assert "Email is already taken." in form.submit().follow().text
