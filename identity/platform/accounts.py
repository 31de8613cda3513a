"""Accounts: creation and invitation (CLI), state changes, and the account resource.

Service functions for the CLI and Identity's ``serve`` open their own
transaction on a ``Database``; views run inside the request's.  Emails are
unique regardless of case.  A user without a password cannot log in until a
password reset or an invitation gives them one.

Email change is two steps: ``PATCH /account {email, password}`` mails a
confirmation link to the new address; ``PATCH /users/~
{email_change_token}`` (Identity's #10, after the link is opened) switches
the address.
"""

from __future__ import annotations

import re

from identity.platform import invitations, logins, sessions, twofactor
from identity.platform.auth import PasswordCredentials, TokenAuth
from identity.platform.db import Database, Transaction
from identity.platform.errors import PlatformError, forbidden, invalid_params, not_found
from identity.platform.http import Context, iso, json_response
from identity.platform.outbox import Outbox
from identity.platform.params import text
from identity.platform.passwords import DEFAULT_HASHER, PasswordHasher, password_problem
from identity.platform.tokens import digest, new_id, new_secret

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
MAX_EMAIL_LENGTH = 254
#: E.164: "+", country code, up to 15 digits.
SMS_NUMBER = re.compile(r"\+[1-9]\d{6,14}")


def check_new_email(tx: Transaction, email: str, user_id: str | None = None) -> None:
    """422 unless *email* looks like an address that no other account has."""
    if len(email) > MAX_EMAIL_LENGTH or not EMAIL.fullmatch(email):
        raise invalid_params("Email is not a valid email address.")
    taken = tx.one("SELECT id FROM users WHERE email = ?", (email,))
    if taken is not None and taken["id"] != user_id:
        raise invalid_params("Email is already taken.")


def check_password(password: str, email: str) -> None:
    problem = password_problem(password, email)
    if problem:
        raise invalid_params(problem)


def insert_user(tx: Transaction, email: str, name: str | None, password_hash: str | None) -> str:
    check_new_email(tx, email)
    user_id = new_id()
    tx.execute(
        """INSERT INTO users (id, email, name, password_hash, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?)""",
        (user_id, email, name, password_hash, tx.now, tx.now),
    )
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
        raise invalid_params("SMS number must be in international form, e.g. +15551234567.")
    password_hash = hasher.hash(password) if password is not None else None
    with db.transaction(write=True) as tx:
        user_id = insert_user(tx, email, name, password_hash)
        created: dict = {"id": user_id, "email": email}
        if sms_number:
            tx.execute("UPDATE users SET sms_number = ? WHERE id = ?", (sms_number, user_id))
        if two_factor:
            fernet = twofactor.cipher(settings.platform_encryption_key)
            created["totp_secret"] = twofactor.enable_totp(tx, user_id, fernet)
            created["recovery_codes"] = twofactor.new_recovery_codes(tx, user_id)
    return created


def invite_user(db: Database, settings, email: str, *, name: str | None = None) -> dict:
    """Create a password-less account and mail it an invitation link (after the commit)."""
    email = email.strip()
    try:
        with db.transaction(write=True) as tx:
            user_id = insert_user(tx, email, name, None)
            url = invitations.invite(tx, settings, Outbox.from_settings(settings), user_id, email)
    except PlatformError as error:
        if error.status < 500:
            raise
        # Only the mail failed: the account is committed, so inviting again
        # would say "Email is already taken".  A password reset gives access.
        raise PlatformError(
            error.status,
            error.id,
            f"The account was created but the invitation could not be sent; the person can "
            f"choose a password at {settings.public_url}/account/password/reset.",
        ) from None
    return {"id": user_id, "email": email, "invitation_url": url}


