"""Login sessions: the login of one person at Identity, and logout's cascade.

A session is made by the login dance (``create_session``).  Identity then
links every third-party authorization it creates to it (``session.id``), and
ending the session deletes every authorization linked to it, and so (by
foreign-key cascade) every grant, token and device approval issued under it.
"""

from __future__ import annotations

from identity.platform.domain import events
from identity.platform.domain.access import TokenAuth
from identity.platform.domain.errors import NotFound
from identity.platform.domain.secrets import new_id
from identity.platform.store import sessions
from identity.platform.store.database import Transaction
from identity.platform.store.sessions import Session

#: Most sessions a list shows: a person has few live logins once expired ones are pruned.
MAX_LISTED = 200


def create(
    tx: Transaction,
    user_id: str,
    client_id: str | None,
    ip: str,
    lifetime: int,
    user_agent: str | None = None,
) -> str:
    """A new login session, remembering where (*ip*) and with what (*user_agent*) it was made."""
    session_id = new_id()
    sessions.insert(tx, session_id, user_id, client_id, f"Session @ {ip}", lifetime, ip, user_agent)
    return session_id


def live(tx: Transaction, auth: TokenAuth) -> list[Session]:
    """The caller's live sessions, newest first (account management: ``global``)."""
    auth.require_scope()
    return sessions.live_of_user(tx, auth.user.id, MAX_LISTED)


def find_live(tx: Transaction, session_id: str, user_id: str) -> Session:
    """The user's unexpired session *session_id*, or ``NotFound``."""
    found = sessions.find_live(tx, session_id, user_id)
    if found is None:
        raise NotFound("session")
    return found


def end_all(
    tx: Transaction,
    user_id: str,
    *,
    keep_session: str | None = None,
    keep_authorization: str | None = None,
) -> None:
    """End every login of the user (after a password change): every session but
    *keep_session*, and every authorization outside a session (direct tokens) but
    *keep_authorization*.  Whatever the old password gave stops working."""
    sessions.delete_all_of_user(tx, user_id, keep_session, keep_authorization)


def end(tx: Transaction, auth: TokenAuth, session_id: str) -> Session:
    """End the caller's session *session_id* (``~``: the calling token's own)."""
    session_id = auth.session_id if session_id == "~" else session_id
    if session_id is None:
        raise NotFound("session")
    if session_id != auth.session_id:
        auth.require_scope()  # ending another session is account management
    found = find_live(tx, session_id, auth.user.id)
    sessions.delete(tx, found.id)
    events.committed(
        tx, "session.ended", session_id=found.id, user_id=found.user_id, reason="logout"
    )
    return found
