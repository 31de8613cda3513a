"""SMS recovery for two-factor accounts (heroku-api.md §3.8, calls #14 and #15).

Identity calls both with the password alone (the person is between the
password and the second factor), so these take Basic ``email:password``
under the login abuse limits.  Recovery sends an 8-digit code, valid for
``sms_code_expires_in`` seconds, to the outbox (there is no SMS provider),
at most 5 an hour per account; the code then goes in
``Heroku-Two-Factor-Code`` like a TOTP code.
"""

from __future__ import annotations

from identity.platform import logins, ratelimit, twofactor
from identity.platform.errors import invalid_params
from identity.platform.http import Context, json_response

SEND_LIMIT = ratelimit.Limit(5, 60 * 60)


def info(ctx: Context):
    """GET /users/~/sms-number: the masked number, or null."""
    user = logins.authenticate_password(ctx, ctx.password_credentials(), second_factor=False)
    return json_response(200, {"sms_number": twofactor.mask_sms_number(user["sms_number"])})


def recover(ctx: Context):
    """POST /users/~/sms-number/actions/recover: text a recovery code; 422 without a number."""
    tx = ctx.tx
    user = logins.authenticate_password(ctx, ctx.password_credentials(), second_factor=False)
    if not user["sms_number"] or not user["totp_secret"]:
        raise invalid_params("Number missing.")
    bucket = f"sms-send:{user['id']}"
    ratelimit.enforce(tx, bucket, SEND_LIMIT, "Too many codes sent; try again later.")
    ratelimit.hit(tx, bucket)
    code = twofactor.new_sms_code(tx, user["id"], ctx.settings.sms_code_expires_in)
    ctx.platform.outbox.send_sms(tx, user["sms_number"], f"Your recovery code is {code}.")
    return json_response(201, {"sms_number": twofactor.mask_sms_number(user["sms_number"])})
