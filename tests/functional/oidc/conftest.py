"""Helpers of the OpenID Connect tests: Identity in front of the embedded Platform API.

As in ``tests/functional/oauth``, nothing is mocked.  id_tokens are checked
the way a relying party checks them: PyJWT, with the key of the ``kid`` the
published JWKS names.
"""

from __future__ import annotations

import dataclasses
import time

import jwt
import pytest

from identity.session import SessionCodec
from tests.conftest import ISSUER, REDIRECT_URI

POST_LOGOUT = "https://client.test/logged-out"


class Clock:
    """A clock the test moves; starts at the real time (the API keeps real time)."""

    def __init__(self):
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(world) -> Clock:
    """Identity's clock (auth_time, iat, max_age), moved by the test."""
    moved = Clock()
    identity_app = world.wsgi.app  # inside the access-log wrapper (identity.observe)
    identity_app.registry = dataclasses.replace(identity_app.registry, clock=moved)
    return moved


@pytest.fixture
def rp(world) -> dict:
    """A confidential relying party with a post-logout redirect URI."""
    return world.client(REDIRECT_URI, post_logout_redirect_uris=[POST_LOGOUT])


def jwks(world) -> dict:
    return world.client_app.get("/.well-known/jwks.json").json


def verify(world, id_token: str, client_id: str, leeway: float = 0, **options) -> dict:
    """The claims of *id_token*, verified against the published JWKS as an RP does
    (*leeway*: seconds that a moved ``clock`` is ahead of the real one)."""
    kid = jwt.get_unverified_header(id_token)["kid"]
    (key,) = [k for k in jwks(world)["keys"] if k["kid"] == kid]
    return jwt.decode(
        id_token,
        jwt.PyJWK(key).key,
        algorithms=[key["alg"]],
        audience=client_id,
        issuer=ISSUER,
        leeway=leeway,
        options=options,
    )


def openid_tokens(world, rp: dict, browser=None, email="user@example.com", **params) -> dict:
    """Consent and code exchange for an openid request: the token answer."""
    if browser is None:
        world.user(email, name="Ada Lovelace")
        browser = world.browser(email)
    params.setdefault("scope", "openid")
    code = world.code(browser, rp, **params)
    return world.exchange(rp, code, status=200).json


def refresh(world, client: dict, refresh_token: str, status: int | str = 200):
    return world.token(
        {
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            **world.credentials(client),
        },
        status=status,
    )


def session_of(world, browser) -> dict:
    codec = SessionCodec(world.values["cookie_encryption_key"], "", 2592000, secure=False)
    return codec.load(browser.cookies.get("identity-session"))
