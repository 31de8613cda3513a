"""Pruning what has expired, in bounded batches, so that no table grows without limit.

Run by ``domain.housekeeping`` on a timer in every serving process (and
directly by tests).  Each statement deletes at most ``BATCH`` rows; the
caller repeats while there was work.  Rows stay a ``MARGIN`` past their
expiry: a spent grant code is what recognises its replay, and an answer
about a just-expired thing should say "expired", not "unknown".
"""

from __future__ import annotations

import sqlalchemy as sa

from identity.platform.store.database import Transaction
from identity.platform.store.tables import (
    authorizations,
    device_authorizations,
    email_changes,
    grants,
    invitations,
    known_ips,
    password_resets,
    rate_events,
    sessions,
    sms_codes,
    spent_login_tokens,
    tokens,
)

BATCH = 500
#: Seconds a row is kept after it expired.
MARGIN = 24 * 3600

#: Tables whose rows are dead once ``expires_at`` (+ MARGIN) has passed.  Deleting
#: a session deletes, by cascade, its authorizations, their grants and tokens.
EXPIRING = (
    sessions,
    tokens,
    grants,
    device_authorizations,
    password_resets,
    invitations,
    email_changes,
)


def _bounded_delete(tx: Transaction, table, key, condition) -> int:
    doomed = sa.select(key).where(condition).limit(BATCH).scalar_subquery()
    return tx.execute(sa.delete(table).where(key.in_(doomed))).rowcount


def prune_expired(tx: Transaction) -> int:
    """One batch per expiring table; the number of rows deleted."""
    cutoff = tx.now - MARGIN
    return sum(
        _bounded_delete(tx, table, table.c.id, table.c.expires_at < cutoff) for table in EXPIRING
    )


def prune_codes(tx: Transaction) -> int:
    return _bounded_delete(tx, sms_codes, sms_codes.c.id, sms_codes.c.expires_at < tx.now - MARGIN)


def prune_spent_login_tokens(tx: Transaction) -> int:
    expired = spent_login_tokens.c.expires_at < tx.now - MARGIN
    return _bounded_delete(tx, spent_login_tokens, spent_login_tokens.c.jti, expired)


def prune_empty_authorizations(tx: Transaction) -> int:
    """Authorizations left with no token and no grant that may still be used.

    (A login's authorization goes with its session; this is for the ones
    outside a session whose tokens have expired and been pruned.)
    """
    has_token = sa.select(tokens.c.id).where(tokens.c.authorization_id == authorizations.c.id)
    has_grant = sa.select(grants.c.id).where(grants.c.authorization_id == authorizations.c.id)
    condition = sa.and_(
        authorizations.c.created_at < tx.now - MARGIN,
        ~has_token.exists(),
        ~has_grant.exists(),
    )
    return _bounded_delete(tx, authorizations, authorizations.c.id, condition)


def prune_rate_events(tx: Transaction, retention: float) -> int:
    old = rate_events.c.at < tx.now - retention
    oldest = sa.select(rate_events.c.at).where(old).order_by(rate_events.c.at).limit(BATCH)
    limit = sa.select(sa.func.max(oldest.subquery().c.at)).scalar_subquery()
    return tx.execute(sa.delete(rate_events).where(old, rate_events.c.at <= limit)).rowcount


def prune_known_ips(tx: Transaction, ttl: float) -> int:
    condition = known_ips.c.last_success_at < tx.now - ttl
    deleted = tx.execute(sa.delete(known_ips).where(condition))
    return deleted.rowcount
