"""OpenID Connect Core 1.0 §5.3 and RFC 6750: the userinfo endpoint."""

from __future__ import annotations

import pytest

from identity.platform.domain.accounts import set_state
from tests.functional.oidc.conftest import openid_tokens

USERINFO = "/oauth/userinfo"


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


class TestClaims:
    def test_get_with_the_header_answers_sub(self, world, rp):
        answer = openid_tokens(world, rp)
        info = world.client_app.get(USERINFO, headers=bearer(answer["access_token"])).json
        assert info == {"sub": answer["user_id"]}

    def test_post_with_the_token_in_the_form_body(self, world, rp):
        answer = openid_tokens(world, rp, scope="openid email profile")
        response = world.client_app.post(USERINFO, {"access_token": answer["access_token"]})
        assert response.json == {
            "sub": answer["user_id"],
            "email": "user@example.com",
            "email_verified": True,
            "name": "Ada Lovelace",
        }
        assert response.headers["Cache-Control"] == "no-store"

    def test_claims_follow_the_granted_scopes(self, world, rp):
        answer = openid_tokens(world, rp, scope="openid email")
        info = world.client_app.get(USERINFO, headers=bearer(answer["access_token"])).json
        assert set(info) == {"sub", "email", "email_verified"}


class TestRefusals:
    def test_no_token_is_401_with_a_bare_challenge(self, world):
        response = world.client_app.get(USERINFO, status=401)
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="Identity"'

    def test_a_bad_token_is_invalid_token(self, world):
        response = world.client_app.get(USERINFO, headers=bearer("not-a-token"), status=401)
        assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
        assert response.json["error"] == "invalid_token"

    def test_a_revoked_token_is_invalid_token(self, world, rp):
        answer = openid_tokens(world, rp)
        world.client_app.post(
            "/oauth/revoke", {"token": answer["access_token"], **world.credentials(rp)}
        )
        response = world.client_app.get(
            USERINFO, headers=bearer(answer["access_token"]), status=401
        )
        assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]

    def test_a_token_without_openid_is_403_insufficient_scope(self, world, rp):
        answer = world.tokens(rp)
        response = world.client_app.get(
            USERINFO, headers=bearer(answer["access_token"]), status=403
        )
        assert 'error="insufficient_scope"' in response.headers["WWW-Authenticate"]
        assert 'scope="openid"' in response.headers["WWW-Authenticate"]

    def test_never_from_the_query(self, world, rp):
        answer = openid_tokens(world, rp)
        response = world.client_app.get(
            USERINFO, {"access_token": answer["access_token"]}, status=400
        )
        assert response.json["error"] == "invalid_request"

    @pytest.mark.parametrize("scheme", ["Basic", "Token"])
    def test_other_schemes_get_the_bearer_challenge(self, world, scheme):
        response = world.client_app.get(
            USERINFO, headers={"Authorization": f"{scheme} abc"}, status=401
        )
        assert response.headers["WWW-Authenticate"].startswith("Bearer ")

    def test_two_ways_at_once_is_invalid_request(self, world, rp):
        token = openid_tokens(world, rp)["access_token"]
        response = world.client_app.post(
            USERINFO, {"access_token": token}, headers=bearer(token), status=400
        )
        assert response.json["error"] == "invalid_request"

    def test_a_suspended_account_is_invalid_token(self, world, rp):
        answer = openid_tokens(world, rp)
        set_state(world.db, "user@example.com", suspended=True)
        response = world.client_app.get(
            USERINFO, headers=bearer(answer["access_token"]), status=401
        )
        assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
