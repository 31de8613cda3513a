"""Accounts: creation and invitation (CLI), management, and changes by their owner.

Operator functions (the CLI, Identity's start-up, test fixtures) open their
own transaction on a ``Database``; the owner's changes run in a request's
``Work``.  Emails are unique regardless of case.  A user without a password
cannot log in until a password reset or an invitation gives them one.
"""

from __future__ import annotations

import re

from identity.password_policy import password_problem
from identity.platform.domain import (
    email_change,
    events,
    invitations,
    logins,
    notices,
    sessions,
    twofactor,
)
from identity.platform.domain.access import TokenAuth
from identity.platform.domain.errors import Forbidden, InvalidParams, NotFound
from identity.platform.domain.mail import Outbox
from identity.platform.domain.passwords import DEFAULT_HASHER, PasswordHasher
from identity.platform.domain.secrets import new_id
from identity.platform.domain.work import Services, Work
from identity.platform.store import users
from identity.platform.store.database import Database, Transaction
from identity.platform.store.users import EmailTaken, User

#: E.164: "+", country code, up to 15 digits.
SMS_NUMBER = re.compile(r"\+[1-9]\d{6,14}")
TAKEN = email_change.TAKEN
check_email = email_change.check_email


def check_new_email(tx: Transaction, email: str, user_id: str | None = None) -> None:
    """InvalidParams unless *email* looks like an address that no other account has."""
    check_email(email)
    taken = users.find_by_email(tx, email)
    if taken is not None and taken.id != user_id:
        raise InvalidParams(TAKEN)


def check_password(password: str, email: str) -> None:
    problem = password_problem(password, email)
    if problem:
        raise InvalidParams(problem)


def insert_user(tx: Transaction, email: str, name: str | None, password_hash: str | None) -> str:
    check_new_email(tx, email)
    user_id = new_id()
    try:
        users.insert(tx, user_id, email, name, password_hash)
    except EmailTaken:
        raise InvalidParams(TAKEN) from None
    return user_id


def create_user(
    db: Database,
    settings,
    email: str,
    *,
    name: str | None = None,
    password: str | None = None,
    two_factor: bool = False,
    sms_number: str | None = None,
    hasher: PasswordHasher = DEFAULT_HASHER,
) -> dict:
    """Create an account; with *two_factor* also its TOTP secret and recovery codes (shown once)."""
    email = email.strip()
    if password is not None:
        check_password(password, email)
    if sms_number is not None and not SMS_NUMBER.fullmatch(sms_number):
        raise InvalidParams("SMS number must be in international form, e.g. +15551234567.")
    password_hash = hasher.hash(password) if password is not None else None
    with db.transaction(write=True) as tx:
        user_id = insert_user(tx, email, name, password_hash)
        created: dict = {"id": user_id, "email": email}
        if sms_number:
            users.update(tx, user_id, sms_number=sms_number)
        if two_factor:
            fernet = twofactor.cipher(settings.platform_encryption_key)
            created["totp_secret"] = twofactor.enable_totp(tx, user_id, fernet)
            created["recovery_codes"] = twofactor.new_recovery_codes(tx, user_id)
    return created


def invite_user(db: Database, settings, email: str, *, name: str | None = None) -> dict:
    """Create a password-less account and mail it an invitation link (after the commit)."""
    email = email.strip()
    outbox = Outbox.from_settings(settings).bind(db)
    with db.transaction(write=True) as tx:
        user_id = insert_user(tx, email, name, None)
        url = invitations.invite(tx, settings, outbox, user_id, email)
    invited = {"id": user_id, "email": email, "invitation_url": url}
    if outbox.waiting_for(email):
        # The send after the commit failed; the mail stays queued for a server to retry.
        invited["mail_queued"] = True
    return invited


# -- the operator's view (CLI) ------------------------------------------------


def describe(user: User) -> dict:
    """The account as the CLI prints it (no secret, not even hashed)."""
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "two_factor": user.totp_secret is not None,
        "sms_number": user.sms_number,
        "suspended": user.suspended_at is not None,
        "password_expired": bool(user.password_expired),
        "delinquent": user.delinquent_at is not None,
        "has_password": user.password_hash is not None,
        "created_at": user.created_at,
        "last_login": user.last_login,
    }


def _existing(tx: Transaction, id_or_email: str) -> User:
    found = users.find(tx, id_or_email.strip())
    if found is None:
        raise NotFound("account")
    return found


def list_users(db: Database) -> list[dict]:
    with db.transaction(write=False) as tx:
        found, after = [], None
        while page := users.page(tx, 500, after):
            found.extend(describe(user) for user in page)
            after = page[-1].email
        return found


def show_user(db: Database, id_or_email: str) -> dict:
    with db.transaction(write=False) as tx:
        return describe(_existing(tx, id_or_email))


def update_user(
    db: Database,
    id_or_email: str,
    *,
    name: str | None = None,
    email: str | None = None,
    sms_number: str | None = None,
) -> dict:
    """The operator's changes: name, email (no confirmation mail), SMS number ("" removes)."""
    with db.transaction(write=True) as tx:
        user = _existing(tx, id_or_email)
        changes: dict = {}
        if name is not None:
            changes["name"] = name or None
        if email is not None:
            check_new_email(tx, email.strip(), user.id)
            changes["email"] = email.strip()
        if sms_number is not None:
            if sms_number and not SMS_NUMBER.fullmatch(sms_number):
                raise InvalidParams("SMS number must be in international form, e.g. +15551234567.")
            changes["sms_number"] = sms_number or None
        if changes:
            try:
                users.update(tx, user.id, **changes)
            except EmailTaken:
                raise InvalidParams(TAKEN) from None
        return describe(users.get(tx, user.id))


