"""OpenID Connect Core 1.0 §3.1.2.1-2: prompt, max_age, login_hint, id_token_hint, nonce."""

from __future__ import annotations

from urllib.parse import urlencode

from tests.conftest import ISSUER, query
from tests.functional.oidc.conftest import openid_tokens, session_of, verify


def ask(world, browser, rp, status="*", **params):
    params.setdefault("scope", "openid")
    url = "/oauth/authorize?" + urlencode(world.authorize_params(rp, **params))
    return browser.get(url, status=status)


def error_back(response) -> dict:
    """The error redirect to the client: error, state and iss, never a page."""
    assert response.status_int == 302, response
    params = {k: v[0] for k, v in query(response.headers["Location"]).items()}
    assert params["state"] == "xyz" and params["iss"] == ISSUER
    return params


class TestPromptNone:
    def test_not_logged_in_is_login_required(self, world, rp):
        assert error_back(ask(world, world.browser(), rp, prompt="none"))["error"] == (
            "login_required"
        )

    def test_consent_needed_is_consent_required(self, world, rp):
        world.user()
        browser = world.browser("user@example.com")
        params = error_back(ask(world, browser, rp, prompt="none"))
        assert params["error"] == "consent_required"

    def test_approved_before_answers_with_a_code_at_once(self, world, rp):
        world.user()
        browser = world.browser("user@example.com")
        world.code(browser, rp, scope="openid")
        response = ask(world, browser, rp, prompt="none")
        assert "code" in query(response.headers["Location"])

    def test_combined_with_another_value_is_invalid_request(self, world, rp):
        params = error_back(ask(world, world.browser(), rp, prompt="none login"))
        assert params["error"] == "invalid_request"

    def test_an_id_token_hint_of_someone_else_is_login_required(self, world, rp):
        hint = openid_tokens(world, rp, email="other@example.com")["id_token"]
        world.user("user@example.com")
        browser = world.browser("user@example.com")
        world.code(browser, rp, scope="openid")
        params = error_back(ask(world, browser, rp, prompt="none", id_token_hint=hint))
        assert params["error"] == "login_required"

    def test_an_id_token_hint_of_the_person_is_accepted(self, world, rp):
        world.user()
        browser = world.browser("user@example.com")
        code = world.code(browser, rp, scope="openid")
        hint = world.exchange(rp, code, status=200).json["id_token"]
        response = ask(world, browser, rp, prompt="none", id_token_hint=hint)
        assert "code" in query(response.headers["Location"])


class TestPromptLoginAndMaxAge:
    def test_prompt_login_makes_the_person_log_in_again_and_auth_time_moves(self, world, rp, clock):
        world.user()
        browser = world.browser("user@example.com")
        first = session_of(world, browser)["auth_time"]
        clock.advance(100)
        assert ask(world, browser, rp, prompt="login").headers["Location"].endswith("/login")
        replay = world.log_in(browser, "user@example.com")
        assert "prompt" not in replay.headers["Location"]
        assert session_of(world, browser)["auth_time"] == first + 100

    def test_max_age_older_than_the_login_asks_for_a_login(self, world, rp, clock):
        world.user()
        browser = world.browser("user@example.com")
        clock.advance(61)
        assert ask(world, browser, rp, max_age="60").headers["Location"].endswith("/login")
        replay = world.log_in(browser, "user@example.com")
        assert "max_age" not in replay.headers["Location"]  # the fresh login satisfies it

    def test_max_age_within_the_login_needs_none(self, world, rp, clock):
        world.user()
        browser = world.browser("user@example.com")
        clock.advance(30)
        assert ask(world, browser, rp, max_age="60").status_int == 200  # consent

    def test_max_age_that_is_no_number_is_invalid_request(self, world, rp):
        params = error_back(ask(world, world.browser(), rp, max_age="soon"))
        assert params["error"] == "invalid_request"


class TestOtherParameters:
    def test_prompt_consent_shows_consent_even_when_approved_before(self, world, rp):
        world.user()
        browser = world.browser("user@example.com")
        world.code(browser, rp, scope="openid")
        page = ask(world, browser, rp, prompt="consent")
        assert page.status_int == 200 and "Allow" in page

    def test_prompt_consent_shows_consent_to_trusted_clients_too(self, world):
        trusted = world.client(trusted=True)
        world.user()
        page = ask(world, world.browser("user@example.com"), trusted, prompt="consent")
        assert page.status_int == 200

    def test_unknown_prompt_values_are_invalid_request(self, world, rp):
        params = error_back(ask(world, world.browser(), rp, prompt="select_account"))
        assert params["error"] == "invalid_request"

    def test_login_hint_fills_in_the_email(self, world, rp):
        browser = world.browser()
        ask(world, browser, rp, login_hint="ada@example.com")
        page = browser.get("/login")
        assert page.forms[0]["email"].value == "ada@example.com"

    def test_nonce_survives_login_and_consent(self, world, rp):
        world.user()
        browser = world.browser()
        ask(world, browser, rp, nonce="abc-123")
        world.log_in(browser, "user@example.com")
        code = world.code(browser, rp, scope="openid", nonce="abc-123")
        id_token = world.exchange(rp, code, status=200).json["id_token"]
        assert verify(world, id_token, rp["id"])["nonce"] == "abc-123"


class TestRequiredAndUnsupported:
    def test_an_openid_request_without_redirect_uri_is_an_error_page(self, world, rp):
        response = ask(world, world.browser(), rp, redirect_uri=None, status=400)
        assert "redirect_uri" in response

    def test_a_plain_oauth_request_may_still_leave_it_out(self, world, rp):
        response = ask(world, world.browser(), rp, scope="read", redirect_uri=None)
        assert response.headers["Location"].endswith("/login")

    def test_request_objects_are_request_not_supported(self, world, rp):
        params = error_back(ask(world, world.browser(), rp, request="eyJhbGciOiJub25lIn0.e30."))
        assert params["error"] == "request_not_supported"

    def test_request_uris_are_request_uri_not_supported(self, world, rp):
        params = error_back(ask(world, world.browser(), rp, request_uri="https://rp.test/r"))
        assert params["error"] == "request_uri_not_supported"


class TestRegisteredRedirectUris:
    def test_every_registered_uri_works(self, world):
        second = "https://client.test/other-callback"
        rp = world.client(redirect_uris=[second])
        world.user()
        browser = world.browser("user@example.com")
        assert "code" in world.authorize(browser, rp, redirect_uri=second)
        assert "code" in world.authorize(browser, rp)

    def test_an_unregistered_uri_is_an_error_page(self, world):
        rp = world.client(redirect_uris=["https://client.test/other-callback"])
        world.user()
        browser = world.browser("user@example.com")
        params = world.authorize_params(rp, redirect_uri="https://client.test/other")
        assert browser.get("/oauth/authorize", params, status=400)
