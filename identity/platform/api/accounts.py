"""The account: ``GET``/``PATCH /account`` and ``/users/{~ | id | email}`` (the caller's
own only), ``POST /account/recovery-codes`` (heroku-api.md §3.5).

Email change is two steps: ``PATCH /account {email, password}`` mails a
confirmation link to the new address; ``PATCH /users/~
{email_change_token}`` (Identity's #10, after the link is opened) switches
the address.
"""

from __future__ import annotations

from identity.platform.api.http import Context, iso, json_response
from identity.platform.api.params import text
from identity.platform.domain import accounts, twofactor
from identity.platform.store.users import User


def render(user: User) -> dict:
    """The account object (heroku-api.md §3.5)."""
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "allow_tracking": False,
        "beta": False,
        "verified": True,
        "federated": False,
        "identity_provider": None,
        "country_of_residence": None,
        "default_organization": None,
        "default_team": None,
        "created_at": iso(user.created_at),
        "updated_at": iso(user.updated_at),
        "last_login": iso(user.last_login),
        "suspended_at": iso(user.suspended_at),
        "delinquent_at": iso(user.delinquent_at),
        "two_factor_authentication": user.totp_secret is not None,
        "sms_number": twofactor.mask_sms_number(user.sms_number),
    }


def info(ctx: Context, id: str = "~"):
    """GET /account, GET /users/{~ | id | email}."""
    auth = ctx.token_auth()
    user = accounts.own_account(ctx.tx, auth, id)
    auth.require_scope("identity")
    return json_response(200, render(user))


def _credential_change(ctx: Context) -> tuple[str | None, str | None] | None:
    """For a PATCH that changes the email or password: (current password, new password);
    None for other PATCHes."""
    body = ctx.body
    if "email_change_token" in body:
        return None
    new_email, new_password = text(body, "email"), text(body, "new_password")
    if new_email is None and new_password is None:
        return None
    return text(body, "password", required=True), new_password


def prepare_update(ctx: Context, id: str = "~") -> None:
    """Verify the current password and hash the new one ahead of the write lock."""
    auth = ctx.token_auth()
    user = accounts.own_account(ctx.tx, auth, id)
    change = _credential_change(ctx)
    if change is not None:
        accounts.prepare_change(ctx.work, user, *change)


def update(ctx: Context, id: str = "~"):
    """PATCH /account, PATCH /users/{~ | id | email}: name, email change (start or
    confirm), password."""
    auth = ctx.token_auth()
    accounts.own_account(ctx.tx, auth, id)
    auth.require_scope()
    body = ctx.body
    if "email_change_token" in body:
        token = text(body, "email_change_token", required=True)
        return json_response(200, render(accounts.confirm_email_change(ctx.work, auth, token)))
    change = _credential_change(ctx)
    password, new_password = change if change is not None else (None, None)
    user = accounts.change(
        ctx.work,
        auth,
        name=text(body, "name"),
        name_given="name" in body,
        password=password,
        new_password=new_password,
        new_email=text(body, "email"),
    )
    return json_response(200, render(user))


def prepare_recovery_codes(ctx: Context) -> None:
    """Verify the Heroku-Password ahead of the write lock."""
    password = ctx.request.headers.get("Heroku-Password", "")
    if password:
        accounts.prepare_recovery_codes(ctx.work, ctx.token_auth().user, password)


def regenerate_recovery_codes(ctx: Context):
    """POST /account/recovery-codes: 10 new codes; the old ones stop working.

    The account password comes in ``Heroku-Password``, as Heroku's CLI sends it.
    """
    auth = ctx.token_auth()
    auth.require_scope()
    password = ctx.request.headers.get("Heroku-Password", "")
    return json_response(201, accounts.regenerate_recovery_codes(ctx.work, auth, password))
