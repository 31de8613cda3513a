"""Interop: off-the-shelf OAuth clients complete code + PKCE + refresh + revoke
against a real ``identity serve``, found through its RFC 8414 metadata."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session as AuthlibSession
from requests_oauthlib import OAuth2Session

PASSWORD = "correct horse battery staple"
REDIRECT_URI = "https://client.test/callback"


def _hidden_inputs(html: str) -> dict[str, str]:
    found = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)
    return {unescape(name): unescape(value) for name, value in found}


def log_in(live, email: str) -> requests.Session:
    """A browser in which *email* has logged in."""
    browser = requests.Session()
    login = browser.get(f"{live.url}/login", timeout=10)
    browser.post(
        f"{live.url}/login",
        data={**_hidden_inputs(login.text), "email": email, "password": PASSWORD},
        allow_redirects=False,
        timeout=10,
    )
    return browser


def browser_consent(live, email: str, authorization_url: str) -> str:
    """A person logs in and allows: the redirect back to the client, with the code."""
    browser = log_in(live, email)
    consent = browser.get(authorization_url, allow_redirects=False, timeout=10)
    assert consent.status_code == 200, consent.text
    answer = browser.post(
        f"{live.url}/oauth/authorize",
        data={**_hidden_inputs(consent.text), "authorize": "Allow"},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 303, answer.text
    return answer.headers["Location"]


@pytest.fixture(scope="module")
def metadata(live_identity) -> dict:
    return requests.get(
        f"{live_identity.url}/.well-known/oauth-authorization-server", timeout=10
    ).json()


@pytest.fixture(scope="module")
def client(live_identity) -> dict:
    added = live_identity.cli("client", "add", "Interop", "--redirect-uri", REDIRECT_URI)
    assert added.returncode == 0, added.stderr
    return json.loads(added.stdout)


def add_user(live, email: str) -> None:
    added = live.cli("user", "add", email, "--password-stdin", stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr


def is_active(metadata, client, token: str) -> bool:
    return requests.post(
        metadata["introspection_endpoint"],
        data={"token": token},
        auth=(client["id"], client["secret"]),
        timeout=10,
    ).json()["active"]


def test_requests_oauthlib(live_identity, metadata, client, monkeypatch):
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # the server is on plain http
    add_user(live_identity, "ro@example.com")
    session = OAuth2Session(client["id"], redirect_uri=REDIRECT_URI, scope=["read"], pkce="S256")
    url, _ = session.authorization_url(metadata["authorization_endpoint"])
    callback = browser_consent(live_identity, "ro@example.com", url)
    assert f"iss={requests.utils.quote(metadata['issuer'], safe='')}" in callback
    token = session.fetch_token(
        metadata["token_endpoint"],
        authorization_response=callback,
        client_secret=client["secret"],
    )
    assert token["token_type"] == "Bearer"
    refreshed = session.refresh_token(
        metadata["token_endpoint"], auth=(client["id"], client["secret"])
    )
    assert refreshed["access_token"] != token["access_token"]
    revoked = session.post(
        metadata["revocation_endpoint"],
        data={"token": refreshed["refresh_token"]},
        auth=(client["id"], client["secret"]),
        timeout=10,
    )
    assert revoked.status_code == 200
    assert not is_active(metadata, client, refreshed["access_token"])


def test_authlib(live_identity, metadata, client):
    add_user(live_identity, "authlib@example.com")
    session = AuthlibSession(
        client["id"],
        client["secret"],
        scope="read",
        redirect_uri=REDIRECT_URI,
        code_challenge_method="S256",
        revocation_endpoint_auth_method="client_secret_basic",
    )
    verifier = "k" * 64
    url, state = session.create_authorization_url(
        metadata["authorization_endpoint"], code_verifier=verifier
    )
    callback = browser_consent(live_identity, "authlib@example.com", url)
    token = session.fetch_token(
        metadata["token_endpoint"],
        authorization_response=callback,
        state=state,
        code_verifier=verifier,
    )
    assert token["token_type"] == "Bearer"
    refreshed = session.refresh_token(metadata["token_endpoint"])
    assert refreshed["access_token"] != token["access_token"]
    revoked = session.revoke_token(
        metadata["revocation_endpoint"],
        token=refreshed["refresh_token"],
        token_type_hint="refresh_token",
    )
    assert revoked.status_code == 200
    assert not is_active(metadata, client, refreshed["access_token"])
