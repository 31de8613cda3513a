"""Checking an email and password (and second factor), under the abuse limits.

The order is heroku-api.md §6.4's: abuse limit (429), bad credentials (401),
suspended (403), expired password (422 ``password_expired``), then, when the
caller asks for it and the account has two-factor, the second factor: none
given is ``TwoFactorRequired``; a wrong one is ``InvalidTwoFactorCode``.
Wrong passwords and wrong codes count as failures (ratelimit.py).

``prepare`` is the read-only first half, for the API's prepare steps: it
verifies the password before the write lock is taken, unless the abuse
limits would refuse the attempt, so an over-limit attempt still costs no
hashing.  ``authenticate_password`` then checks the limits again under the
lock (concurrent failures may have filled them meanwhile; such an attempt is
refused and not counted) and takes the prepared verdict only if the stored
hash is still the one that was verified.
"""

from __future__ import annotations

from identity.platform.domain import events, ratelimit, twofactor
from identity.platform.domain.access import check_not_suspended
from identity.platform.domain.errors import (
    InvalidTwoFactorCode,
    PasswordExpired,
    TwoFactorRequired,
    Unauthorized,
)
from identity.platform.domain.work import Work
from identity.platform.store import users
from identity.platform.store.users import User

BAD_CREDENTIALS = "There was a problem with your login."


def _attempt(work: Work, email: str) -> tuple[User | None, str]:
    """The user of *email* (None when unknown) and the abuse-limit account key, once the
    limits allow the attempt (``RateLimited`` otherwise)."""
    user = users.find_by_email(work.tx, email)
    account = user.id if user else "email:" + users.email_key(email)
    ratelimit.check_login(work.tx, account, work.ip, user.id if user else None)
    return user, account


def prepare(work: Work, email: str, password: str) -> None:
    """Verify the password ahead of the write lock (see above)."""
    user, _ = _attempt(work, email)
    work.passwords.verify(password, user.password_hash if user else None)


def authenticate_password(
    work: Work,
    email: str,
    password: str,
    *,
    second_factor: bool,
    code: str | None = None,
) -> User:
    """The user whose password this is; with *second_factor*, also check *code* (2FA)."""
    tx = work.tx
    user, account = _attempt(work, email)
    if not work.passwords.verify(password, user.password_hash if user else None):
        ratelimit.record_login_failure(tx, account, work.ip)
        events.refused("login.failed", reason="bad_credentials", user_id=user and user.id)
        raise Unauthorized(BAD_CREDENTIALS)
    check_not_suspended(user)
    if user.password_expired:
        raise PasswordExpired()
    if second_factor and user.totp_secret:
        if not code:
            events.refused("two_factor.required", user_id=user.id)
            raise TwoFactorRequired("A second factor is required.")
        if not twofactor.check_second_factor(tx, user, code, work.services.fernet):
            ratelimit.record_login_failure(tx, account, work.ip)
            events.refused("two_factor.failed", user_id=user.id)
            raise InvalidTwoFactorCode("Invalid two-factor code.")
    if second_factor or not user.totp_secret:
        # Only a complete login clears the failures: a right password alone
        # must not reset the count of wrong second-factor codes.
        ratelimit.record_login_success(tx, user.id, work.ip)
        users.touch_login(tx, user.id)
        events.committed(tx, "login.succeeded", user_id=user.id)
    return user
