"""RFC 9207: ``iss`` on every authorization response; ``state`` echoed exactly (RFC 6749 §4.1.2)."""

from __future__ import annotations

import pytest

from tests.conftest import ISSUER, query

STATE = "a b+c/d=é&%"


@pytest.fixture
def browser(world):
    world.user()
    return world.browser("user@example.com")


class TestIssOnEveryRedirect:
    def test_s2_success(self, world, browser):
        answer = world.authorize(browser, world.client(), state=STATE)
        assert (answer["iss"], answer["state"]) == (ISSUER, STATE)
        assert answer["code"]

    def test_s2_deny(self, world, browser):
        answer = world.authorize(browser, world.client(), decision="Deny", state=STATE)
        assert answer == {"error": "access_denied", "state": STATE, "iss": ISSUER}

    @pytest.mark.parametrize(
        ("params", "error"),
        [
            ({"scope": "everything"}, "invalid_scope"),
            ({"response_type": "token"}, "unsupported_response_type"),
            ({"pkce": "plain"}, "invalid_request"),
        ],
    )
    def test_s2_errors(self, world, browser, params, error):
        answer = world.authorize(browser, world.client(), state=STATE, **params)
        assert (answer["error"], answer["state"], answer["iss"]) == (error, STATE, ISSUER)

    def test_s2_trusted_client_without_consent(self, world, browser):
        answer = world.authorize(browser, world.client(trusted=True))
        assert (answer["iss"], answer["state"]) == (ISSUER, "xyz")
        assert answer["code"]

    def test_s2_4_metadata_says_so(self, world):
        document = world.client_app.get("/.well-known/oauth-authorization-server").json
        assert document["authorization_response_iss_parameter_supported"] is True
        assert document["issuer"] == ISSUER


class TestDuplicateParameters:
    """RFC 6749 §3.1: parameters MUST NOT be included more than once."""

    def test_duplicate_scope_is_invalid_request_by_redirect(self, world, browser):
        client = world.client()
        params = world.authorize_params(client)
        raw = "&".join(f"{k}={v}" for k, v in params.items()) + "&scope=read&scope=write"
        response = browser.get("/oauth/authorize?" + raw, status=302)
        location = response.headers["Location"]
        assert location.startswith(client["redirect_uri"])
        answer = {k: v[0] for k, v in query(location).items()}
        assert answer["error"] == "invalid_request"
        assert (answer["state"], answer["iss"]) == ("xyz", ISSUER)

    @pytest.mark.parametrize("name", ["client_id", "redirect_uri"])
    def test_duplicate_client_id_or_redirect_uri_is_an_error_page(self, world, browser, name):
        client = world.client()
        params = world.authorize_params(client)
        raw = "&".join(f"{k}={v}" for k, v in params.items()) + f"&{name}={params[name]}"
        response = browser.get("/oauth/authorize?" + raw, status=400)
        assert "Location" not in response.headers
