"""Messages waiting to be delivered: the ``outbox`` table."""

from __future__ import annotations

import dataclasses

import sqlalchemy as sa

from identity.platform.store.database import Transaction
from identity.platform.store.rows import row_as
from identity.platform.store.tables import outbox


@dataclasses.dataclass(frozen=True)
class Queued:
    id: str
    kind: str
    recipient: str
    message: str = dataclasses.field(repr=False)
    attempts: int
    next_attempt_at: float
    last_error: str | None
    created_at: float


def insert(tx: Transaction, message_id: str, kind: str, recipient: str, sealed: str) -> None:
    tx.execute(
        sa.insert(outbox).values(
            id=message_id,
            kind=kind,
            recipient=recipient,
            message=sealed,
            attempts=0,
            next_attempt_at=tx.now,
            created_at=tx.now,
        )
    )


def claim(tx: Transaction, lease: float, message_id: str | None = None) -> Queued | None:
    """The oldest due message (or *message_id*, if due), its ``attempts`` counting this
    one, leased to the caller for *lease* seconds: no other process picks it up
    meanwhile (``SKIP LOCKED`` on PostgreSQL; SQLite's writers take turns anyway)."""
    query = sa.select(outbox).where(outbox.c.next_attempt_at <= tx.now)
    if message_id is not None:
        query = query.where(outbox.c.id == message_id)
    query = query.order_by(outbox.c.created_at).limit(1).with_for_update(skip_locked=True)
    found = row_as(Queued, tx.execute(query).first())
    if found is None:
        return None
    claimed = dataclasses.replace(found, attempts=found.attempts + 1)
    statement = (
        sa.update(outbox)
        .where(outbox.c.id == found.id)
        .values(next_attempt_at=tx.now + lease, attempts=claimed.attempts)
    )
    tx.execute(statement)
    return claimed


def delete(tx: Transaction, message_id: str) -> None:
    tx.execute(sa.delete(outbox).where(outbox.c.id == message_id))


def retry_at(tx: Transaction, message_id: str, at: float, error: str) -> None:
    statement = sa.update(outbox).where(outbox.c.id == message_id)
    tx.execute(statement.values(next_attempt_at=at, last_error=error))


def waiting_for(tx: Transaction, recipient: str) -> bool:
    query = sa.select(outbox.c.id).where(outbox.c.recipient == recipient).limit(1)
    return tx.execute(query).first() is not None
