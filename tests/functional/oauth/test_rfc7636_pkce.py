"""RFC 7636 (PKCE) as RFC 9700 §2.1.1 and OAuth 2.1 tighten it: S256 only."""

from __future__ import annotations

import pytest

from tests.conftest import pkce_pair
from tests.functional.oauth.conftest import assert_oauth_error

VERIFIER = pkce_pair()[0]


@pytest.fixture
def browser(world):
    world.user()
    return world.browser("user@example.com")


class TestAuthorizationRequest:
    def test_s4_3_s256_is_accepted(self, world, browser):
        assert "code" in world.authorize(browser, world.client())

    @pytest.mark.parametrize("method", ["plain", "S512", "s256"])
    def test_s4_3_any_other_method_is_invalid_request(self, world, browser, method):
        answer = world.authorize(browser, world.client(), pkce=method)
        assert answer["error"] == "invalid_request"
        assert answer["state"] == "xyz"

    def test_s4_3_malformed_challenge_is_invalid_request(self, world, browser):
        answer = world.authorize(browser, world.client(), code_challenge="short")
        assert answer["error"] == "invalid_request"

    def test_s4_4_1_public_clients_must_send_a_challenge(self, world, browser):
        public = world.client("http://127.0.0.1/cb", public=True)
        answer = world.authorize(browser, public, pkce=None)
        assert answer["error"] == "invalid_request"


class TestTokenRequest:
    def test_s4_6_right_verifier(self, world, browser):
        client = world.client()
        code = world.code(browser, client)
        assert world.exchange(client, code, code_verifier=VERIFIER).status_int == 200

    def test_s4_6_wrong_verifier_is_invalid_grant(self, world, browser):
        client = world.client()
        code = world.code(browser, client)
        response = world.exchange(client, code, code_verifier=pkce_pair("w" * 50)[0])
        assert_oauth_error(response, "invalid_grant")

    def test_s4_6_missing_verifier_is_invalid_grant(self, world, browser):
        client = world.client()
        code = world.code(browser, client)
        assert_oauth_error(world.exchange(client, code, code_verifier=None), "invalid_grant")

    def test_s4_1_verifier_of_42_characters_is_invalid_grant(self, world, browser):
        verifier = "v" * 42
        client = world.client()
        code = world.code(browser, client, code_challenge=pkce_pair(verifier)[1])
        assert_oauth_error(world.exchange(client, code, code_verifier=verifier), "invalid_grant")

    def test_rfc9700_s2_1_1_verifier_for_a_code_without_challenge_is_invalid_grant(
        self, world, browser
    ):
        """The downgrade defence: oauthlib alone would ignore the verifier."""
        client = world.client()
        code = world.code(browser, client, pkce=None)
        response = world.exchange(client, code, code_verifier=VERIFIER)
        assert_oauth_error(response, "invalid_grant")

    def test_confidential_client_without_pkce_still_works(self, world, browser):
        client = world.client()
        code = world.code(browser, client, pkce=None)
        assert world.exchange(client, code, code_verifier=None).status_int == 200
