"""Fixtures shared by the tests of Identity.

``app`` is Identity in front of a mocked API (``api``); ``world`` is Identity
in front of its embedded Platform API on a temporary database, with nothing
mocked: users and clients are made with the platform's own service
functions, and browsers are WebTest apps (one cookie jar each) that log in
and consent through the real forms.
"""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import responses
import webtest
from cryptography.fernet import Fernet

import identity
from identity.oauth.signing import new_private_key_pem
from identity.platform import open_database
from identity.platform.domain.accounts import create_user
from identity.platform.domain.clients import create_client
from identity.platform.domain.passwords import PasswordHasher
from identity.settings import OPTIONS, load_settings

#: The whole run's log lines are checked for the tests' secrets (tests/log_secrets.py);
#: the database engines and the throwaway PostgreSQL server (``database_url``).
pytest_plugins = ["tests.log_secrets", "tests.postgres"]

API = "https://api.heroku.test"
OAUTH_ID = "11111111-2222-3333-4444-555555555555"
OAUTH_SECRET = "identity-secret"
ISSUER = "https://identity.test"
CLIENT_ID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
REDIRECT_URI = "https://client.test/callback"
PASSWORD = "correct horse battery staple"
CHEAP_HASHER = PasswordHasher(memory_cost=8, iterations=1)
#: An id_token signing key of the tests' own (production refuses the development key).
SIGNING_KEY = new_private_key_pem("ES256")


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


def query(location: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(location).query, keep_blank_values=True)


class World:
    """One Identity with its embedded API, and helpers to act in it."""

    def __init__(self, values: dict):
        self.values = values
        self.settings = load_settings(values, environ={})
        self.wsgi = identity.main({}, **values)
        self.db = open_database(self.settings)
        self.client_app = webtest.TestApp(self.wsgi)  # OAuth clients: no cookies kept

    def close(self) -> None:
        self.db.close()
        self.wsgi.registry.api.upstream.platform.close()

    # -- people and clients --------------------------------------------------

    def user(self, email: str = "user@example.com", password: str = PASSWORD, **options) -> dict:
        return create_user(
            self.db, self.settings, email, password=password, hasher=CHEAP_HASHER, **options
        )

    def client(self, redirect_uri: str = REDIRECT_URI, **options) -> dict:
        return create_client(self.db, options.pop("name", "Example"), redirect_uri, **options)

    def browser(self, email: str | None = None) -> webtest.TestApp:
        """A browser of its own; logged in as *email* when given."""
        browser = webtest.TestApp(self.wsgi)
        if email:
            self.log_in(browser, email)
        return browser

    def log_in(self, browser: webtest.TestApp, email: str, password: str = PASSWORD):
        """Submit the login form: the 303 that answers it, wherever it leads."""
        form = browser.get("/login").forms[0]
        form["email"], form["password"] = email, password
        return form.submit(status=303)

    # -- the code flow -------------------------------------------------------

    def authorize_params(self, client: dict, pkce: str | None = "S256", **params) -> dict:
        values = {
            "response_type": "code",
            "client_id": client["id"],
            "redirect_uri": client["redirect_uri"],
            "state": "xyz",
        }
        if pkce:
            values["code_challenge"] = pkce_pair()[1]
            values["code_challenge_method"] = pkce
        values.update(params)
        return {k: v for k, v in values.items() if v is not None}

    def authorize(self, browser, client: dict, decision: str = "Allow", **params) -> dict:
        """Ask, consent with *decision*, and return the redirect's query parameters."""
        request = urlencode(self.authorize_params(client, **params))
        response = browser.get("/oauth/authorize?" + request)
        if response.status_int == 200:  # the consent page
            response = response.forms[0].submit("authorize", value=decision, status=303)
        assert response.status_int in (302, 303), response
        location = response.headers["Location"]
        assert location.startswith(params.get("redirect_uri", client["redirect_uri"]))
        return {k: v[0] for k, v in query(location).items()}

    def code(self, browser, client: dict, **params) -> str:
        return self.authorize(browser, client, **params)["code"]

    def token(self, params: dict, headers: dict | None = None, status: int | str = "*"):
        return self.client_app.post("/oauth/token", params, headers=headers or {}, status=status)

    def exchange_params(self, client: dict, code: str, **params) -> dict:
        """The code grant with *client*'s body credentials and the PKCE verifier of
        ``authorize_params``; *params* override, and a None value leaves one out."""
        values = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": client["redirect_uri"],
            "code_verifier": pkce_pair()[0],
            **self.credentials(client),
            **params,
        }
        return {k: v for k, v in values.items() if v is not None}

    def exchange(self, client: dict, code: str, status: int | str = "*", **params):
        """POST /oauth/token with ``exchange_params``."""
        return self.token(self.exchange_params(client, code, **params), status=status)

    def tokens(self, client: dict, email: str = "user@example.com") -> dict:
        """A fresh user's consent and code exchange: the token answer."""
        self.user(email)
        return self.exchange(client, self.code(self.browser(email), client), status=200).json

    @staticmethod
    def credentials(client: dict) -> dict:
        """Body credentials: a public client names itself, a confidential one proves it."""
        if client.get("secret"):
            return {"client_id": client["id"], "client_secret": client["secret"]}
        return {"client_id": client["id"]}


@pytest.fixture
def identity_values(settings_values, tmp_path) -> dict:
    return {
        **settings_values,
        "identity_url": ISSUER,
        "heroku_api_url": "",
        "database_url": str(tmp_path / "identity.sqlite3"),
        "outbox_dir": str(tmp_path / "outbox"),
    }


@pytest.fixture
def world(identity_values):
    built = World(identity_values)
    yield built
    built.close()
