"""What an authorization hands out: grant codes (``grants``) and tokens (``tokens``).

Only SHA-256 digests of the secrets are stored; the callers pass digests in.
"""

from __future__ import annotations

import dataclasses

import sqlalchemy as sa

from identity.platform.store.database import Transaction
from identity.platform.store.rows import row_as
from identity.platform.store.tables import authorizations, grants, sessions, tokens


@dataclasses.dataclass(frozen=True)
class Token:
    id: str
    authorization_id: str
    kind: str  # "access" or "refresh"
    token_hash: str = dataclasses.field(repr=False)
    created_at: float
    expires_at: float
    rotated_at: float | None


@dataclasses.dataclass(frozen=True)
class ClientToken:
    """A token with what its authorization says about it."""

    token: Token
    user_id: str
    client_id: str | None
    scope: str
    session_id: str | None
    last_used_at: float | None = None


_AUTHORIZATION_COLUMNS = (
    authorizations.c.user_id,
    authorizations.c.client_id,
    authorizations.c.scope,
    authorizations.c.session_id,
    authorizations.c.last_used_at,
)


# Built once, with bound parameters: every code exchange, refresh and token check
# runs these, and building a statement costs several times executing it.
_INSERT_GRANT = sa.insert(grants)
_SPEND_GRANT = (
    sa.update(grants)
    .where(
        grants.c.code_hash == sa.bindparam("target_hash"),
        grants.c.used_at.is_(None),
        grants.c.expires_at > sa.bindparam("now"),
        sa.select(authorizations.c.id)
        .where(
            authorizations.c.id == grants.c.authorization_id,
            authorizations.c.client_id == sa.bindparam("client_id"),
        )
        .exists(),
    )
    .values(used_at=sa.bindparam("now"))
    .returning(grants.c.authorization_id)
)
_SPENT_GRANT_AUTHORIZATION = (
    sa.select(grants.c.authorization_id)
    .join(authorizations, authorizations.c.id == grants.c.authorization_id)
    .where(
        grants.c.code_hash == sa.bindparam("code_hash"),
        grants.c.used_at.is_not(None),
        authorizations.c.client_id == sa.bindparam("client_id"),
    )
)
_INSERT_TOKEN = sa.insert(tokens)
_BY_HASH = sa.select(tokens).where(tokens.c.token_hash == sa.bindparam("token_hash"))
_LIVE_ACCESS = (
    sa.select(tokens, *_AUTHORIZATION_COLUMNS)
    .join(authorizations, authorizations.c.id == tokens.c.authorization_id)
    .outerjoin(sessions, sessions.c.id == authorizations.c.session_id)
    .where(
        tokens.c.token_hash == sa.bindparam("token_hash"),
        tokens.c.kind == "access",
        tokens.c.expires_at > sa.bindparam("now"),
        sa.or_(authorizations.c.session_id.is_(None), sessions.c.expires_at > sa.bindparam("now")),
    )
)
_OF_CLIENT = (
    sa.select(tokens, *_AUTHORIZATION_COLUMNS)
    .join(authorizations, authorizations.c.id == tokens.c.authorization_id)
    .where(
        tokens.c.token_hash == sa.bindparam("token_hash"),
        authorizations.c.client_id == sa.bindparam("client_id"),
    )
)
_MARK_ROTATED = (
    sa.update(tokens)
    .where(tokens.c.id == sa.bindparam("target_id"), tokens.c.rotated_at.is_(None))
    .values(rotated_at=sa.bindparam("now"))
)


def insert_grant(tx: Transaction, grant_id: str, authorization_id: str, code_hash, lifetime):
    tx.execute(
        _INSERT_GRANT,
        {
            "id": grant_id,
            "authorization_id": authorization_id,
            "code_hash": code_hash,
            "created_at": tx.now,
            "expires_at": tx.now + lifetime,
        },
    )


def spend_grant(tx: Transaction, code_hash: str, client_id: str) -> str | None:
    """Mark the unused, unexpired code of *client_id* used; its authorization id, or None.

    One conditional UPDATE: of parallel redemptions exactly one gets the id.
    """
    params = {"target_hash": code_hash, "client_id": client_id, "now": tx.now}
    return tx.execute(_SPEND_GRANT, params).scalar()


def spent_grant_authorization(tx: Transaction, code_hash: str, client_id: str) -> str | None:
    """The authorization of a used code of *client_id*, or None."""
    params = {"code_hash": code_hash, "client_id": client_id}
    return tx.execute(_SPENT_GRANT_AUTHORIZATION, params).scalar()


def insert_token(
    tx: Transaction, token_id: str, authorization_id: str, kind: str, token_hash, lifetime
) -> float:
    """Store a token; returns its expiry."""
    expires_at = tx.now + lifetime
    tx.execute(
        _INSERT_TOKEN,
        {
            "id": token_id,
            "authorization_id": authorization_id,
            "kind": kind,
            "token_hash": token_hash,
            "created_at": tx.now,
            "expires_at": expires_at,
        },
    )
    return expires_at


def find(tx: Transaction, token_hash: str) -> Token | None:
    return row_as(Token, tx.execute(_BY_HASH, {"token_hash": token_hash}).first())


def find_live_access(tx: Transaction, token_hash: str) -> ClientToken | None:
    """The unexpired access token, if its authorization's session (if any) is live."""
    params = {"token_hash": token_hash, "now": tx.now}
    return _client_token(tx.execute(_LIVE_ACCESS, params).first())


def find_of_client(tx: Transaction, token_hash: str, client_id: str) -> ClientToken | None:
    """The token (any kind, live or not) if it was issued to *client_id*."""
    params = {"token_hash": token_hash, "client_id": client_id}
    return _client_token(tx.execute(_OF_CLIENT, params).first())


def _client_token(row) -> ClientToken | None:
    if row is None:
        return None
    values = row._mapping
    return ClientToken(
        row_as(Token, row),
        values["user_id"],
        values["client_id"],
        values["scope"],
        values["session_id"],
        values["last_used_at"],
    )


def mark_rotated(tx: Transaction, token_id: str) -> bool:
    """Mark the refresh token rotated; True for the one request that did it first."""
    return tx.execute(_MARK_ROTATED, {"target_id": token_id, "now": tx.now}).rowcount == 1


def delete(tx: Transaction, token_id: str) -> None:
    tx.execute(sa.delete(tokens).where(tokens.c.id == token_id))


def delete_of_authorization(tx: Transaction, authorization_id: str) -> None:
    tx.execute(sa.delete(tokens).where(tokens.c.authorization_id == authorization_id))
