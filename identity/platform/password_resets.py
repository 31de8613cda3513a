"""Password resets: a mailed single-use link that sets a new password.

``POST /password-resets`` answers the same 201 for known and unknown emails
(the ``user.id`` of an unknown email is a stable pseudonym), so it cannot be
used to find accounts; at most 5 requests an hour per email are accepted.
A finished reset also ends every session and token of the account.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid

from identity.platform import password_tokens, ratelimit, sessions
from identity.platform.http import Context, iso, json_response
from identity.platform.params import text

REQUEST_LIMIT = ratelimit.Limit(5, 60 * 60)


def _pseudonym(ctx: Context, email: str) -> str:
    mac = hmac.new(ctx.platform.pseudonym_key, email.lower().encode(), hashlib.sha256)
    return str(uuid.UUID(bytes=mac.digest()[:16], version=4))


def create(ctx: Context):
    """POST /password-resets: mail a reset link when the account exists."""
    tx, settings = ctx.tx, ctx.settings
    email = text(ctx.body, "email", required=True).strip()
    bucket = f"password-reset:{email.lower()}"
    ratelimit.enforce(tx, bucket, REQUEST_LIMIT, "Too many reset requests; try again later.")
    ratelimit.hit(tx, bucket)
    user = tx.one("SELECT * FROM users WHERE email = ?", (email,))
    if user is not None:
        _, token = password_tokens.issue(
            tx, "password_resets", user["id"], settings.password_reset_expires_in
        )
        link = f"{settings.public_url}/account/password/reset/{token}"
        ctx.platform.outbox.send_mail(
            tx,
            "password-reset",
            user["email"],
            "Reset your password",
            f"To choose a new password, open this link:\n\n{link}\n\n"
            "If you did not ask for this, ignore this message.\n",
        )
    user_id = user["id"] if user else _pseudonym(ctx, email)
    return json_response(201, {"created_at": iso(tx.now), "user": {"email": email, "id": user_id}})


def prepare_finalize(ctx: Context, token: str) -> None:
    password_tokens.prepare(ctx, "password_resets", token)


def finalize(ctx: Context, token: str):
    """POST /password-resets/{token}/actions/finalize."""
    user = password_tokens.redeem(ctx, "password_resets", token, "password reset")
    tx = ctx.tx
    # A new password ends every login made with the old one: sessions, and the
    # tokens of direct authorizations and password grants, which have none.
    sessions.revoke_all(tx, user["id"])
    tx.execute(
        "UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL",
        (tx.now, user["id"]),
    )
    return json_response(
        200, {"created_at": iso(tx.now), "user": {"email": user["email"], "id": user["id"]}}
    )
