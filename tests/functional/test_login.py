"""Login, two-factor and the session cookie, driven through the whole app."""

from __future__ import annotations

import base64
import json
import time

import pytest
import requests
from cryptography.fernet import Fernet
from responses import matchers

from identity.session import SessionCodec
from tests.conftest import API, CLIENT_ID, OAUTH_ID, SIGNING_KEY
from tests.functional.conftest import USER, client_answer, login_answer, put_cookie, put_session


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def login_form(app, email="user@example.com", password="secret", **extra):
    page = app.get("/login")
    form = page.forms[0]
    form["email"], form["password"] = email, password
    return form.submit(**extra)


def mock_login(api, status=201, body=None, headers=None, code=None):
    request_headers = {"Authorization": basic("user@example.com", "secret")}
    if code:
        request_headers["Heroku-Two-Factor-Code"] = code
    return api.post(
        f"{API}/oauth/authorizations",
        status=status,
        json=login_answer() if body is None else body,
        headers=headers,
        match=[
            matchers.header_matcher(request_headers),
            matchers.json_params_matcher(
                {
                    "client": {"id": OAUTH_ID},
                    "create_session": True,
                    "create_tokens": True,
                    "response_type": "code",
                }
            ),
        ],
    )


def test_login_page_has_labelled_inputs_and_csrf_field(app):
    page = app.get("/login")
    assert page.status_int == 200
    assert 'autocomplete="username"' in page.text
    assert 'autocomplete="current-password"' in page.text
    assert '<label for="email">' in page.text and '<label for="password">' in page.text
    assert page.forms[0]["csrf_token"].value


def test_login_success_goes_to_root_and_sets_cookies(app, api, read_session):
    mock_login(api)
    response = login_form(app)
    assert response.status_int == 303
    assert response.location.endswith("/")
    session = read_session()
    assert session["access_token"] == "identity-access"
    assert session["session_id"] == "session-1"
    assert session["user"] == USER
    cookies = response.headers.getall("Set-Cookie")
    identity_cookie = next(c for c in cookies if c.startswith("identity-session="))
    assert "HttpOnly" in identity_cookie and "SameSite=lax" in identity_cookie
    assert "Path=/" in identity_cookie and "Max-Age=2592000" in identity_cookie
    assert "secure" not in identity_cookie.lower()  # identity_env=test
    names = {c.split("=", 1)[0] for c in cookies}
    assert {"heroku_session", "heroku_session_nonce", "heroku_user_session"} <= names
    assert any(
        "heroku_session_nonce=session-1" in c and "Domain=.heroku.test" in c for c in cookies
    )
    assert not [c for c in cookies if c.startswith("heroku_") and "Max-Age=0" in c]


def test_root_domain_user_cookie_decrypts_to_the_user(app, api, settings_values):
    mock_login(api)
    response = login_form(app)
    value = (
        next(
            c for c in response.headers.getall("Set-Cookie") if c.startswith("heroku_user_session=")
        )
        .split(";")[0]
        .split("=", 1)[1]
    )
    key = Fernet(settings_values["heroku_root_domain_cookie_encryption_key"])
    assert json.loads(key.decrypt(value.encode())) == {"user": USER}


def test_no_root_domain_cookies_without_a_cookie_domain(make_testapp, api):
    app = make_testapp(heroku_cookie_domain="")
    mock_login(api)
    response = login_form(app)
    assert not any(c.startswith("heroku_") for c in response.headers.getall("Set-Cookie"))


def test_session_cookie_is_secure_in_production(make_testapp):
    app = make_testapp(identity_env="production", id_token_signing_keys=SIGNING_KEY)
    page = app.get("/login")
    assert "secure" in page.headers["Set-Cookie"].lower()


def test_login_goes_to_dashboard_when_configured(make_testapp, api):
    app = make_testapp(dashboard_url="https://dashboard.heroku.test")
    mock_login(api)
    assert login_form(app).location == "https://dashboard.heroku.test"


def test_login_renews_csrf_token(app, api, read_session):
    before = app.get("/login").forms[0]["csrf_token"].value
    mock_login(api)
    login_form(app)
    assert read_session()["csrf_token"] != before


