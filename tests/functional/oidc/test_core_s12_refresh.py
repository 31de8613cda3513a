"""OpenID Connect Core 1.0 §12.2: an id_token on refresh, and the sealed refresh token."""

from __future__ import annotations

from tests.functional.oauth.conftest import assert_oauth_error
from tests.functional.oidc.conftest import openid_tokens, refresh, verify


class TestRefreshedIdToken:
    def test_new_iat_same_sub_aud_and_auth_time_no_nonce(self, world, rp, clock):
        first = openid_tokens(world, rp, nonce="n-1")
        original = verify(world, first["id_token"], rp["id"])
        clock.advance(60)
        again = refresh(world, rp, first["refresh_token"]).json
        claims = verify(world, again["id_token"], rp["id"], leeway=120)
        assert claims["iat"] == original["iat"] + 60
        for name in ("iss", "sub", "aud", "azp", "auth_time", "amr"):
            assert claims[name] == original[name]
        assert "nonce" not in claims

    def test_at_hash_binds_the_new_access_token(self, world, rp):
        first = openid_tokens(world, rp)
        again = refresh(world, rp, first["refresh_token"]).json
        assert (
            verify(world, again["id_token"], rp["id"])["at_hash"]
            != verify(world, first["id_token"], rp["id"])["at_hash"]
        )

    def test_a_plain_oauth_grant_gets_no_id_token_and_its_refresh_token_as_issued(self, world, rp):
        first = world.tokens(rp)
        again = refresh(world, rp, first["refresh_token"]).json
        assert "id_token" not in again


class TestSealedRefreshToken:
    def test_a_public_clients_rotated_token_is_sealed_again_and_still_refreshes(self, world):
        app = world.client(public=True)
        first = openid_tokens(world, app)
        second = refresh(world, app, first["refresh_token"]).json
        assert second["refresh_token"] != first["refresh_token"]
        third = refresh(world, app, second["refresh_token"]).json
        assert "id_token" in third

    def test_another_client_cannot_use_it(self, world, rp):
        first = openid_tokens(world, rp)
        other = world.client(name="Other")
        assert_oauth_error(
            refresh(world, other, first["refresh_token"], status=400), "invalid_grant"
        )

    def test_a_tampered_token_is_invalid_grant(self, world, rp):
        token = openid_tokens(world, rp)["refresh_token"]
        tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
        assert_oauth_error(refresh(world, rp, tampered, status=400), "invalid_grant")

    def test_revocation_opens_it_and_ends_the_grant(self, world, rp):
        token = openid_tokens(world, rp)["refresh_token"]
        world.client_app.post(
            "/oauth/revoke", {"token": token, **world.credentials(rp)}, status=200
        )
        assert_oauth_error(refresh(world, rp, token, status=400), "invalid_grant")

    def test_introspection_opens_it(self, world, rp):
        token = openid_tokens(world, rp)["refresh_token"]
        info = world.client_app.post(
            "/oauth/introspect", {"token": token, **world.credentials(rp)}, status=200
        ).json
        assert info["active"] is True and info["token_type"] == "refresh_token"
