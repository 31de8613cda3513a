"""``POST /oauth/tokens`` and its extensions: revoke, introspect (docs/architecture.md).

Invalid client credentials are 401; an unknown, used or expired code or
refresh token is 404 (Identity maps both to RFC 6749's errors).
"""

from __future__ import annotations

from identity.platform.api.errors import invalid_params
from identity.platform.api.http import Context, iso, json_response, seconds_left
from identity.platform.api.params import section, text
from identity.platform.domain import clients, tokens
from identity.platform.domain.authorizations import Issued
from identity.platform.domain.tokens import DEVICE_CODE

GRANT_TYPES = ("authorization_code", "refresh_token", DEVICE_CODE)


def authenticated_client(ctx: Context):
    """The client the body's ``client`` credentials name, or 401."""
    credentials = section(ctx.body, "client")
    return clients.authenticate(
        ctx.work,
        text(credentials, "id", label="client.id"),
        text(credentials, "secret", label="client.secret"),
    )


def authenticate(ctx: Context):
    """POST /oauth/clients/actions/authenticate: 200 when the ``client`` credentials are
    good, 401 otherwise (counted like every client authentication)."""
    client = authenticated_client(ctx)
    return json_response(200, {"id": client.id, "public": client.public})


def _token(ctx: Context, issued: Issued | None) -> dict | None:
    if issued is None:
        return None
    return {
        "id": issued.id,
        "token": issued.secret,
        "expires_in": seconds_left(ctx, issued.expires_at),
    }


def create(ctx: Context):
    """POST /oauth/tokens: a code, refresh token or device code for tokens."""
    grant = section(ctx.body, "grant")
    grant_type = text(grant, "type", required=True, label="grant.type")
    if grant_type not in GRANT_TYPES:
        raise invalid_params(f"Unsupported grant.type: {grant_type}.")
    if grant_type == "refresh_token":
        refresh_token = section(ctx.body, "refresh_token")
        secret = text(refresh_token, "token", required=True, label="refresh_token.token")
    else:
        secret = text(grant, "code", required=True, label="grant.code")
    exchanged = tokens.exchange(ctx.work, authenticated_client(ctx), grant_type, secret)
    authorization = exchanged.authorization
    now = iso(ctx.tx.now)
    body = {
        "id": exchanged.access.id,
        "created_at": now,
        "updated_at": now,
        "access_token": _token(ctx, exchanged.access),
        "refresh_token": _token(ctx, exchanged.refresh),
        "authorization": {"id": authorization.id, "scope": authorization.scopes},
        "client": None,
        "grant": {"code": None if grant_type == "refresh_token" else secret, "type": grant_type},
        "session": {"id": authorization.session_id} if authorization.session_id else None,
        "user": {"id": authorization.user_id},
    }
    return json_response(201, body, {"Cache-Control": "no-store"})


def revoke(ctx: Context):
    """POST /oauth/tokens/actions/revoke (RFC 7009): 200 whether or not the token was known."""
    tokens.revoke(ctx.work, authenticated_client(ctx), text(ctx.body, "token"))
    return json_response(200, {})


def introspect(ctx: Context):
    """POST /oauth/tokens/actions/introspect (RFC 7662), for the token's own client only."""
    client = authenticated_client(ctx)
    found = tokens.introspect(ctx.work, client, text(ctx.body, "token"))
    if found is None:
        return json_response(200, {"active": False})
    return json_response(
        200,
        {
            "active": True,
            "scope": found.scope,
            "client_id": client.id,
            "user": {"id": found.user.id, "email": found.user.email},
            "expires_at": iso(found.token.expires_at),
            "created_at": iso(found.token.created_at),
            "token_type": f"{found.token.kind}_token",
        },
    )
