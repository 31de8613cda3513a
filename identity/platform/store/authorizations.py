"""OAuth authorizations: the ``authorizations`` table."""

from __future__ import annotations

import dataclasses
import logging

import sqlalchemy as sa

from identity.platform.store.database import Database, Transaction
from identity.platform.store.rows import IdRange, dumps, loads, row_as
from identity.platform.store.tables import authorizations, clients, sessions, tokens

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Authorization:
    id: str
    user_id: str
    client_id: str | None
    session_id: str | None
    scope: str  # JSON; read through ``scopes``
    description: str | None
    created_at: float
    updated_at: float
    last_used_at: float | None = None

    @property
    def scopes(self) -> list[str]:
        return loads(self.scope)


@dataclasses.dataclass(frozen=True)
class TokenSummary:
    """The newest live token of one kind: its id and expiry, never its secret."""

    id: str
    expires_at: float


@dataclasses.dataclass(frozen=True)
class Listed:
    """One authorization as a list shows it, read in the list's one query."""

    authorization: Authorization
    client_name: str | None
    client_redirect_uri: str | None
    client_legacy_id: str | None
    access: TokenSummary | None
    refresh: TokenSummary | None


# Built once: every login and token request runs them (see store.rate_events).
_INSERT = sa.insert(authorizations)
_LIVE = (
    sa.select(authorizations)
    .outerjoin(sessions, sessions.c.id == authorizations.c.session_id)
    .where(
        authorizations.c.id == sa.bindparam("id"),
        sa.or_(authorizations.c.session_id.is_(None), sessions.c.expires_at > sa.bindparam("now")),
    )
)
# Every third-party authorization asks it (is this the app's first one? notices).
_OF_CLIENT_FOR_USER = (
    sa.select(authorizations.c.id)
    .where(
        authorizations.c.user_id == sa.bindparam("user_id"),
        authorizations.c.client_id == sa.bindparam("client_id"),
    )
    .limit(1)
)
_TOUCH = (
    sa.update(authorizations)
    .where(
        authorizations.c.id == sa.bindparam("target_id"),
        sa.or_(
            authorizations.c.last_used_at.is_(None),
            authorizations.c.last_used_at <= sa.bindparam("recorded_before"),
        ),
    )
    .values(last_used_at=sa.bindparam("now"))
)


def insert(
    tx: Transaction,
    authorization_id: str,
    user_id: str,
    client_id: str | None,
    session_id: str | None,
    scope: list[str],
    description: str | None,
) -> Authorization:
    values = dict(
        id=authorization_id,
        user_id=user_id,
        client_id=client_id,
        session_id=session_id,
        scope=dumps(scope),
        description=description,
        created_at=tx.now,
        updated_at=tx.now,
    )
    tx.execute(_INSERT, values)
    return Authorization(**values)


def get_of_user(tx: Transaction, authorization_id: str, user_id: str) -> Authorization | None:
    query = sa.select(authorizations).where(
        authorizations.c.id == authorization_id, authorizations.c.user_id == user_id
    )
    return row_as(Authorization, tx.execute(query).first())


def get_live(tx: Transaction, authorization_id: str) -> Authorization | None:
    """The authorization, unless its session has ended."""
    return row_as(Authorization, tx.execute(_LIVE, {"id": authorization_id, "now": tx.now}).first())


def _newest_token(tx: Transaction, kind: str, column: str):
    """A correlated subquery: *column* of the authorization's newest live *kind* token."""
    return (
        sa.select(tokens.c[column])
        .where(
            tokens.c.authorization_id == authorizations.c.id,
            tokens.c.kind == kind,
            tokens.c.expires_at > tx.now,
        )
        .order_by(tokens.c.created_at.desc())
        .limit(1)
        .scalar_subquery()
    )


def page_of_user(tx: Transaction, user_id: str, ids: IdRange) -> list[Listed]:
    """The user's authorizations in *ids*, with one more than the page size if there
    are more: one query, whatever the page holds."""
    columns = [
        authorizations,
        clients.c.name.label("client_name"),
        clients.c.redirect_uri.label("client_redirect_uri"),
        clients.c.legacy_id.label("client_legacy_id"),
    ]
    for kind in ("access", "refresh"):
        for column in ("id", "expires_at"):
            columns.append(_newest_token(tx, kind, column).label(f"{kind}_{column}"))
    query = (
        sa.select(*columns)
        .outerjoin(clients, clients.c.id == authorizations.c.client_id)
        .where(authorizations.c.user_id == user_id, *ids.where(authorizations.c.id))
        .order_by(ids.order(authorizations.c.id))
        .limit(ids.size + 1)
    )
    return [_listed(row) for row in tx.execute(query)]


def _listed(row) -> Listed:
    values = row._mapping

    def token(kind: str) -> TokenSummary | None:
        token_id = values[f"{kind}_id"]
        return TokenSummary(token_id, values[f"{kind}_expires_at"]) if token_id else None

    return Listed(
        authorization=row_as(Authorization, row),
        client_name=values["client_name"],
        client_redirect_uri=values["client_redirect_uri"],
        client_legacy_id=values["client_legacy_id"],
        access=token("access"),
        refresh=token("refresh"),
    )


def touch(tx: Transaction, authorization_id: str, granularity: float) -> None:
    """Record a use of the authorization now, unless one was recorded less than
    *granularity* seconds ago: a token used a hundred times a minute costs one
    write a minute, and the others a no-op ``UPDATE`` matching no row."""
    params = {"target_id": authorization_id, "recorded_before": tx.now - granularity, "now": tx.now}
    tx.execute(_TOUCH, params)


def touch_later(db: Database, authorization_id: str, granularity: float) -> None:
    """``touch`` in a write transaction of its own, after a read-only request.

    Fails open on purpose: "last used" is for people to read, and a busy
    database must not turn an answered read into an error.
    """
    try:
        with db.transaction(write=True) as tx:
            touch(tx, authorization_id, granularity)
    except sa.exc.OperationalError as error:
        log.info("last use of an authorization not recorded: %s", error.orig)


def delete(tx: Transaction, authorization_id: str) -> None:
    """Delete it with, by cascade, its grants and tokens."""
    tx.execute(sa.delete(authorizations).where(authorizations.c.id == authorization_id))


def exists_of_client_for_user(tx: Transaction, user_id: str, client_id: str) -> bool:
    params = {"user_id": user_id, "client_id": client_id}
    return tx.execute(_OF_CLIENT_FOR_USER, params).first() is not None


def delete_of_client_for_user(tx: Transaction, user_id: str, client_id: str) -> int:
    statement = sa.delete(authorizations).where(
        authorizations.c.user_id == user_id, authorizations.c.client_id == client_id
    )
    return tx.execute(statement).rowcount
