"""OAuth sessions: the login of one person at Identity, and logout's cascade.

A session is made by the login dance (``create_session``).  Identity then
links every third-party authorization it creates to it (``session.id``), and
``DELETE /oauth/sessions/{id}`` deletes the session together with every
authorization linked to it, and so (by foreign-key cascade) every grant,
token and device approval issued under it.
"""

from __future__ import annotations

from identity.platform.db import Transaction
from identity.platform.errors import not_found
from identity.platform.http import Context, json_response, seconds_left
from identity.platform.tokens import new_id


def create(tx: Transaction, user_id: str, client_id: str | None, ip: str, lifetime: int) -> str:
    session_id = new_id()
    tx.execute(
        """INSERT INTO sessions (id, user_id, client_id, description, created_at, expires_at)
           VALUES (?, ?, ?, ?, ?, ?)""",
        (session_id, user_id, client_id, f"Session @ {ip}", tx.now, tx.now + lifetime),
    )
    return session_id


def find_live(tx: Transaction, session_id: str, user_id: str):
    """The user's unexpired session *session_id*, or 404."""
    row = tx.one(
        "SELECT * FROM sessions WHERE id = ? AND user_id = ? AND expires_at > ?",
        (session_id, user_id, tx.now),
    )
    if row is None:
        raise not_found("session")
    return row


def revoke(tx: Transaction, session_id: str) -> None:
    """Delete the session and everything issued under it."""
    tx.execute("DELETE FROM authorizations WHERE session_id = ?", (session_id,))
    tx.execute("DELETE FROM sessions WHERE id = ?", (session_id,))


def revoke_all(
    tx: Transaction,
    user_id: str,
    *,
    keep_session: str | None = None,
    keep_authorization: str | None = None,
) -> None:
    """End every login of the user (after a password change): every session but
    *keep_session*, and every authorization outside a session (direct tokens, password
    grants) but *keep_authorization*.  Whatever the old password gave stops working.

    Deleting the sessions deletes, by foreign-key cascade, every authorization and
    device approval linked to them, as ``revoke`` does for one."""
    tx.execute("DELETE FROM sessions WHERE user_id = ? AND id IS NOT ?", (user_id, keep_session))
    tx.execute(
        "DELETE FROM authorizations WHERE user_id = ? AND session_id IS NULL AND id IS NOT ?",
        (user_id, keep_authorization),
    )


def delete(ctx: Context, id: str):
    """DELETE /oauth/sessions/{id} (``~``: the caller's own session)."""
    auth = ctx.token_auth()
    session_id = auth.session_id if id == "~" else id
    if session_id is None:
        raise not_found("session")
    if session_id != auth.session_id:
        auth.require_scope()  # ending another session is account management
    row = find_live(ctx.tx, session_id, auth.user["id"])
    revoke(ctx.tx, row["id"])
    return json_response(
        200,
        {
            "id": row["id"],
            "description": row["description"],
            "expires_in": seconds_left(ctx.tx, row["expires_at"]),
        },
    )
