"""``/oauth/device-authorizations``: the device flow's calls (RFC 8628, an extension)."""

from __future__ import annotations

from identity.platform.api.http import Context, json_response, seconds_left
from identity.platform.api.params import section, text
from identity.platform.api.tokens import authenticated_client
from identity.platform.domain import devices


def create(ctx: Context):
    """POST /oauth/device-authorizations."""
    started = devices.start(ctx.work, authenticated_client(ctx), ctx.body.get("scope"))
    return json_response(
        201,
        {
            "device_code": started.device_code,
            "user_code": started.user_code,
            "expires_in": started.expires_in,
            "interval": started.interval,
        },
    )


def info(ctx: Context, user_code: str):
    """GET /oauth/device-authorizations/{user_code}: what the person is asked to approve."""
    found = devices.pending(ctx.work, ctx.token_auth(), user_code)
    client = found.client
    return json_response(
        200,
        {
            "client": {"id": client.id, "name": client.name, "description": client.description},
            "scope": found.request.scopes,
            "expires_in": seconds_left(ctx, found.request.expires_at),
        },
    )


def _decide(ctx: Context, user_code: str, approve: bool):
    session_ref = text(section(ctx.body, "session"), "id", label="session.id")
    devices.decide(ctx.work, ctx.token_auth(), user_code, approve, session_ref)
    return json_response(200, {})


def approve(ctx: Context, user_code: str):
    """POST /oauth/device-authorizations/{user_code}/actions/approve."""
    return _decide(ctx, user_code, True)


def deny(ctx: Context, user_code: str):
    """POST /oauth/device-authorizations/{user_code}/actions/deny."""
    return _decide(ctx, user_code, False)
