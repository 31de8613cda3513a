"""Counted events for the abuse limits (``rate_events``) and known login IPs (``known_ips``)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from identity.platform.store.database import Transaction
from identity.platform.store.tables import known_ips, rate_events


def recent(tx: Transaction, bucket: str, window: float, limit: int) -> list[float]:
    """The times of *bucket*'s newest events within *window* seconds, newest first, at most
    *limit*."""
    query = (
        sa.select(rate_events.c.at)
        .where(rate_events.c.bucket == bucket, rate_events.c.at > tx.now - window)
        .order_by(rate_events.c.at.desc())
        .limit(limit)
    )
    return list(tx.execute(query).scalars())


def add(tx: Transaction, buckets: tuple[str, ...]) -> None:
    tx.execute(sa.insert(rate_events), [{"bucket": b, "at": tx.now} for b in buckets])


def clear(tx: Transaction, bucket: str) -> None:
    tx.execute(sa.delete(rate_events).where(rate_events.c.bucket == bucket))


def remember_ip(tx: Transaction, user_id: str, ip: str) -> None:
    insert = (postgresql if tx.dialect == "postgresql" else sqlite).insert(known_ips)
    statement = insert.values(user_id=user_id, ip=ip, last_success_at=tx.now)
    tx.execute(
        statement.on_conflict_do_update(
            index_elements=["user_id", "ip"],
            set_={"last_success_at": statement.excluded.last_success_at},
        )
    )


def is_known_ip(tx: Transaction, user_id: str, ip: str, since: float) -> bool:
    query = sa.select(known_ips.c.ip).where(
        known_ips.c.user_id == user_id,
        known_ips.c.ip == ip,
        known_ips.c.last_success_at > since,
    )
    return tx.execute(query).first() is not None
