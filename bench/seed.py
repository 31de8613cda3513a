"""Benchmark data: an account and clients in a fresh database, and the calls that use them.

The account's password is hashed with the real ``DEFAULT_HASHER``, so a
measured login pays the real Argon2id cost.  Grant codes for the code
exchange are minted straight into the database between timed runs (one
authorization each, as the API makes them), so that making them is not
measured.
"""

from __future__ import annotations

import base64
import dataclasses
from collections import deque

import requests

from bench.harness import Exhausted, Workload, expect
from identity import platform
from identity.platform import accounts, clients, grants

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


def code_exchange(base_url: str, data: Seed, settings, session_id: str, per_run: int) -> Workload:
    """POST /oauth/tokens, authorization_code grant; *per_run* unused codes before each run."""
    codes: deque[str] = deque()

    def mint() -> None:
        database = platform.open_database(settings)
        try:
            with database.transaction(write=True) as tx:
                for _ in range(per_run - len(codes)):
                    authorization_id = grants.insert_authorization(
                        tx, data.user_id, data.third_party["id"], session_id, ["global"]
                    )
                    codes.append(grants.issue_grant(tx, authorization_id, 3600).secret)
        finally:
            database.close()

    def call(session: requests.Session) -> None:
        try:
            code = codes.popleft()
        except IndexError:
            raise Exhausted from None
        exchange_code(session, base_url, data, code)

    return Workload("POST /oauth/tokens (authorization_code)", call, before_run=mint)


def password_login(base_url: str, data: Seed) -> Workload:
    """POST /oauth/authorizations with email:password (#1), real Argon2id."""
    return Workload(
        "POST /oauth/authorizations (password login)",
        lambda session: login(session, base_url, data),
    )