def set_state(
    db: Database,
    id_or_email: str,
    *,
    suspended: bool | None = None,
    password_expired: bool | None = None,
    delinquent: bool | None = None,
) -> dict:
    """Suspend, expire the password of, or mark delinquent the account (None: keep).

    A suspension is reversible: the account's logins and tokens stay, but
    every use of them is refused (``Suspended``) until it is lifted.
    """
    with db.transaction(write=True) as tx:
        user = _existing(tx, id_or_email)
        changes = {
            "suspended_at": _since(suspended, user.suspended_at, tx.now),
            "delinquent_at": _since(delinquent, user.delinquent_at, tx.now),
            "password_expired": (
                user.password_expired if password_expired is None else password_expired
            ),
        }
        users.update(tx, user.id, **changes)
        return describe(users.get(tx, user.id))


def _since(wanted: bool | None, current: float | None, now: float) -> float | None:
    """The new ``*_at`` of a state: kept when *wanted* is None, else set (keeping the
    original moment) or cleared."""
    if wanted is None:
        return current
    return (current or now) if wanted else None


def reset_two_factor(db: Database, settings, id_or_email: str) -> dict:
    """Turn two-factor off (the person lost every factor); their logins end.

    The account is told, as when its owner turns it off: an operator may
    have been fooled by someone claiming to be them.
    """
    services = Services.build(settings, db, DEFAULT_HASHER, Outbox.from_settings(settings))
    with db.transaction(write=True) as tx:
        user = _existing(tx, id_or_email)
        twofactor.disable_totp(tx, user.id)
        sessions.end_all(tx, user.id)
        if user.totp_secret is not None:
            notices.two_factor_disabled(Work.for_service(tx, services), user)
        return describe(users.get(tx, user.id))


def delete_user(db: Database, id_or_email: str) -> dict:
    """Delete the account with everything it owns (sessions, authorizations, tokens, codes)."""
    with db.transaction(write=True) as tx:
        user = _existing(tx, id_or_email)
        users.delete(tx, user.id)
    return describe(user)


# -- the owner's own account (the API) ------------------------------------------


def own_account(tx: Transaction, auth: TokenAuth, id: str) -> User:
    """The caller's account, when *id* (``~``, an id or an email) names it.

    Anyone else's account is NotFound, whether it exists or not: that is what
    Heroku answers (heroku/platform-api#121: "/users/{id} returns 404 for every
    user but my own"), and unlike Forbidden it does not tell which emails have an
    account.
    """
    if id != "~":
        found = users.find(tx, id)
        if found is None or found.id != auth.user.id:
            raise NotFound("user")
    return auth.user


def prepare_change(work: Work, user: User, password: str, new_password: str | None) -> None:
    """Verify the current password and hash the new one ahead of the write lock."""
    logins.prepare(work, user.email, password)
    right = work.passwords.verify(password, user.password_hash)
    if right and new_password is not None and not password_problem(new_password, user.email):
        work.passwords.hash(new_password)


def change(
    work: Work,
    auth: TokenAuth,
    *,
    name: str | None = None,
    name_given: bool = False,
    password: str | None = None,
    new_password: str | None = None,
    new_email: str | None = None,
) -> User:
    """The owner's PATCH: name; with the current *password*, a new password (which ends
    every other login) or the start of an email change (a link to the new address)."""
    tx, user = work.tx, auth.user
    if new_password is not None or new_email is not None:
        if not password:
            raise InvalidParams("password is required.")
        logins.authenticate_password(work, user.email, password, second_factor=False)
    if name_given:
        users.update(tx, user.id, name=name)
    if new_password is not None:
        check_password(new_password, user.email)
        users.update(
            tx, user.id, password_hash=work.passwords.hash(new_password), password_expired=False
        )
        # Every other login made with the old password ends; the caller's stays.
        sessions.end_all(
            tx, user.id, keep_session=auth.session_id, keep_authorization=auth.authorization_id
        )
        events.committed(tx, "password.changed", user_id=user.id)
        notices.password_changed(work, user)
        events.committed(tx, "session.ended", user_id=user.id, reason="password_changed")
    if new_email is not None:
        email_change.start(work, user, new_email.strip())
    return users.get(tx, user.id)


def confirm_email_change(work: Work, auth: TokenAuth, token: str) -> User:
    email_change.confirm(work, auth.user, token)
    return users.get(work.tx, auth.user.id)


def prepare_recovery_codes(work: Work, user: User, password: str) -> None:
    logins.prepare(work, user.email, password)


def regenerate_recovery_codes(work: Work, auth: TokenAuth, password: str | None) -> list[str]:
    """10 new codes (the old ones stop working), given the account password.

    New recovery codes are a second factor: a token alone, which any
    ``global`` third-party client holds, must not be enough to mint them.
    """
    if not password:
        raise Forbidden("The Heroku-Password header is required.")
    logins.authenticate_password(work, auth.user.email, password, second_factor=False)
    if auth.user.totp_secret is None:
        raise InvalidParams("Two-factor authentication is not enabled.")
    codes = twofactor.new_recovery_codes(work.tx, auth.user.id)
    notices.recovery_codes_regenerated(work, auth.user)
    return codes
