"""``POST /login-tokens/actions/spend``: single use of ``/login/external`` tokens (ours)."""

from __future__ import annotations

from identity.platform.api.http import Context, json_response
from identity.platform.api.params import text
from identity.platform.domain import login_tokens
from identity.platform.domain.errors import InvalidParams


def spend(ctx: Context):
    """200 ``{"first_use": bool}``: whether this ``jti`` was spent now for the first time."""
    ctx.token_auth()  # the login token's own access token: proof of a real authorization
    jti = text(ctx.body, "jti", required=True)
    expires_at = ctx.body.get("expires_at")
    if not isinstance(expires_at, int) or isinstance(expires_at, bool):
        raise InvalidParams("expires_at must be a Unix time in seconds.")
    return json_response(200, {"first_use": login_tokens.spend(ctx.tx, jti, expires_at)})
