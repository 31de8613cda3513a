"""OAuth clients: the ``clients`` table."""

from __future__ import annotations

import dataclasses

import sqlalchemy as sa

from identity.platform.store.database import Transaction
from identity.platform.store.rows import dumps, loads, row_as, rows_as
from identity.platform.store.tables import clients


@dataclasses.dataclass(frozen=True)
class Client:
    id: str
    legacy_id: str
    name: str
    description: str | None
    secret_hash: str | None = dataclasses.field(repr=False)
    redirect_uri: str
    redirect_uris: str  # JSON; read through ``uris``
    post_logout_redirect_uris: str
    trusted: bool
    public: bool
    ignores_delinquent: bool
    privileged: bool
    created_at: float
    updated_at: float

    @property
    def uris(self) -> list[str]:
        return loads(self.redirect_uris) or [self.redirect_uri]

    @property
    def post_logout_uris(self) -> list[str]:
        return loads(self.post_logout_redirect_uris)


# Built once: every token request looks its client up (see store.rate_events).
_BY_ID = sa.select(clients).where(clients.c.id == sa.bindparam("id"))
_BY_SECRET_HASH = sa.select(clients).where(clients.c.secret_hash == sa.bindparam("secret_hash"))


def get(tx: Transaction, client_id: str | None) -> Client | None:
    if client_id is None:
        return None
    return row_as(Client, tx.execute(_BY_ID, {"id": client_id}).first())


def find_by_secret_hash(tx: Transaction, secret_hash: str) -> Client | None:
    return row_as(Client, tx.execute(_BY_SECRET_HASH, {"secret_hash": secret_hash}).first())


def taken(tx: Transaction, client_id: str, secret_hash: str | None) -> bool:
    """Is this id, or this secret, someone's already?"""
    condition = clients.c.id == client_id
    if secret_hash is not None:
        condition = sa.or_(condition, clients.c.secret_hash == secret_hash)
    return tx.execute(sa.select(clients.c.id).where(condition)).first() is not None


def all_clients(tx: Transaction) -> list[Client]:
    return rows_as(Client, tx.execute(sa.select(clients).order_by(clients.c.created_at)))


def insert(tx: Transaction, client_id: str, legacy_id: str, name: str, **values) -> None:
    uris = values.pop("redirect_uris")
    tx.execute(
        sa.insert(clients).values(
            id=client_id,
            legacy_id=legacy_id,
            name=name,
            redirect_uri=uris[0],
            redirect_uris=dumps(uris),
            post_logout_redirect_uris=dumps(values.pop("post_logout_redirect_uris")),
            created_at=tx.now,
            updated_at=tx.now,
            **values,
        )
    )


def update(tx: Transaction, client_id: str, **values) -> None:
    """Change the given columns; lists are given as lists."""
    if "redirect_uris" in values:
        values["redirect_uri"] = values["redirect_uris"][0]
        values["redirect_uris"] = dumps(values["redirect_uris"])
    if "post_logout_redirect_uris" in values:
        values["post_logout_redirect_uris"] = dumps(values["post_logout_redirect_uris"])
    statement = sa.update(clients).where(clients.c.id == client_id)
    tx.execute(statement.values(updated_at=tx.now, **values))


def delete(tx: Transaction, client_id: str) -> bool:
    """Delete the client and, by cascade, its authorizations, tokens and sessions."""
    return tx.execute(sa.delete(clients).where(clients.c.id == client_id)).rowcount == 1
