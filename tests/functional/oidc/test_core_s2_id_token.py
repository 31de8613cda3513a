"""OpenID Connect Core 1.0 §2 and §3.1.3.6: the id_token of the code exchange, claim by claim."""

from __future__ import annotations

import base64
import hashlib

import jwt

from tests.conftest import ISSUER, PASSWORD
from tests.functional.oidc.conftest import jwks, openid_tokens, verify


def claims_of(world, rp, leeway: float = 0, **params) -> tuple[dict, dict]:
    answer = openid_tokens(world, rp, **params)
    return answer, verify(world, answer["id_token"], rp["id"], leeway=leeway)


class TestIdTokenClaims:
    def test_iss_is_the_issuer_of_the_metadata(self, world, rp):
        _, claims = claims_of(world, rp)
        assert claims["iss"] == ISSUER
        assert world.client_app.get("/.well-known/openid-configuration").json["issuer"] == ISSUER

    def test_sub_is_the_accounts_stable_id(self, world, rp):
        answer, claims = claims_of(world, rp)
        assert claims["sub"] == answer["user_id"]

    def test_aud_and_azp_are_the_client(self, world, rp):
        _, claims = claims_of(world, rp)
        assert claims["aud"] == rp["id"] and claims["azp"] == rp["id"]

    def test_exp_is_iat_plus_the_configured_lifetime(self, world, rp):
        _, claims = claims_of(world, rp)
        assert claims["exp"] - claims["iat"] == world.settings.id_token_expires_in

    def test_auth_time_is_when_the_person_logged_in(self, world, rp, clock):
        world.user("user@example.com")
        browser = world.browser("user@example.com")
        logged_in_at = int(clock.now)
        clock.advance(120)
        _, claims = claims_of(world, rp, leeway=300, browser=browser)
        assert claims["auth_time"] == logged_in_at
        assert claims["iat"] == logged_in_at + 120

    def test_nonce_is_echoed_exactly(self, world, rp):
        _, claims = claims_of(world, rp, nonce="n-0S6_WzA2Mj")
        assert claims["nonce"] == "n-0S6_WzA2Mj"

    def test_no_nonce_when_none_was_sent(self, world, rp):
        _, claims = claims_of(world, rp)
        assert "nonce" not in claims

    def test_amr_is_pwd_for_a_password_login(self, world, rp):
        _, claims = claims_of(world, rp)
        assert claims["amr"] == ["pwd"]

    def test_amr_names_the_second_factor(self, world, rp):
        user = world.user("two@example.com", two_factor=True)
        browser = world.browser()
        form = browser.get("/login").forms[0]
        form["email"], form["password"] = "two@example.com", PASSWORD
        form.submit(status=303)
        form = browser.get("/login/two-factor").forms[0]
        form["code"] = user["recovery_codes"][0]
        form.submit(status=303)
        _, claims = claims_of(world, rp, browser=browser)
        assert claims["amr"] == ["mfa", "otp", "pwd"]

    def test_at_hash_is_the_left_half_of_the_access_tokens_sha256(self, world, rp):
        answer, claims = claims_of(world, rp)
        digest = hashlib.sha256(answer["access_token"].encode()).digest()[:16]
        assert claims["at_hash"] == base64.urlsafe_b64encode(digest).decode().rstrip("=")


class TestClaimsPerScope:
    def test_openid_alone_tells_no_email_or_name(self, world, rp):
        _, claims = claims_of(world, rp)
        assert not {"email", "email_verified", "name"} & set(claims)

    def test_email_scope_gives_email_and_email_verified(self, world, rp):
        _, claims = claims_of(world, rp, scope="openid email")
        assert claims["email"] == "user@example.com" and claims["email_verified"] is True
        assert "name" not in claims

    def test_profile_scope_gives_the_name(self, world, rp):
        _, claims = claims_of(world, rp, scope="openid profile")
        assert claims["name"] == "Ada Lovelace" and "email" not in claims


class TestWhenThereIsOne:
    def test_no_id_token_without_openid(self, world, rp):
        answer = world.tokens(rp)
        assert "id_token" not in answer

    def test_signed_with_the_first_published_key(self, world, rp):
        answer = openid_tokens(world, rp)
        header = jwt.get_unverified_header(answer["id_token"])
        first = jwks(world)["keys"][0]
        assert header["kid"] == first["kid"] and header["alg"] == first["alg"] == "RS256"

    def test_openid_alone_asks_the_api_for_the_account_scope_never_global(self, world, rp):
        answer = openid_tokens(world, rp)
        assert answer["scope"] == "identity openid"
