"""Who is calling: the ``Authorization`` header (heroku-api.md §1.2, §6.2).

Two credentials exist:

- *password*: ``Basic base64(email:password)``, accepted only by the
  password endpoints (the login dance, the SMS-number calls);
- *token*: ``Bearer <token>``, or ``Basic`` with the token as password and any
  user (Identity sends an empty one, the legacy toolbelt an email).

On a password endpoint a Basic header with a non-empty user is a password;
with an empty user it is a token.  Everywhere else Basic is always a token.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import json

from identity.platform.db import Transaction
from identity.platform.errors import PlatformError, forbidden, unauthorized
from identity.platform.tokens import digest


@dataclasses.dataclass(frozen=True)
class PasswordCredentials:
    email: str
    password: str


@dataclasses.dataclass(frozen=True)
class TokenCredentials:
    token: str


Credentials = PasswordCredentials | TokenCredentials


def parse_authorization(header: str | None, *, password_allowed: bool) -> Credentials | None:
    """The credentials in *header*, None when absent; 401 when malformed."""
    if not header or not header.strip():
        return None
    scheme, _, value = header.strip().partition(" ")
    value = value.strip()
    if scheme.lower() == "bearer" and value:
        return TokenCredentials(value)
    if scheme.lower() != "basic":
        raise unauthorized("Unsupported authorization scheme.")
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise unauthorized("Malformed Basic credentials.") from None
    user, sep, secret = decoded.partition(":")
    if not sep or not secret:
        raise unauthorized("Malformed Basic credentials.")
    if password_allowed and user:
        return PasswordCredentials(user, secret)
    return TokenCredentials(secret)


@dataclasses.dataclass(frozen=True)
class TokenAuth:
    """A valid access token: its row joined with its authorization, client and user."""

    token_id: str
    authorization_id: str
    session_id: str | None
    scope: tuple[str, ...]
    client: dict | None
    user: dict

    @property
    def privileged(self) -> bool:
        """The token belongs to Identity's own client (``can_manage_authorizations``)."""
        return bool(self.client and self.client["privileged"])

    def require_scope(self, *accepted: str) -> None:
        """403 unless the token carries one of the *accepted* scopes (``global`` always does)."""
        if not {"global", *accepted} & set(self.scope):
            raise forbidden("This token's scope does not reach this resource.")

    def require_privileged(self) -> None:
        if not self.privileged:
            raise forbidden("Only a privileged client may do this.")


def authenticate_token(tx: Transaction, token: str) -> TokenAuth:
    """The live access token *token*, or 401; 403 ``suspended`` for a suspended user."""
    row = tx.one(
        """SELECT t.id AS token_id, a.id AS authorization_id, a.session_id, a.scope,
                  a.client_id, a.user_id
           FROM tokens t JOIN authorizations a ON a.id = t.authorization_id
           LEFT JOIN sessions s ON s.id = a.session_id
           WHERE t.token_hash = ? AND t.kind = 'access' AND t.expires_at > ?
             AND (a.session_id IS NULL OR s.expires_at > ?)""",
        (digest(token), tx.now, tx.now),
    )
    if row is None:
        raise unauthorized("Invalid credentials provided.")
    user = dict(tx.one("SELECT * FROM users WHERE id = ?", (row["user_id"],)))
    check_not_suspended(user)
    client = tx.one("SELECT * FROM clients WHERE id = ?", (row["client_id"],))
    return TokenAuth(
        token_id=row["token_id"],
        authorization_id=row["authorization_id"],
        session_id=row["session_id"],
        scope=tuple(json.loads(row["scope"])),
        client=dict(client) if client else None,
        user=user,
    )


def check_not_suspended(user) -> None:
    if user["suspended_at"] is not None:
        raise PlatformError(403, "suspended", "This account has been suspended.")
