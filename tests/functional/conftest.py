"""Helpers for driving Identity through WebTest against a mocked API."""

from __future__ import annotations

import http.cookiejar
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from identity.sealed import SealedCodes, SealedGrant
from identity.session import Session, SessionCodec
from tests.conftest import API, CLIENT_ID, OAUTH_ID, REDIRECT_URI

USER = {
    "id": "06dcaabe-0000-0000-0000-000000000001",
    "email": "user@example.com",
    "full_name": "Full Name",
}


def login_answer(**overrides) -> dict:
    """The API's answer to the login dance (#1), as its stub gave it."""
    answer = {
        "id": "68e3146b-0000-0000-0000-000000000000",
        "scope": ["global"],
        "client": {"id": OAUTH_ID, "name": "Identity", "redirect_uri": "https://identity.test"},
        "grant": {"code": "identity-grant", "expires_in": 300},
        "session": {"id": "session-1"},
        "access_token": {"id": "t1", "token": "identity-access", "expires_in": 7200},
        "refresh_token": {"id": "t2", "token": "identity-refresh", "expires_in": 2592000},
        "user": USER,
    }
    answer.update(overrides)
    return answer


def client_answer(**overrides) -> dict:
    answer = {
        "id": CLIENT_ID,
        "name": "Example Client",
        "description": "Deploys your apps.",
        "redirect_uri": REDIRECT_URI,
        "trusted": False,
        "public": False,
        "ignores_delinquent": False,
    }
    answer.update(overrides)
    return answer


def grant_answer(code: str = "upstream-code") -> dict:
    return {
        "id": "auth-1",
        "scope": ["global"],
        "grant": {"code": code, "expires_in": 300},
        "client": {"id": CLIENT_ID, "redirect_uri": REDIRECT_URI},
        "access_token": None,
        "refresh_token": None,
        "user": USER,
    }


def token_answer(**overrides) -> dict:
    answer = {
        "id": "tok-1",
        "access_token": {"id": "a", "token": "client-access", "expires_in": 7200},
        "refresh_token": {"id": "r", "token": "client-refresh", "expires_in": 2592000},
        "authorization": {"id": "auth-1"},
        "session": {"id": "session-1"},
        "user": {"id": USER["id"]},
    }
    answer.update(overrides)
    return answer


def query(location: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(location).query, keep_blank_values=True)


def mock_client(api, status=200, headers=None, **overrides):
    return api.get(
        f"{API}/oauth/clients/{overrides.get('id', CLIENT_ID)}",
        json=client_answer(**overrides),
        status=status,
        headers=headers,
    )


@pytest.fixture
def codec(settings_values) -> SessionCodec:
    return SessionCodec(settings_values["cookie_encryption_key"], "", 2592000, secure=False)


@pytest.fixture
def sealer(settings_values) -> SealedCodes:
    return SealedCodes(settings_values["sealed_code_key"], 300)


@pytest.fixture
def set_session(app, codec):
    """Put a session with *fields* in the browser's cookie jar."""

    def put(**fields) -> None:
        put_session(app, codec, **fields)

    return put


def put_session(app, codec: SessionCodec, **fields) -> None:
    """Put a session with *fields*, encrypted by *codec*, in *app*'s cookie jar."""
    session = Session()
    for name, value in fields.items():
        session[name] = value
    put_cookie(app, "identity-session", codec.dump(session))


def put_cookie(app, name: str, value: str) -> None:
    """A host-only cookie, as Identity itself sets them (so its deletion applies).

    WebTest's own set_cookie files cookies under another domain, which a
    server's Max-Age=0 never reaches.
    """
    app.cookiejar.set_cookie(
        http.cookiejar.Cookie(
            0,
            name,
            value,
            None,
            False,
            "localhost.local",
            False,
            False,
            "/",
            True,
            False,
            None,
            False,
            None,
            None,
            {},
        )
    )


@pytest.fixture
def read_session(app, codec):
    def read() -> Session:
        return codec.load(app.cookies.get("identity-session"))

    return read


@pytest.fixture
def logged_in(set_session):
    """A browser whose session holds Identity's live token; CSRF token "csrf"."""
    fields = {
        "access_token": "identity-access",
        "access_token_expires_at": int(time.time()) + 7200,
        "refresh_token": "identity-refresh",
        "session_id": "session-1",
        "user": USER,
        "csrf_token": "csrf",
    }
    set_session(**fields)
    return fields


def sealed_grant(**overrides) -> SealedGrant:
    values = {
        "code": "upstream-code",
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT_URI,
        "redirect_uri_sent": True,
        "code_challenge": None,
        "code_challenge_method": None,
        "scope": ("read",),
        "issued_at": int(time.time()),
    }
    values.update(overrides)
    return SealedGrant(**values)
