"""Login sessions: the ``sessions`` table (and what deleting one takes with it)."""

from __future__ import annotations

import dataclasses

import sqlalchemy as sa

from identity.platform.store.database import Transaction
from identity.platform.store.rows import row_as, rows_as
from identity.platform.store.tables import authorizations, sessions

#: Longest ``User-Agent`` kept: enough to name a browser, bounded whatever is sent.
USER_AGENT_LENGTH = 512


@dataclasses.dataclass(frozen=True)
class Session:
    id: str
    user_id: str
    client_id: str | None
    description: str
    created_at: float
    expires_at: float
    ip: str | None
    user_agent: str | None


# Built once: every login and every session check runs them (see store.rate_events).
_INSERT = sa.insert(sessions)
_FIND_LIVE = sa.select(sessions).where(
    sessions.c.id == sa.bindparam("id"),
    sessions.c.user_id == sa.bindparam("user_id"),
    sessions.c.expires_at > sa.bindparam("now"),
)


def insert(
    tx: Transaction,
    session_id: str,
    user_id: str,
    client_id: str | None,
    description: str,
    lifetime,
    ip: str | None = None,
    user_agent: str | None = None,
) -> None:
    tx.execute(
        _INSERT,
        {
            "id": session_id,
            "user_id": user_id,
            "client_id": client_id,
            "description": description,
            "created_at": tx.now,
            "expires_at": tx.now + lifetime,
            "ip": ip,
            "user_agent": user_agent[:USER_AGENT_LENGTH] if user_agent else None,
        },
    )


def live_of_user(tx: Transaction, user_id: str, limit: int) -> list[Session]:
    """The user's unexpired sessions, newest first, at most *limit*."""
    query = (
        sa.select(sessions)
        .where(sessions.c.user_id == user_id, sessions.c.expires_at > tx.now)
        .order_by(sessions.c.created_at.desc(), sessions.c.id)
        .limit(limit)
    )
    return rows_as(Session, tx.execute(query))


def find_live(tx: Transaction, session_id: str, user_id: str) -> Session | None:
    """The user's unexpired session *session_id*, or None."""
    params = {"id": session_id, "user_id": user_id, "now": tx.now}
    return row_as(Session, tx.execute(_FIND_LIVE, params).first())


def delete(tx: Transaction, session_id: str) -> None:
    """Delete the session and every authorization linked to it (with, by cascade, their
    grants, tokens and device approvals)."""
    tx.execute(sa.delete(authorizations).where(authorizations.c.session_id == session_id))
    tx.execute(sa.delete(sessions).where(sessions.c.id == session_id))


def delete_all_of_user(
    tx: Transaction, user_id: str, keep_session: str | None, keep_authorization: str | None
) -> None:
    """Every session of the user but *keep_session*, and every authorization outside a
    session but *keep_authorization* (deleting a session deletes, by cascade, the
    authorizations and device approvals linked to it)."""
    tx.execute(
        sa.delete(sessions).where(
            sessions.c.user_id == user_id, sessions.c.id.is_distinct_from(keep_session)
        )
    )
    tx.execute(
        sa.delete(authorizations).where(
            authorizations.c.user_id == user_id,
            authorizations.c.session_id.is_(None),
            authorizations.c.id.is_distinct_from(keep_authorization),
        )
    )