def test_login_ends_the_previous_api_session_first(app, api, logged_in, read_session):
    api.delete(
        f"{API}/oauth/sessions/session-1",
        status=200,
        json={},
        match=[matchers.header_matcher({"Authorization": basic("", "identity-access")})],
    )
    mock_login(api, body=login_answer(session={"id": "session-2"}))
    login_form(app)
    assert read_session()["session_id"] == "session-2"


@pytest.mark.parametrize("email,password", [("", "secret"), ("user@example.com", "")])
def test_missing_credentials_get_the_generic_message(app, email, password):
    response = login_form(app, email=email, password=password).follow()
    assert "There was a problem with your login." in response.text


def test_bad_credentials_get_one_generic_message(app, api):
    mock_login(api, status=401, body={"id": "unauthorized", "message": "Invalid credentials"})
    page = login_form(app).follow()
    assert "There was a problem with your login." in page.text
    assert "Invalid credentials" not in page.text


def test_rate_limited_login(app, api):
    mock_login(api, status=429, body={"id": "rate_limit", "message": "slow down"})
    page = login_form(app).follow()
    assert "please wait a few minutes" in page.text


def test_suspended_account_shows_the_api_message(app, api):
    mock_login(api, status=403, body={"id": "suspended", "message": "Account suspended."})
    response = login_form(app)
    assert response.location.endswith("/login")
    assert "Account suspended." in response.follow().text


def test_expired_password_goes_to_reset(app, api, read_session):
    mock_login(api, status=422, body={"id": "password_expired", "message": "ignored"})
    response = login_form(app)
    assert response.location.endswith("/account/password/reset")
    assert read_session()["flashes"] == ["Your password has expired. Please reset it."]


def test_other_forbidden_shows_the_message(app, api):
    mock_login(api, status=403, body={"id": "forbidden", "message": "Not on this network."})
    assert "Not on this network." in login_form(app).follow().text


def test_unknown_oauth_client(app, api):
    mock_login(api, status=400, body={"id": "bad_request", "message": "x"})
    assert "Unknown OAuth client." in login_form(app).follow().text


def test_not_found_forgets_a_pending_authorization(app, api, set_session, read_session):
    set_session(authorize_params=[["client_id", CLIENT_ID]], csrf_token="csrf")
    api.get(f"{API}/oauth/clients/{CLIENT_ID}", json=client_answer())
    mock_login(api, status=404, body={"id": "not_found", "message": "gone"})
    login_form(app)
    assert "authorize_params" not in read_session()


@pytest.mark.parametrize("status", [500, 503, 406])
def test_api_failure_is_a_503_page(app, api, status):
    mock_login(api, status=status, body={"id": "x", "message": "boom"})
    response = login_form(app, status=503)
    assert "API unavailable" in response.text


def test_api_timeout_is_a_503_page(app, api):
    api.post(f"{API}/oauth/authorizations", body=requests.exceptions.ConnectTimeout())
    assert "API unavailable" in login_form(app, status=503).text


def test_unexpected_exception_is_a_plain_500(app, api):
    api.post(f"{API}/oauth/authorizations", body=RuntimeError("bug"))
    response = login_form(app, status=500)
    assert response.content_type == "text/plain"
    assert "Traceback" not in response.text


