"""``DELETE /oauth/sessions/{id}``: logout, with everything issued under the session."""

from __future__ import annotations

from identity.platform.api.http import Context, json_response, seconds_left
from identity.platform.domain import sessions


def delete(ctx: Context, id: str):
    """``~``: the caller's own session."""
    ended = sessions.end(ctx.tx, ctx.token_auth(), id)
    return json_response(
        200,
        {
            "id": ended.id,
            "description": ended.description,
            "expires_in": seconds_left(ctx, ended.expires_at),
        },
    )
