"""``/oauth/sessions``: the caller's logins (list) and logout, with everything issued
under the session (delete)."""

from __future__ import annotations

from identity.platform.api.http import Context, iso, json_response, seconds_left
from identity.platform.domain import sessions
from identity.platform.store.sessions import Session


def render(ctx: Context, session: Session) -> dict:
    """Heroku's session object; ``created_at``, ``ip`` and ``user_agent`` are ours."""
    return {
        "id": session.id,
        "description": session.description,
        "expires_in": seconds_left(ctx, session.expires_at),
        "created_at": iso(session.created_at),
        "ip": session.ip,
        "user_agent": session.user_agent,
    }


def list_all(ctx: Context):
    """GET /oauth/sessions: the caller's live sessions, newest first."""
    return json_response(200, [render(ctx, s) for s in sessions.live(ctx.tx, ctx.token_auth())])


def delete(ctx: Context, id: str):
    """``~``: the caller's own session."""
    ended = sessions.end(ctx.tx, ctx.token_auth(), id)
    return json_response(200, render(ctx, ended))
