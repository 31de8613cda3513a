"""The account's owner turning two-factor on and off (Identity's account pages).

Enrolment is two steps and the API stores nothing between them: ``start``
makes a fresh secret and seals it with the user's id (Fernet under the
platform key, valid ``ENROLMENT_TTL``); ``confirm`` opens the seal, checks a
code from the authenticator against the secret, and only then gives the
account that secret (``twofactor.enable_totp``, so whatever is attached
there happens) and new recovery codes.  Turning it off needs the password
and a current code.  Wrong codes count as failed logins (ratelimit.py).
"""

from __future__ import annotations

import json

from cryptography.fernet import InvalidToken

from identity.platform.domain import events, logins, notices, ratelimit, twofactor
from identity.platform.domain.access import TokenAuth
from identity.platform.domain.errors import InvalidParams, InvalidTwoFactorCode
from identity.platform.domain.work import Work

#: Seconds between starting an enrolment and confirming it with a code.
ENROLMENT_TTL = 900
WRONG_CODE = "Invalid two-factor code."
ALREADY_ON = "Two-factor authentication is already enabled."
NOT_ON = "Two-factor authentication is not enabled."


def start(work: Work, auth: TokenAuth) -> dict:
    """A fresh secret (base32) and the sealed enrolment that confirms it."""
    auth.require_scope()
    if auth.user.totp_secret is not None:
        raise InvalidParams(ALREADY_ON)
    secret = twofactor.new_totp_secret()
    sealed = json.dumps({"user": auth.user.id, "secret": secret}).encode()
    token = work.services.fernet.encrypt_at_time(sealed, int(work.tx.now)).decode()
    return {"secret": secret, "enrollment": token, "expires_in": ENROLMENT_TTL}


def confirm(work: Work, auth: TokenAuth, enrollment: str, code: str) -> list[str]:
    """Turn two-factor on with the sealed secret once *code* matches it; the recovery codes."""
    auth.require_scope()
    tx, user = work.tx, auth.user
    if user.totp_secret is not None:
        raise InvalidParams(ALREADY_ON)
    secret = _open(work, enrollment, user.id)
    ratelimit.check_login(tx, user.id, work.ip, user.id)
    step = twofactor.totp_step(secret, twofactor.normalize_code(code), tx.now)
    if step is None:
        _wrong_code(work, user.id)
    twofactor.enable_totp(tx, user.id, work.services.fernet, secret=secret, step=step)
    codes = twofactor.new_recovery_codes(tx, user.id)
    events.committed(tx, "two_factor.enabled", user_id=user.id)
    notices.two_factor_enabled(work, user)
    return codes


def disable(work: Work, auth: TokenAuth, password: str, code: str) -> None:
    """Turn two-factor off, given the account password and a current code."""
    auth.require_scope()
    user = logins.authenticate_password(work, auth.user.email, password, second_factor=False)
    if user.totp_secret is None:
        raise InvalidParams(NOT_ON)
    if not code or not twofactor.check_second_factor(work.tx, user, code, work.services.fernet):
        _wrong_code(work, user.id)
    twofactor.disable_totp(work.tx, user.id)
    events.committed(work.tx, "two_factor.disabled", user_id=user.id)
    notices.two_factor_disabled(work, user)


def _open(work: Work, enrollment: str, user_id: str) -> str:
    """The secret sealed in *enrollment* for *user_id*; InvalidParams when it is not one."""
    try:
        sealed = work.services.fernet.decrypt_at_time(
            enrollment.encode(), ENROLMENT_TTL, int(work.tx.now)
        )
        opened = json.loads(sealed)
    except (InvalidToken, ValueError):
        raise InvalidParams("This enrollment has expired; start again.") from None
    if not isinstance(opened, dict) or opened.get("user") != user_id:
        raise InvalidParams("This enrollment has expired; start again.")
    return str(opened["secret"])


def _wrong_code(work: Work, user_id: str):
    ratelimit.record_login_failure(work.tx, user_id, work.ip)
    events.refused("two_factor.failed", user_id=user_id)
    raise InvalidTwoFactorCode(WRONG_CODE)
