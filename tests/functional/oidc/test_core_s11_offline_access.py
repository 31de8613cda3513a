"""OpenID Connect Core 1.0 §11: offline access; by default a grant ends with the login session."""

from __future__ import annotations

from tests.functional.oauth.conftest import assert_oauth_error
from tests.functional.oidc.conftest import openid_tokens, refresh


def log_out(browser) -> None:
    browser.get("/logout", status=302)


class TestSessionBoundByDefault:
    def test_logging_out_ends_the_clients_refresh_token(self, world, rp):
        world.user()
        browser = world.browser("user@example.com")
        answer = openid_tokens(world, rp, browser=browser)
        log_out(browser)
        assert_oauth_error(refresh(world, rp, answer["refresh_token"], status=400), "invalid_grant")

    def test_offline_access_without_prompt_consent_is_dropped(self, world, rp):
        world.user()
        browser = world.browser("user@example.com")
        answer = openid_tokens(world, rp, browser=browser, scope="openid offline_access")
        assert "offline_access" not in answer["scope"].split()
        log_out(browser)
        assert_oauth_error(refresh(world, rp, answer["refresh_token"], status=400), "invalid_grant")

    def test_a_dropped_offline_access_is_named_in_the_token_answer(self, world, rp):
        world.user()
        browser = world.browser("user@example.com")
        code = world.code(browser, rp, scope="offline_access read")
        assert world.exchange(rp, code, status=200).json["scope"] == "read"


class TestOfflineAccess:
    def test_with_consent_the_grant_outlives_the_session(self, world, rp):
        world.user()
        browser = world.browser("user@example.com")
        answer = openid_tokens(
            world, rp, browser=browser, scope="openid offline_access", prompt="consent"
        )
        assert "offline_access" in answer["scope"].split()
        log_out(browser)
        again = refresh(world, rp, answer["refresh_token"]).json
        assert "id_token" in again

    def test_the_consent_page_says_so(self, world, rp):
        world.user()
        browser = world.browser("user@example.com")
        params = world.authorize_params(rp, scope="openid offline_access", prompt="consent")
        page = browser.get("/oauth/authorize", params)
        assert "Keep this access after you log out" in page

    def test_it_can_be_revoked_like_any_other(self, world, rp):
        world.user()
        browser = world.browser("user@example.com")
        answer = openid_tokens(
            world, rp, browser=browser, scope="openid offline_access", prompt="consent"
        )
        world.client_app.post(
            "/oauth/revoke", {"token": answer["refresh_token"], **world.credentials(rp)}
        )
        assert_oauth_error(refresh(world, rp, answer["refresh_token"], status=400), "invalid_grant")
