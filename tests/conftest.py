"""Fixtures shared by the unit and functional tests of Identity."""

from __future__ import annotations

import base64
import hashlib

import pytest
import responses
import webtest
from cryptography.fernet import Fernet

import identity
from identity.settings import OPTIONS

API = "https://api.heroku.test"
OAUTH_ID = "11111111-2222-3333-4444-555555555555"
OAUTH_SECRET = "identity-secret"
ISSUER = "https://identity.test"
CLIENT_ID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
REDIRECT_URI = "https://client.test/callback"


@pytest.fixture
def settings_values(monkeypatch):
    """Settings as production would read them, for a remote (mocked) API."""
    for name in OPTIONS:
        monkeypatch.delenv(name.upper(), raising=False)
    return {
        "identity_env": "test",
        "identity_url": ISSUER,
        "heroku_api_url": API,
        "heroku_oauth_id": OAUTH_ID,
        "heroku_oauth_secret": OAUTH_SECRET,
        "cookie_encryption_key": Fernet.generate_key().decode(),
        "heroku_root_domain_cookie_encryption_key": Fernet.generate_key().decode(),
        "sealed_code_key": Fernet.generate_key().decode(),
        "platform_encryption_key": Fernet.generate_key().decode(),
        "heroku_cookie_domain": ".heroku.test",
        "logout_redirect_hosts": "devcenter.heroku.test",
    }


@pytest.fixture
def make_testapp(settings_values):
    """Build Identity exactly as production does, with settings overrides."""

    def make(**overrides):
        return webtest.TestApp(identity.main({}, **{**settings_values, **overrides}))

    return make


@pytest.fixture
def app(make_testapp):
    return make_testapp()


@pytest.fixture
def api():
    """The upstream API: every declared call must be made, and no other."""
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


def pkce_pair(verifier: str = "v" * 50) -> tuple[str, str]:
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).decode().rstrip("=")
