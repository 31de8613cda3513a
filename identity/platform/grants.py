"""Storing what an authorization hands out: the authorization row, grant codes, tokens.

Shared by the login dance and third-party grants (authorizations.py), the
token exchange (oauth_tokens.py) and device approvals (devices.py).  Each
issue returns an ``Issued`` with the plaintext secret, which exists only in
that answer: the database keeps its SHA-256.
"""

from __future__ import annotations

import dataclasses
import json

from identity.platform.db import Transaction
from identity.platform.errors import invalid_params
from identity.platform.tokens import digest, new_id, new_secret, new_token

#: heroku-api.md §4, and OpenID Connect's (stored so Identity can tell what was granted).
SCOPES = frozenset(
    {"global", "identity", "read", "write", "read-protected", "write-protected", "create-apps"}
    | {"openid", "email", "profile", "offline_access"}
)


@dataclasses.dataclass(frozen=True)
class Issued:
    id: str
    secret: str
    expires_at: float


def normalize_scope(value) -> list[str]:
    """Sorted, unique known scopes; null means ``["global"]``; 422 otherwise."""
    if value is None:
        return ["global"]
    if not isinstance(value, list) or not value or not all(isinstance(s, str) for s in value):
        raise invalid_params("scope must be a non-empty array of strings.")
    unknown = sorted(set(value) - SCOPES)
    if unknown:
        raise invalid_params(f"Unknown scope: {', '.join(unknown)}.")
    return sorted(set(value))


def insert_authorization(
    tx: Transaction,
    user_id: str,
    client_id: str | None,
    session_id: str | None,
    scope: list[str],
    description: str | None = None,
) -> str:
    authorization_id = new_id()
    tx.execute(
        """INSERT INTO authorizations
               (id, user_id, client_id, session_id, scope, description, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            authorization_id,
            user_id,
            client_id,
            session_id,
            json.dumps(scope),
            description,
            tx.now,
            tx.now,
        ),
    )
    return authorization_id


def issue_grant(tx: Transaction, authorization_id: str, lifetime: int) -> Issued:
    grant_id, code = new_id(), new_secret()
    tx.execute(
        """INSERT INTO grants (id, authorization_id, code_hash, created_at, expires_at)
           VALUES (?, ?, ?, ?, ?)""",
        (grant_id, authorization_id, digest(code), tx.now, tx.now + lifetime),
    )
    return Issued(grant_id, code, tx.now + lifetime)


def issue_token(
    tx: Transaction, authorization_id: str, kind: str, lifetime: int, token: str | None = None
) -> Issued:
    """A new access or refresh token (*token* when given, for rotation; else random)."""
    token_id, token = new_id(), token or new_token()
    tx.execute(
        """INSERT INTO tokens (id, authorization_id, kind, token_hash, created_at, expires_at)
           VALUES (?, ?, ?, ?, ?, ?)""",
        (token_id, authorization_id, kind, digest(token), tx.now, tx.now + lifetime),
    )
    return Issued(token_id, token, tx.now + lifetime)
