"""The account pages through WebTest, on the embedded Platform API (``world``)."""

from __future__ import annotations

import html
import time
from urllib.parse import urlencode

from identity.oauth.scopes import describe
from identity.platform.domain.twofactor import totp_code
from tests.conftest import PASSWORD

NEW = "a brand new passphrase of mine"


def test_every_page_needs_a_login_and_comes_back(world):
    browser = world.browser()
    for path in ("/account", "/account/password", "/account/sessions"):
        assert browser.get(path, status=302).location.endswith("/login")


class TestOverview:
    def test_shows_the_account(self, world):
        world.user(name="Ada")
        page = world.browser("user@example.com").get("/account")
        assert "Ada" in page.text and "user@example.com" in page.text
        assert "1 session" in page.text and "0 applications" in page.text
        assert "Two-factor authentication</dt><dd>Off" in page.text

    def test_counts_authorized_applications(self, world):
        world.user()
        browser = world.browser("user@example.com")
        world.code(browser, world.client())
        assert "1 application" in browser.get("/account").text


class TestPassword:
    def test_change_ends_every_other_session_and_says_so(self, world):
        world.user()
        other, browser = world.browser("user@example.com"), world.browser("user@example.com")
        form = browser.get("/account/password").forms[0]
        form["current_password"], form["password"] = PASSWORD, NEW
        form["password_confirmation"] = NEW
        page = form.submit(status=303).follow()
        assert "Every other session of your account has ended" in page.text
        assert other.get("/account", status=302).location.endswith("/login")
        assert browser.get("/account").status_int == 200
        assert world.log_in(world.browser(), "user@example.com", NEW).location != "/login"

    def test_a_wrong_current_password_changes_nothing(self, world):
        world.user()
        browser = world.browser("user@example.com")
        form = browser.get("/account/password").forms[0]
        form["current_password"], form["password"] = "not my password", NEW
        form["password_confirmation"] = NEW
        page = form.submit(status=422)
        assert "Your current password is not correct." in page.text
        assert browser.get("/account").status_int == 200

    def test_the_reset_policy_applies(self, world):
        world.user()
        form = world.browser("user@example.com").get("/account/password").forms[0]
        form["current_password"], form["password"] = PASSWORD, "password"
        form["password_confirmation"] = "password"
        assert "too common" in form.submit(status=422).text
        form["password"], form["password_confirmation"] = NEW, NEW + "x"
        assert "confirmation doesn&#39;t match" in form.submit(status=422).text

    def test_without_the_csrf_token_nothing_changes(self, world):
        world.user()
        browser = world.browser("user@example.com")
        browser.get("/account/password")
        body = {"current_password": PASSWORD, "password": NEW, "password_confirmation": NEW}
        assert "Form expired" in browser.post("/account/password", body, status=403).text


class TestSessions:
    def test_lists_logins_and_marks_this_one(self, world):
        world.user()
        world.browser("user@example.com")
        browser = world.browser()
        browser.extra_environ["HTTP_USER_AGENT"] = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"
        world.log_in(browser, "user@example.com")
        page = browser.get("/account/sessions")
        assert "Firefox on Linux</strong> (this session)" in page.text
        assert page.text.count("Log out this session") == 1

    def test_log_out_another_session(self, world):
        world.user()
        other, browser = world.browser("user@example.com"), world.browser("user@example.com")
        page = browser.get("/account/sessions")
        page = page.forms[0].submit(status=303).follow()
        assert "That session has been logged out." in page.text
        assert other.get("/account", status=302).location.endswith("/login")
        assert "Log out this session" not in page.text

    def test_log_out_everywhere_else(self, world):
        world.user()
        others = [world.browser("user@example.com") for _ in range(2)]
        browser = world.browser("user@example.com")
        page = browser.get("/account/sessions")
        form = page.forms[len(page.forms) - 1]
        assert form.fields["all_others"][0].value == "1"
        form.submit(status=303)
        for other in others:
            assert other.get("/account", status=302).location.endswith("/login")
        assert browser.get("/account/sessions").text.count("(this session)") == 1

    def test_this_session_is_not_logged_out_from_here(self, world):
        world.user()
        browser = world.browser("user@example.com")
        token = browser.get("/account/password").forms[0]["csrf_token"].value
        own = {"csrf_token": token, "session_id": ""}
        assert (
            "Choose another session."
            in browser.post("/account/sessions", own, status=303).follow().text
        )
        assert browser.get("/account").status_int == 200


def test_an_api_without_the_sessions_call_says_unavailable(app, api, logged_in):
    """The real Heroku API answers 404 to a call it lacks: the page says so, no 500."""
    api.get("https://api.heroku.test/oauth/sessions", status=404, json={"id": "not_found"})
    page = app.get("/account/sessions", status=501)
    assert "This feature is unavailable" in page.text


