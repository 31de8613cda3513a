"""Counted events for the abuse limits (``rate_events``) and known login IPs (``known_ips``).

The statements every counted request runs are built once, with bound
parameters: building and cache-keying a SQLAlchemy statement costs several
times what executing it does.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from identity.platform.store.database import Transaction
from identity.platform.store.tables import known_ips, rate_events

_RECENT = (
    sa.select(rate_events.c.at)
    .where(rate_events.c.bucket == sa.bindparam("bucket"), rate_events.c.at > sa.bindparam("since"))
    .order_by(rate_events.c.at.desc())
    .limit(sa.bindparam("limit"))
)
_ADD = sa.insert(rate_events)
_KNOWN_IP = sa.select(known_ips.c.ip).where(
    known_ips.c.user_id == sa.bindparam("user_id"),
    known_ips.c.ip == sa.bindparam("ip"),
    known_ips.c.last_success_at > sa.bindparam("since"),
)


def recent(tx: Transaction, bucket: str, window: float, limit: int) -> list[float]:
    """The times of *bucket*'s newest events within *window* seconds, newest first, at most
    *limit*."""
    params = {"bucket": bucket, "since": tx.now - window, "limit": limit}
    return list(tx.execute(_RECENT, params).scalars())


def add(tx: Transaction, buckets: tuple[str, ...]) -> None:
    tx.execute(_ADD, [{"bucket": b, "at": tx.now} for b in buckets])


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
    params = {"user_id": user_id, "ip": ip, "since": since}
    return tx.execute(_KNOWN_IP, params).first() is not None
