"""OpenID Connect Discovery 1.0 §3 and the JWKS: the document tells the truth.

Like the RFC 8414 walk (``tests/functional/oauth/test_rfc8414_metadata.py``):
every OpenID value advertised is used, and what is not advertised is refused.
"""

from __future__ import annotations

import jwt
import pytest
import webtest

import identity
from identity.oauth.signing import new_private_key_pem, parse_keys
from identity.settings import SettingsError
from tests.conftest import ISSUER, World
from tests.functional.oidc.conftest import POST_LOGOUT, jwks, openid_tokens, session_of, verify

DISCOVERY = "/.well-known/openid-configuration"


def discovery(world) -> dict:
    return world.client_app.get(DISCOVERY).json


def path(url: str) -> str:
    assert url.startswith(ISSUER + "/")
    return url[len(ISSUER) :]


class TestDocument:
    def test_same_issuer_and_document_as_rfc_8414(self, world):
        document = discovery(world)
        assert document["issuer"] == ISSUER
        assert document == world.client_app.get("/.well-known/oauth-authorization-server").json

    def test_required_fields(self, world):
        document = discovery(world)
        for name in (
            "authorization_endpoint",
            "token_endpoint",
            "userinfo_endpoint",
            "jwks_uri",
            "end_session_endpoint",
            "response_types_supported",
            "subject_types_supported",
            "id_token_signing_alg_values_supported",
        ):
            assert name in document, name
        assert {"openid", "email", "profile"} <= set(document["scopes_supported"])
        assert "RS256" in document["id_token_signing_alg_values_supported"]

    def test_public_and_cacheable(self, world):
        response = world.client_app.get(DISCOVERY)
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert response.headers["Cache-Control"] == "public, max-age=3600"


class TestWalk:
    def test_signing_alg_is_the_id_tokens(self, world, rp):
        (alg,) = discovery(world)["id_token_signing_alg_values_supported"]
        answer = openid_tokens(world, rp)
        assert jwt.get_unverified_header(answer["id_token"])["alg"] == alg

    def test_every_claim_in_tokens_and_userinfo_is_advertised(self, world, rp):
        document = discovery(world)
        answer = openid_tokens(world, rp, scope="openid email profile", nonce="n")
        claims = verify(world, answer["id_token"], rp["id"])
        info = world.client_app.get(
            path(document["userinfo_endpoint"]),
            headers={"Authorization": f"Bearer {answer['access_token']}"},
        ).json
        assert set(claims) | set(info) == set(document["claims_supported"])

    def test_subject_type_public_is_the_same_sub_for_every_client(self, world, rp):
        (subject_type,) = discovery(world)["subject_types_supported"]
        assert subject_type == "public"
        world.user()
        browser = world.browser("user@example.com")
        other = world.client(name="Other")
        first = openid_tokens(world, rp, browser=browser)
        second = openid_tokens(world, other, browser=browser)
        assert (
            verify(world, first["id_token"], rp["id"])["sub"]
            == verify(world, second["id_token"], other["id"])["sub"]
        )

    def test_every_prompt_value_is_honoured(self, world, rp):
        world.user()
        browser = world.browser("user@example.com")
        outcomes = {}
        for prompt in discovery(world)["prompt_values_supported"]:
            response = browser.get(
                "/oauth/authorize", world.authorize_params(rp, scope="openid", prompt=prompt)
            )
            outcomes[prompt] = response.status_int, response.headers.get("Location", "")
        assert "error=consent_required" in outcomes["none"][1]
        assert outcomes["login"][1].endswith("/login")
        assert outcomes["consent"][0] == 200

    def test_every_openid_scope_is_served(self, world, rp):
        for scope in ("openid", "email", "profile", "offline_access"):
            assert scope in discovery(world)["scopes_supported"]
        world.user()
        answer = openid_tokens(
            world,
            rp,
            browser=world.browser("user@example.com"),
            scope="openid email profile offline_access",
            prompt="consent",
        )
        assert set(answer["scope"].split()) >= {"openid", "email", "profile", "offline_access"}

    def test_the_end_session_endpoint_logs_out(self, world, rp):
        world.user()
        browser = world.browser("user@example.com")
        hint = openid_tokens(world, rp, browser=browser)["id_token"]
        browser.get(
            path(discovery(world)["end_session_endpoint"]),
            {"id_token_hint": hint, "post_logout_redirect_uri": POST_LOGOUT},
            status=302,
        )
        assert not session_of(world, browser).logged_in


class TestNotAdvertisedIsRefused:
    @pytest.mark.parametrize("response_type", ["id_token", "code id_token", "id_token token"])
    def test_no_implicit_or_hybrid_flow(self, world, rp, response_type):
        world.user()
        answer = world.authorize(
            world.browser("user@example.com"), rp, response_type=response_type, scope="openid"
        )
        assert answer["error"] == "unsupported_response_type"

    def test_no_select_account_prompt(self, world, rp):
        world.user()
        response = world.browser("user@example.com").get(
            "/oauth/authorize", world.authorize_params(rp, scope="openid", prompt="select_account")
        )
        assert "error=invalid_request" in response.headers["Location"]


class TestJwks:
    def test_every_key_has_kid_use_and_alg_and_no_private_part(self, world):
        response = world.client_app.get("/.well-known/jwks.json")
        assert response.content_type == "application/jwk-set+json"
        assert response.headers["Cache-Control"] == "public, max-age=3600"
        for key in response.json["keys"]:
            assert {"kid", "alg"} <= set(key) and key["use"] == "sig"
            assert not {"d", "p", "q", "dp", "dq", "qi"} & set(key)

    def test_a_key_rotation_keeps_old_tokens_valid(self, identity_values):
        """Sign with the old key, then put a new key first: the old token still verifies
        against the published JWKS, and new tokens are signed with the new key.
        Both Identities share one database, as processes before and after a restart do."""
        old_key, new_key = new_private_key_pem("ES256"), new_private_key_pem("RS256")
        before = World({**identity_values, "id_token_signing_keys": old_key})
        after = World({**identity_values, "id_token_signing_keys": new_key + old_key})
        try:
            rp = before.client()
            id_token = openid_tokens(before, rp)["id_token"]
            assert verify(after, id_token, rp["id"])["iss"] == ISSUER
            (new,) = parse_keys(new_key)
            assert jwks(after)["keys"][0]["kid"] == new.kid
            fresh = openid_tokens(after, rp, email="second@example.com")["id_token"]
            assert jwt.get_unverified_header(fresh)["kid"] == new.kid
        finally:
            before.close()
            after.close()


def test_a_production_identity_without_signing_keys_does_not_start(settings_values):
    values = {**settings_values, "identity_env": "production"}
    with pytest.raises(SettingsError, match="ID_TOKEN_SIGNING_KEYS is missing"):
        webtest.TestApp(identity.main({}, **values))
