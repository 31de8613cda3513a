"""Mailed links: ``POST /password-resets``, its ``/actions/finalize``, and
``PATCH /invitations/{token}`` (heroku-api.md §3.6, §3.7)."""

from __future__ import annotations

from identity.platform.api.http import Context, iso, json_response
from identity.platform.api.params import text
from identity.platform.domain import invitations, links, resets
from identity.platform.store.links import Kind


def _answer(ctx: Context, status: int, email: str, user_id: str):
    return json_response(
        status, {"created_at": iso(ctx.tx.now), "user": {"email": email, "id": user_id}}
    )


def _new_password(ctx: Context) -> tuple[str | None, str | None]:
    return (
        text(ctx.body, "password"),
        text(ctx.body, "password_confirmation", label="password_confirmation"),
    )


def create_reset(ctx: Context):
    """POST /password-resets: the same 201 for every email (see domain/resets.py)."""
    email = text(ctx.body, "email", required=True).strip()
    return _answer(ctx, 201, email, resets.request(ctx.work, email))


def check_reset(ctx: Context, token: str):
    """GET /password-resets/{token}: 200 while the link is usable, else 404."""
    link = links.check(ctx.work, Kind.PASSWORD_RESET, token)
    return _answer(ctx, 200, link.email, link.user_id)


def prepare_finalize_reset(ctx: Context, token: str) -> None:
    resets.prepare_finalize(ctx.work, token, *_new_password(ctx))


def finalize_reset(ctx: Context, token: str):
    """POST /password-resets/{token}/actions/finalize."""
    link = resets.finalize(ctx.work, token, *_new_password(ctx))
    return _answer(ctx, 200, link.email, link.user_id)


def prepare_accept(ctx: Context, token: str) -> None:
    invitations.prepare_accept(ctx.work, token, *_new_password(ctx))


def accept_invitation(ctx: Context, token: str):
    """PATCH /invitations/{token}: set the password; 404 unknown, 422 invalid."""
    link = invitations.accept(ctx.work, token, *_new_password(ctx))
    return _answer(ctx, 200, link.email, link.user_id)