class TestApplications:
    def test_lists_the_clients_with_scopes_in_words(self, world):
        world.user()
        browser = world.browser("user@example.com")
        world.code(browser, world.client(name="Deployer"), scope="identity")
        page = browser.get("/account/applications")
        assert "Deployer" in page.text and "Approved 20" in page.text
        assert f"<li>{html.escape(describe('identity'))}</li>" in page.text

    def test_revoke_ends_its_tokens_and_the_consent(self, world):
        world.user()
        browser = world.browser("user@example.com")
        client = world.client(name="Deployer")
        tokens = world.exchange(client, world.code(browser, client), status=200).json
        page = browser.get("/account/applications").forms[0].submit(status=303).follow()
        assert "Deployer no longer has access to your account." in page.text
        assert "No application has access" in page.text
        refused = world.token(
            {
                "grant_type": "refresh_token",
                "refresh_token": tokens["refresh_token"],
                **world.credentials(client),
            },
            status=400,
        )
        assert refused.json["error"] == "invalid_grant"
        again = browser.get("/oauth/authorize?" + urlencode(world.authorize_params(client)))
        assert again.status_int == 200 and "Allow" in again.text  # consent asked again

    def test_revoking_an_unknown_client_changes_nothing(self, world):
        world.user()
        browser = world.browser("user@example.com")
        world.code(browser, world.client())
        form = browser.get("/account/applications").forms[0]
        form["client_id"].force_value("someone-else")
        assert "has no access" in form.submit(status=303).follow().text
        assert "Revoke" in browser.get("/account/applications").text


def enrol(browser) -> tuple[str, list[str]]:
    """Turn two-factor on through the page: the secret read off it, and the recovery codes."""
    page = browser.get("/account/two-factor")
    secret = page.html.find(id="totp-secret").text
    uri = page.html.find(id="otpauth-uri")["href"]
    assert uri.startswith("otpauth://totp/") and f"secret={secret}" in uri
    assert "<svg" in page.text and "<title>QR code for your app</title>" in page.text
    form = page.forms[0]
    form["code"] = totp_code(secret, time.time())
    done = form.submit(status=200)
    assert "Store these recovery codes somewhere safe now." in done.text
    assert done.headers["Cache-Control"] == "no-store"
    return secret, [li.text for li in done.html.find(id="recovery-codes").find_all("code")]


class TestTwoFactor:
    def test_enrol_then_log_in_needs_a_second_factor(self, world):
        world.user()
        browser = world.browser("user@example.com")
        _, codes = enrol(browser)
        assert len(codes) == 10
        assert "Two-factor authentication</dt><dd>On" in browser.get("/account").text
        assert world.log_in(world.browser(), "user@example.com").location.endswith(
            "/login/two-factor"
        )

    def test_a_wrong_code_keeps_the_same_secret(self, world):
        world.user()
        browser = world.browser("user@example.com")
        page = browser.get("/account/two-factor")
        secret = page.html.find(id="totp-secret").text
        form = page.forms[0]
        form["code"] = "000000"
        again = form.submit(status=422)
        assert "That code is not correct." in again.text
        assert again.html.find(id="totp-secret").text == secret
        assert "Two-factor authentication</dt><dd>Off" in browser.get("/account").text

    def test_regenerate_needs_the_password(self, world):
        world.user()
        browser = world.browser("user@example.com")
        _, old = enrol(browser)
        form = browser.get("/account/two-factor").forms[0]
        form["password"] = "wrong password"
        assert "Your password is not correct." in form.submit(status=422).text
        form["password"] = PASSWORD
        new = form.submit(status=200)
        codes = [li.text for li in new.html.find(id="recovery-codes").find_all("code")]
        assert len(codes) == 10 and not set(codes) & set(old)

    def test_turn_off_with_password_and_a_current_code(self, world):
        world.user()
        browser = world.browser("user@example.com")
        _, codes = enrol(browser)
        form = browser.get("/account/two-factor").forms[1]
        form["password"], form["code"] = PASSWORD, "123456"
        assert "That code is not correct." in form.submit(status=422).text
        form = browser.get("/account/two-factor").forms[1]
        form["password"], form["code"] = "wrong password", codes[0]
        assert "Your password is not correct." in form.submit(status=422).text
        form["password"], form["code"] = PASSWORD, codes[0]
        page = form.submit(status=303).follow()
        assert "Two-factor authentication is off." in page.text
        assert world.log_in(world.browser(), "user@example.com").location.endswith("/")

    def test_without_the_csrf_token_nothing_happens(self, world):
        world.user()
        browser = world.browser("user@example.com")
        browser.get("/account/two-factor")
        body = {"action": "confirm", "code": "123456"}
        assert "Form expired" in browser.post("/account/two-factor", body, status=403).text


def test_an_api_without_two_factor_enrolment_says_unavailable(app, api, logged_in):
    api.get("https://api.heroku.test/account", json={"two_factor_authentication": False})
    api.post(
        "https://api.heroku.test/account/two-factor/actions/enroll",
        status=405,
        json={"id": "method_not_allowed", "message": "no"},
    )
    assert "This feature is unavailable" in app.get("/account/two-factor", status=501).text
