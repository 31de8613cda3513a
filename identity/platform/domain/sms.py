"""SMS recovery for two-factor accounts (heroku-api.md §3.8, calls #14 and #15).

Identity calls both with the password alone (the person is between the
password and the second factor), so these check the password under the
login abuse limits.  Recovery sends an 8-digit code, valid for
``sms_code_expires_in`` seconds, to the outbox (there is no SMS provider),
at most 5 an hour per account; the code then serves as a second factor like
a TOTP code.
"""

from __future__ import annotations

from identity.platform.domain import logins, ratelimit, twofactor
from identity.platform.domain.errors import InvalidParams
from identity.platform.domain.work import Work

SEND_LIMIT = ratelimit.Limit(5, 60 * 60)


def masked_number(work: Work, email: str, password: str) -> str | None:
    """The account's masked number, or None."""
    user = logins.authenticate_password(work, email, password, second_factor=False)
    return twofactor.mask_sms_number(user.sms_number)


def send_recovery_code(work: Work, email: str, password: str) -> str:
    """Text a recovery code; the masked number it went to.  InvalidParams without one."""
    tx = work.tx
    user = logins.authenticate_password(work, email, password, second_factor=False)
    if not user.sms_number or not user.totp_secret:
        raise InvalidParams("Number missing.")
    bucket = f"sms-send:{user.id}"
    ratelimit.enforce(tx, bucket, SEND_LIMIT, "Too many codes sent; try again later.")
    ratelimit.hit(tx, bucket)
    code = twofactor.new_sms_code(tx, user.id, work.settings.sms_code_expires_in)
    work.services.outbox.send_sms(tx, user.sms_number, f"Your recovery code is {code}.")
    return twofactor.mask_sms_number(user.sms_number)
