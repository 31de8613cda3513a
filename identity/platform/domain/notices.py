"""Security notices: a mail to the account's address after a change it should know of.

Called from the domain functions that make the change, so every caller (CLI,
API, pages) sends them; queued in the same transaction as the change.
"""

from __future__ import annotations

from identity.platform.domain.work import Work
from identity.platform.store.users import User


def password_changed(work: Work, user: User) -> None:
    _notify(
        work,
        user,
        "password-changed",
        "Your password was changed",
        "The password of your account was just changed, and every other login ended.",
    )


def two_factor_enabled(work: Work, user: User) -> None:
    _notify(
        work,
        user,
        "two-factor-enabled",
        "Two-factor authentication was turned on",
        "Two-factor authentication was just turned on for your account: logging in now\n"
        "needs a code from your authenticator app or one of your recovery codes.",
    )


def two_factor_disabled(work: Work, user: User) -> None:
    _notify(
        work,
        user,
        "two-factor-disabled",
        "Two-factor authentication was turned off",
        "Two-factor authentication was just turned off for your account: a password\n"
        "alone now logs in.",
    )


def recovery_codes_regenerated(work: Work, user: User) -> None:
    _notify(
        work,
        user,
        "recovery-codes",
        "New recovery codes were made",
        "New two-factor recovery codes were just made for your account; the old ones\n"
        "no longer work.",
    )


def _notify(work: Work, user: User, kind: str, subject: str, what_happened: str) -> None:
    """One notice; it always ends with what to do if the person did not do this."""
    work.services.outbox.send_mail(
        work.tx,
        kind,
        user.email,
        subject,
        f"{what_happened}\n\n"
        "If you did not do this, reset your password at once:\n\n"
        f"{work.settings.public_url}/account/password/reset\n",
    )
