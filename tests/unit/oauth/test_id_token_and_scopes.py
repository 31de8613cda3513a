"""The id_token's computed parts, and which scopes go where."""

from __future__ import annotations

import jwt
import pytest

from identity.oauth.id_token import IdTokens, Subject, at_hash, user_claims
from identity.oauth.scopes import granted_scope, oidc_scopes_of, upstream_scope
from identity.oauth.signing import DEVELOPMENT_SIGNING_KEY, SigningKeys


def test_at_hash_matches_the_example_of_oidc_core_appendix_a3():
    assert at_hash("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y") == "77QmUPtjPfzWtF2AnpK9RQ"


def test_user_claims_per_scope():
    user = {"email": "a@example.com", "full_name": "Ada"}
    assert user_claims(user, ("openid",)) == {}
    assert user_claims(user, ("email",)) == {"email": "a@example.com", "email_verified": True}
    assert user_claims(user, ("profile",)) == {"name": "Ada"}
    assert user_claims({"email": "a@example.com", "full_name": None}, ("profile",)) == {}


def test_a_refreshed_subject_carries_no_user_claims_and_no_nonce():
    keys = SigningKeys.parse(DEVELOPMENT_SIGNING_KEY)
    tokens = IdTokens(keys, "https://identity.test", 600, clock=lambda: 1_800_000_000)
    token = tokens.make(Subject("u1", 1_799_999_000, ("pwd",)), "c1", ("email", "openid"), "at")
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims == {
        "iss": "https://identity.test",
        "sub": "u1",
        "aud": "c1",
        "azp": "c1",
        "exp": 1_800_000_600,
        "iat": 1_800_000_000,
        "at_hash": at_hash("at"),
        "auth_time": 1_799_999_000,
        "amr": ["pwd"],
    }


@pytest.mark.parametrize(
    ("requested", "extensions", "upstream"),
    [
        (("openid",), False, ("identity",)),
        (("email", "openid"), True, ("email", "identity", "openid")),
        (("openid", "read"), False, ("read",)),
        (("global",), True, ("global",)),
        ((), False, ()),
    ],
)
def test_an_openid_only_request_never_reaches_the_api_as_an_empty_scope(
    requested, extensions, upstream
):
    assert upstream_scope(requested, extensions=extensions) == upstream


def test_the_granted_scope_names_what_identity_honours_itself():
    assert granted_scope(("openid",), extensions=False) == ("identity", "openid")


@pytest.mark.parametrize(
    ("upstream", "extensions", "oidc"),
    [
        (("identity", "openid"), True, ("openid",)),
        (("identity",), True, ()),
        (("identity",), False, ("email", "openid", "profile")),
        (("global",), False, ("email", "openid", "profile")),
        (("read",), False, ()),
    ],
)
def test_the_openid_scopes_of_a_token(upstream, extensions, oidc):
    assert oidc_scopes_of(upstream, extensions=extensions) == oidc
