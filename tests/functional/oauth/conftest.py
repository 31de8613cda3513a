"""End to end in-process: Identity in front of the embedded Platform API.

Nothing is mocked.  Identity is built as production builds it, with
``heroku_api_url`` empty, on a temporary database; users and clients are
made with the platform's own service functions, and browsers are WebTest
apps (one cookie jar each) that log in and consent through the real forms.
"""

from __future__ import annotations

import base64
from urllib.parse import parse_qs, quote_plus, urlencode, urlsplit

import pytest
import webtest

import identity
from identity.platform import open_database
from identity.platform.accounts import create_user
from identity.platform.clients import create_client
from identity.platform.passwords import PasswordHasher
from identity.settings import load_settings
from tests.conftest import ISSUER, pkce_pair

PASSWORD = "correct horse battery staple"
REDIRECT_URI = "https://client.test/callback"
CHEAP_HASHER = PasswordHasher(memory_cost=8, iterations=1)
DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code"


def basic(client_id: str, secret: str) -> dict[str, str]:
    """RFC 6749 §2.3.1 HTTP Basic: both halves form-encoded first."""
    raw = f"{quote_plus(client_id)}:{quote_plus(secret)}".encode()
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


def query(location: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(location).query, keep_blank_values=True)


def assert_oauth_error(response, error: str, status: int = 400) -> dict:
    """An RFC 6749 §5.2 error: JSON, not cached, nothing but the error fields."""
    assert response.status_int == status
    assert response.content_type == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    body = response.json
    assert body["error"] == error, body
    assert set(body) <= {"error", "error_description", "error_uri"}
    return body


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

    # -- people and clients --------------------------------------------------

    def user(self, email: str = "user@example.com") -> dict:
        return create_user(self.db, self.settings, email, password=PASSWORD, hasher=CHEAP_HASHER)

    def client(self, redirect_uri: str = REDIRECT_URI, **options) -> dict:
        return create_client(self.db, options.pop("name", "Example"), redirect_uri, **options)

    def browser(self, email: str | None = None) -> webtest.TestApp:
        """A browser of its own; logged in as *email* when given."""
        browser = webtest.TestApp(self.wsgi)
        if email:
            self.log_in(browser, email)
        return browser

    def log_in(self, browser: webtest.TestApp, email: str, follow: bool = False):
        form = browser.get("/login").forms[0]
        form["email"], form["password"] = email, PASSWORD
        response = form.submit(status=303)
        return response.follow() if follow else response

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

    def tokens(self, client: dict, email: str = "user@example.com") -> dict:
        """A fresh user's consent and code exchange: the token answer."""
        self.user(email)
        code = self.code(self.browser(email), client)
        params = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": client["redirect_uri"],
            "code_verifier": pkce_pair()[0],
        }
        return self.token({**params, **self.credentials(client)}, status=200).json

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