def set_state(
    db: Database,
    email: str,
    *,
    suspended: bool | None = None,
    password_expired: bool | None = None,
    delinquent: bool | None = None,
) -> None:
    """Suspend, expire the password of, or mark delinquent the account *email* (None: keep)."""
    with db.transaction(write=True) as tx:
        user = tx.one("SELECT * FROM users WHERE email = ?", (email,))
        if user is None:
            raise not_found("account")
        suspended_at = _since(suspended, user["suspended_at"], tx.now)
        delinquent_at = _since(delinquent, user["delinquent_at"], tx.now)
        expired = user["password_expired"] if password_expired is None else password_expired
        tx.execute(
            """UPDATE users SET suspended_at = ?, delinquent_at = ?, password_expired = ?,
                   updated_at = ? WHERE id = ?""",
            (suspended_at, delinquent_at, expired, tx.now, user["id"]),
        )


def _since(wanted: bool | None, current: float | None, now: float) -> float | None:
    """The new ``*_at`` of a state: kept when *wanted* is None, else set (keeping the
    original moment) or cleared."""
    if wanted is None:
        return current
    return (current or now) if wanted else None


def render(user) -> dict:
    """The account object (heroku-api.md §3.5)."""
    return {
        "id": user["id"],
        "email": user["email"],
        "name": user["name"],
        "allow_tracking": False,
        "beta": False,
        "verified": True,
        "federated": False,
        "identity_provider": None,
        "country_of_residence": None,
        "default_organization": None,
        "default_team": None,
        "created_at": iso(user["created_at"]),
        "updated_at": iso(user["updated_at"]),
        "last_login": iso(user["last_login"]),
        "suspended_at": iso(user["suspended_at"]),
        "delinquent_at": iso(user["delinquent_at"]),
        "two_factor_authentication": user["totp_secret"] is not None,
        "sms_number": twofactor.mask_sms_number(user["sms_number"]),
    }


def _current(ctx: Context, user_id: str):
    return ctx.tx.one("SELECT * FROM users WHERE id = ?", (user_id,))


def _own_account(ctx: Context, id: str) -> TokenAuth:
    """The caller's token, when *id* (``~``, an id or an email) names the caller's account.

    Anyone else's account is 404, whether it exists or not: that is what
    Heroku answers (heroku/platform-api#121: "/users/{id} returns 404 for every
    user but my own"), and unlike 403 it does not tell which emails have an
    account.
    """
    auth = ctx.token_auth()
    if id != "~":
        found = ctx.tx.value("SELECT id FROM users WHERE id = ? OR email = ?", (id, id))
        if found != auth.user["id"]:
            raise not_found("user")
    return auth


def info(ctx: Context, id: str = "~"):
    """GET /account, GET /users/{~ | id | email} (the caller's own account only)."""
    auth = _own_account(ctx, id)
    auth.require_scope("identity")
    return json_response(200, render(auth.user))


def _credential_change(ctx: Context, user) -> tuple[PasswordCredentials, str | None] | None:
    """For a PATCH that changes the email or password: the current password (required)
    as credentials, and the new password if any.  None for other PATCHes."""
    body = ctx.body
    if "email_change_token" in body:
        return None
    new_email, new_password = text(body, "email"), text(body, "new_password")
    if new_email is None and new_password is None:
        return None
    password = text(body, "password", required=True)
    return PasswordCredentials(user["email"], password), new_password


def prepare_update(ctx: Context, id: str = "~") -> None:
    """Verify the current password and hash the new one ahead of the write lock (routes.py)."""
    auth = _own_account(ctx, id)
    change = _credential_change(ctx, auth.user)
    if change is None:
        return
    credentials, new_password = change
    logins.prepare(ctx, credentials)
    right = ctx.passwords.verify(credentials.password, auth.user["password_hash"])
    if (
        right
        and new_password is not None
        and not password_problem(new_password, auth.user["email"])
    ):
        ctx.passwords.hash(new_password)


