"""``/users/~/sms-number``: the masked number (#14) and a recovery code by SMS (#15),
with Basic ``email:password`` (heroku-api.md §3.8)."""

from __future__ import annotations

from identity.platform.api.http import Context, json_response
from identity.platform.domain import logins, sms


def prepare(ctx: Context) -> None:
    credentials = ctx.password_credentials()
    logins.prepare(ctx.work, credentials.email, credentials.password)


def info(ctx: Context):
    """GET /users/~/sms-number: the masked number, or null."""
    credentials = ctx.password_credentials()
    number = sms.masked_number(ctx.work, credentials.email, credentials.password)
    return json_response(200, {"sms_number": number})


def recover(ctx: Context):
    """POST /users/~/sms-number/actions/recover: text a recovery code; 422 without a number."""
    credentials = ctx.password_credentials()
    number = sms.send_recovery_code(ctx.work, credentials.email, credentials.password)
    return json_response(201, {"sms_number": number})
