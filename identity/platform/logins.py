"""Checking an email and password (and second factor), under the abuse limits.

The order is heroku-api.md §6.4's: abuse limit (429), bad credentials (401),
suspended (403), expired password (422 ``password_expired``), then, when the
caller asks for it and the account has two-factor, the second factor: none
given is 403 with ``Heroku-Two-Factor-Required: true``; a wrong one is 401.
Wrong passwords and wrong codes count as failures (ratelimit.py).

``prepare`` is the read-only first half, for routes' prepare steps
(routes.py): it verifies the password before the write lock is taken, unless
the abuse limits would refuse the attempt, so an over-limit attempt still
costs no hashing.  ``authenticate_password`` then checks the limits again
under the lock (concurrent failures may have filled them meanwhile; such an
attempt is answered 429 and not counted, as before) and takes the prepared
verdict only if the stored hash is still the one that was verified.
"""

from __future__ import annotations

from identity.platform import ratelimit, twofactor
from identity.platform.auth import PasswordCredentials, check_not_suspended
from identity.platform.errors import PlatformError, unauthorized
from identity.platform.http import Context

BAD_CREDENTIALS = "There was a problem with your login."


def _attempt(ctx: Context, credentials: PasswordCredentials) -> tuple[dict | None, str]:
    """The user of *credentials* (None for an unknown email) and the abuse-limit account
    key, once the limits allow the attempt (429 otherwise)."""
    row = ctx.tx.one("SELECT * FROM users WHERE email = ?", (credentials.email,))
    user = dict(row) if row else None
    account = user["id"] if user else "email:" + credentials.email.lower()
    ratelimit.check_login(ctx.tx, account, ctx.ip, user["id"] if user else None)
    return user, account


def prepare(ctx: Context, credentials: PasswordCredentials) -> None:
    """Verify the password of *credentials* ahead of the write lock (see above)."""
    user, _ = _attempt(ctx, credentials)
    ctx.passwords.verify(credentials.password, user["password_hash"] if user else None)


def prepare_basic(ctx: Context) -> None:
    """``prepare`` for routes that take Basic ``email:password``."""
    prepare(ctx, ctx.password_credentials())


def authenticate_password(
    ctx: Context,
    credentials: PasswordCredentials,
    *,
    second_factor: bool,
) -> dict:
    """The user whose *credentials* these are; with *second_factor*, also check 2FA."""
    tx = ctx.tx
    user, account = _attempt(ctx, credentials)
    stored = user["password_hash"] if user else None
    if not ctx.passwords.verify(credentials.password, stored):
        ratelimit.record_login_failure(tx, account, ctx.ip)
        raise unauthorized(BAD_CREDENTIALS)
    check_not_suspended(user)
    if user["password_expired"]:
        raise PlatformError(422, "password_expired", "Your password has expired.")
    if second_factor and user["totp_secret"]:
        code = ctx.request.headers.get("Heroku-Two-Factor-Code", "").strip()
        if not code:
            raise PlatformError(
                403,
                "two_factor",
                "A second factor is required.",
                {"Heroku-Two-Factor-Required": "true"},
            )
        if not twofactor.check_second_factor(tx, user, code, ctx.platform.fernet):
            ratelimit.record_login_failure(tx, account, ctx.ip)
            raise PlatformError(401, "invalid_two_factor_code", "Invalid two-factor code.")
    if second_factor or not user["totp_secret"]:
        # Only a complete login clears the failures: a right password alone
        # must not reset the count of wrong second-factor codes.
        ratelimit.record_login_success(tx, user["id"], ctx.ip)
        tx.execute("UPDATE users SET last_login = ? WHERE id = ?", (tx.now, user["id"]))
    return user
