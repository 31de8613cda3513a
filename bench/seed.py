"""Benchmark data: an account and clients in a fresh database, and the calls that use them.

The account's password is hashed with the real ``DEFAULT_HASHER``, so a
measured login pays the real Argon2id cost.  Accounts and clients are made
through the domain (``identity.platform.domain``), as the CLI makes them.
"""

from __future__ import annotations

import base64
import dataclasses

import requests

from bench.harness import Workload, expect
from identity import platform
from identity.platform.domain import accounts, clients

EMAIL = "measured@example.com"
PASSWORD = "bench horse battery staple"


@dataclasses.dataclass(frozen=True)
class Seed:
    user_id: str
    identity_client: dict
    third_party: dict


def seed(settings, *, trusted: bool = False) -> Seed:
    """The account and clients; *trusted* lets the third-party client skip consent."""
    database = platform.open_database(settings)
    try:
        user = accounts.create_user(database, settings, EMAIL, password=PASSWORD)
        identity_client = clients.create_client(
            database, "Identity", "https://id.example.com/login", trusted=True, privileged=True
        )
        third_party = clients.create_client(
            database, "Dashboard", "https://dash.example.com/cb", trusted=trusted
        )
    finally:
        database.close()
    return Seed(user["id"], identity_client, third_party)


def _basic(user: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{secret}".encode()).decode()}


def login(session: requests.Session, base_url: str, data: Seed) -> dict:
    """The login dance (#1): a session and Identity's tokens."""
    body = {
        "client": {"id": data.identity_client["id"]},
        "create_session": True,
        "create_tokens": True,
    }
    response = session.post(
        f"{base_url}/oauth/authorizations", json=body, headers=_basic(EMAIL, PASSWORD)
    )
    return expect(response, 201).json()


def third_party_tokens(session: requests.Session, base_url: str, data: Seed) -> dict:
    """Log in, authorize the third-party client, exchange its code: its token object."""
    me = login(session, base_url, data)
    grant = session.post(
        f"{base_url}/oauth/authorizations",
        json={"client": {"id": data.third_party["id"]}, "session": {"id": me["session"]["id"]}},
        headers=_basic("", me["access_token"]["token"]),
    )
    code = expect(grant, 201).json()["grant"]["code"]
    return exchange_code(session, base_url, data, code)


def exchange_code(session: requests.Session, base_url: str, data: Seed, code: str) -> dict:
    body = {
        "client": {"secret": data.third_party["secret"]},
        "grant": {"type": "authorization_code", "code": code},
        "refresh_token": {"token": None},
    }
    return expect(session.post(f"{base_url}/oauth/tokens", json=body), 201).json()


def client_info(base_url: str, data: Seed) -> Workload:
    """The baseline: GET /oauth/clients/{id}, unauthenticated (Identity's #5), a pure read."""
    url = f"{base_url}/oauth/clients/{data.third_party['id']}"
    return Workload("GET /oauth/clients/{id}", lambda session: expect(session.get(url), 200))


def refresh(base_url: str, data: Seed, refresh_token: str) -> Workload:
    """POST /oauth/tokens, refresh_token grant of a confidential client."""
    body = {
        "client": {"secret": data.third_party["secret"]},
        "grant": {"type": "refresh_token"},
        "refresh_token": {"token": refresh_token},
    }
    url = f"{base_url}/oauth/tokens"
    return Workload(
        "POST /oauth/tokens (refresh_token)",
        lambda session: expect(session.post(url, json=body), 201),
    )
