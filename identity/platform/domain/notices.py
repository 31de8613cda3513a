"""Security notices: a mail to the account's address after a change it should know of.

Called from the domain functions that make the change, so every caller (CLI,
API, pages) sends them; queued in the same transaction as the change.  The
wording is in ``mail_templates/``; each notice ends with what to do if the
person did not do this.
"""

from __future__ import annotations

import time

from identity.platform.domain import letters
from identity.platform.domain.work import Work
from identity.platform.store.clients import Client
from identity.platform.store.users import User

#: What each scope lets an application do, as the notice of a new one says it.
SCOPE_WORDING = {
    "global": "read and change your account and all your apps",
    "identity": "read your account information",
    "read": "read your apps, except their config vars",
    "read-protected": "read your apps, config vars included",
    "write": "read and change your apps, except their config vars",
    "write-protected": "read and change your apps, config vars included",
    "create-apps": "create apps, and reach only those",
    "openid": "sign you in with your account",
    "email": "know your email address",
    "profile": "know your name",
    "offline_access": "keep this access after you log out",
}


def password_changed(work: Work, user: User) -> None:
    _notify(work, user.email, "password-changed", "password_changed", "Your password was changed")


def two_factor_enabled(work: Work, user: User) -> None:
    _notify(
        work,
        user.email,
        "two-factor-enabled",
        "two_factor_enabled",
        "Two-factor authentication was turned on",
    )


def two_factor_disabled(work: Work, user: User) -> None:
    _notify(
        work,
        user.email,
        "two-factor-disabled",
        "two_factor_disabled",
        "Two-factor authentication was turned off",
    )


def recovery_codes_regenerated(work: Work, user: User) -> None:
    _notify(work, user.email, "recovery-codes", "recovery_codes", "New recovery codes were made")


def email_changed(work: Work, old_email: str, new_email: str) -> None:
    """Tell the old address where the account went, and the new one that it is the login now."""
    emails = dict(old_email=old_email, new_email=new_email)
    _notify(
        work,
        old_email,
        "email-changed",
        "email_changed_old",
        "Your account's email address was changed",
        support=work.settings.mail_from,
        **emails,
    )
    _notify(
        work,
        new_email,
        "email-confirmed",
        "email_changed_new",
        "Your new email address is confirmed",
        **emails,
    )


def application_authorized(work: Work, user: User, client: Client, scopes: list[str]) -> None:
    when = time.strftime("%d %B %Y at %H:%M UTC", time.gmtime(work.tx.now))
    _notify(
        work,
        user.email,
        "application-authorized",
        "application_authorized",
        f"{client.name} was given access to your account",
        app_name=client.name,
        scopes=[SCOPE_WORDING.get(scope, scope) for scope in scopes],
        when=when,
        applications_url=f"{work.settings.public_url}/account/applications",
    )


def _notify(work: Work, to: str, kind: str, template: str, subject: str, **values) -> None:
    reset_url = f"{work.settings.public_url}/account/password/reset"
    letter = letters.render(template, subject, reset_url=reset_url, **values)
    work.services.outbox.send_mail(work.tx, kind, to, letter)