class TestTwoFactor:
    def start(self, app, api):
        mock_login(
            api,
            status=403,
            headers={"Heroku-Two-Factor-Required": "true"},
            body={"id": "two_factor", "message": "A second factor is required."},
        )
        response = login_form(app)
        assert response.location.endswith("/login/two-factor")

    def test_code_form_without_sms(self, app, api):
        self.start(app, api)
        api.get(f"{API}/users/~/sms-number", json={"sms_number": None})
        page = app.get("/login/two-factor")
        assert 'autocomplete="one-time-code"' in page.text
        assert "recovery/sms" not in page.text

    def test_code_form_offers_sms_when_there_is_a_number(self, app, api):
        self.start(app, api)
        api.get(
            f"{API}/users/~/sms-number",
            json={"sms_number": "+1 ***-***-1234"},
            match=[matchers.header_matcher({"Authorization": basic("user@example.com", "secret")})],
        )
        page = app.get("/login/two-factor")
        assert "+1 ***-***-1234" in page.text

    def test_sms_lookup_errors_hide_the_option(self, app, api):
        self.start(app, api)
        api.get(f"{API}/users/~/sms-number", status=500, json={})
        assert "recovery/sms" not in app.get("/login/two-factor").text

    def test_code_completes_the_login(self, app, api, read_session):
        self.start(app, api)
        api.get(f"{API}/users/~/sms-number", json={"sms_number": None})
        form = app.get("/login/two-factor").forms[0]
        form["code"] = "123456"
        mock_login(api, code="123456")
        response = form.submit()
        assert response.location.endswith("/")
        session = read_session()
        assert session.logged_in and "two_factor" not in session

    def test_wrong_code_returns_to_the_code_form(self, app, api):
        self.start(app, api)
        api.get(f"{API}/users/~/sms-number", json={"sms_number": None})
        form = app.get("/login/two-factor").forms[0]
        form["code"] = "000000"
        mock_login(
            api, status=401, code="000000", body={"id": "invalid_two_factor_code", "message": "x"}
        )
        response = form.submit()
        assert response.location.endswith("/login/two-factor")

    def test_malformed_code_never_reaches_the_api(self, app, api):
        self.start(app, api)
        api.get(f"{API}/users/~/sms-number", json={"sms_number": None})
        form = app.get("/login/two-factor").forms[0]
        form["code"] = "12\u00e9"
        assert form.submit().location.endswith("/login/two-factor")

    def test_credentials_expire_after_five_minutes(self, app, api, set_session):
        set_session(
            csrf_token="csrf",
            two_factor={
                "email": "user@example.com",
                "password": "secret",
                "expires_at": int(time.time()) - 1,
            },
        )
        assert app.get("/login/two-factor").location.endswith("/login")
        response = app.post("/login", {"code": "123456", "csrf_token": "csrf"})
        assert response.location.endswith("/login")

    def test_expired_credentials_leave_the_cookie_on_any_page(self, app, set_session, read_session):
        set_session(
            csrf_token="csrf",
            two_factor={
                "email": "user@example.com",
                "password": "secret",
                "expires_at": int(time.time()) - 1,
            },
        )
        app.get("/login")
        session = read_session()
        assert "two_factor" not in session and session["csrf_token"] == "csrf"

    def test_without_pending_credentials_goes_to_login(self, app):
        assert app.get("/login/two-factor").location.endswith("/login")


class TestSessionCookie:
    def test_post_without_csrf_token_is_refused(self, app):
        app.get("/login")
        response = app.post("/login", {"email": "a@b.c", "password": "x"}, status=403)
        assert "expired" in response.text

    def test_post_with_wrong_csrf_token_is_refused(self, app, set_session):
        set_session(csrf_token="right")
        app.post("/login", {"email": "a@b.c", "password": "x", "csrf_token": "wrong"}, status=403)

    def test_tampered_cookie_is_an_empty_session(self, app):
        put_cookie(app, "identity-session", "gAAAAAB-not-a-token")
        assert app.get("/").location.endswith("/login")

    def test_cookie_made_with_the_old_key_still_works(self, make_testapp, settings_values):
        old_key = settings_values["cookie_encryption_key"]
        new_key = Fernet.generate_key().decode()
        app = make_testapp(cookie_encryption_key=new_key, old_cookie_encryption_key=old_key)
        old = SessionCodec(old_key, "", 2592000, False)
        put_session(app, old, csrf_token="csrf", user=USER, access_token="t", session_id="s")
        page = app.get("/")
        assert "You are logged in as" in page.text

    def test_cookie_of_an_unknown_key_is_ignored(self, app):
        stranger = SessionCodec(Fernet.generate_key().decode(), "", 2592000, False)
        put_session(app, stranger, access_token="t", session_id="s")
        assert app.get("/").location.endswith("/login")