def update(ctx: Context, id: str = "~"):
    """PATCH /account, PATCH /users/{~ | id | email}: name, email change (start or confirm),
    password."""
    auth = _own_account(ctx, id)
    auth.require_scope()
    body, user = ctx.body, auth.user
    if "email_change_token" in body:
        token = text(body, "email_change_token", required=True)
        confirm_email_change(ctx, user, token)
        return json_response(200, render(_current(ctx, user["id"])))
    change = _credential_change(ctx, user)
    new_password = None
    if change is not None:
        credentials, new_password = change
        logins.authenticate_password(ctx, credentials, second_factor=False)
    if "name" in body:
        ctx.tx.execute(
            "UPDATE users SET name = ?, updated_at = ? WHERE id = ?",
            (text(body, "name"), ctx.tx.now, user["id"]),
        )
    if new_password is not None:
        check_password(new_password, user["email"])
        ctx.tx.execute(
            "UPDATE users SET password_hash = ?, password_expired = 0, updated_at = ? WHERE id = ?",
            (ctx.passwords.hash(new_password), ctx.tx.now, user["id"]),
        )
        # Every other login made with the old password ends; the caller's stays.
        sessions.revoke_all(
            ctx.tx,
            user["id"],
            keep_session=auth.session_id,
            keep_authorization=auth.authorization_id,
        )
    new_email = text(body, "email")
    if new_email is not None:
        start_email_change(ctx, user, new_email.strip())
    return json_response(200, render(_current(ctx, user["id"])))


def start_email_change(ctx: Context, user, new_email: str) -> None:
    tx, settings = ctx.tx, ctx.settings
    check_new_email(tx, new_email, user["id"])
    token = new_secret()
    tx.execute(
        """INSERT INTO email_changes (id, user_id, new_email, token_hash, created_at, expires_at)
           VALUES (?, ?, ?, ?, ?, ?)""",
        (
            new_id(),
            user["id"],
            new_email,
            digest(token),
            tx.now,
            tx.now + settings.email_change_expires_in,
        ),
    )
    link = f"{settings.public_url}/account/email/confirm/{token}"
    ctx.platform.outbox.send_mail(
        tx,
        "email-change",
        new_email,
        "Confirm your new email address",
        f"Someone asked to change the email address of your account to {new_email}.\n\n"
        f"To confirm, open this link:\n\n{link}\n\n"
        "If you did not ask for this, ignore this message.\n",
    )


def confirm_email_change(ctx: Context, user, token: str) -> None:
    tx = ctx.tx
    change = tx.one(
        "SELECT * FROM email_changes WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
        (digest(token), tx.now),
    )
    if change is None:
        raise not_found("email change")
    if change["user_id"] != user["id"]:
        raise forbidden("This link can't be used with your current login.")
    check_new_email(tx, change["new_email"], user["id"])
    spent = tx.execute(
        "UPDATE email_changes SET used_at = ? WHERE id = ? AND used_at IS NULL AND expires_at > ?",
        (tx.now, change["id"], tx.now),
    ).rowcount
    if not spent:
        raise not_found("email change")
    tx.execute(
        "UPDATE users SET email = ?, updated_at = ? WHERE id = ?",
        (change["new_email"], tx.now, user["id"]),
    )


def _recovery_code_credentials(ctx: Context, user) -> PasswordCredentials:
    """The account password from ``Heroku-Password`` (as Heroku's CLI sends it).

    New recovery codes are a second factor: a token alone, which any
    ``global`` third-party client holds, must not be enough to mint them.
    """
    password = ctx.request.headers.get("Heroku-Password", "")
    if not password:
        raise forbidden("The Heroku-Password header is required.")
    return PasswordCredentials(user["email"], password)


def prepare_recovery_codes(ctx: Context) -> None:
    """Verify the Heroku-Password ahead of the write lock (routes.py)."""
    auth = ctx.token_auth()
    logins.prepare(ctx, _recovery_code_credentials(ctx, auth.user))


def regenerate_recovery_codes(ctx: Context):
    """POST /account/recovery-codes: 10 new codes; the old ones stop working."""
    auth = ctx.token_auth()
    auth.require_scope()
    logins.authenticate_password(
        ctx, _recovery_code_credentials(ctx, auth.user), second_factor=False
    )
    if auth.user["totp_secret"] is None:
        raise invalid_params("Two-factor authentication is not enabled.")
    return json_response(201, twofactor.new_recovery_codes(ctx.tx, auth.user["id"]))
