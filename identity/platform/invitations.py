"""Invitations: an account made without a password, finished by its owner.

``identity user invite`` (accounts.invite_user) creates the account and
mails ``{public_url}/account/accept/{id}/{token}``; Identity's accept page
calls ``PATCH /invitations/{token}`` with the chosen password, and then logs
the person in with it at once.
"""

from __future__ import annotations

from identity.platform import password_tokens
from identity.platform.db import Transaction
from identity.platform.http import Context, iso, json_response
from identity.platform.outbox import Outbox


def invite(tx: Transaction, settings, outbox: Outbox, user_id: str, email: str) -> str:
    """Issue an invitation for *user_id*, mailed once *tx* commits; return its link."""
    invitation_id, token = password_tokens.issue(
        tx, "invitations", user_id, settings.invitation_expires_in
    )
    url = f"{settings.public_url}/account/accept/{invitation_id}/{token}"
    outbox.send_mail(
        tx,
        "invitation",
        email,
        "You are invited",
        f"You have been invited to create an account for {email}.\n\n"
        f"To accept and choose your password, open this link:\n\n{url}\n",
    )
    return url


def prepare_accept(ctx: Context, token: str) -> None:
    password_tokens.prepare(ctx, "invitations", token)


def accept(ctx: Context, token: str):
    """PATCH /invitations/{token}: set the password; 404 unknown, 422 invalid."""
    user = password_tokens.redeem(ctx, "invitations", token, "invitation")
    return json_response(
        200, {"created_at": iso(ctx.tx.now), "user": {"email": user["email"], "id": user["id"]}}
    )
