"""``/account/two-factor``: the owner turns two-factor on (two steps) and off.

Not Heroku's (its dashboard does this behind its own doors): the embedded
API's extension for Identity's account pages (docs/architecture.md).
"""

from __future__ import annotations

from identity.platform.api.http import Context, json_response
from identity.platform.api.params import text
from identity.platform.domain import enrolment, logins


def enroll(ctx: Context):
    """POST /account/two-factor/actions/enroll: a fresh secret, sealed for the confirm step."""
    return json_response(201, enrolment.start(ctx.work, ctx.token_auth()))


def confirm(ctx: Context):
    """POST /account/two-factor/actions/confirm ``{enrollment, code}``: on, and the
    recovery codes (shown once)."""
    auth = ctx.token_auth()
    body = ctx.body
    codes = enrolment.confirm(
        ctx.work,
        auth,
        text(body, "enrollment", required=True),
        text(body, "code", required=True),
    )
    return json_response(200, {"two_factor_authentication": True, "recovery_codes": codes})


def prepare_disable(ctx: Context) -> None:
    """Verify the Heroku-Password ahead of the write lock."""
    password = ctx.header("Heroku-Password")
    if password:
        logins.prepare(ctx.work, ctx.token_auth().user.email, password)


def disable(ctx: Context):
    """DELETE /account/two-factor with ``Heroku-Password`` and ``Heroku-Two-Factor-Code``."""
    auth = ctx.token_auth()
    password = ctx.request.headers.get("Heroku-Password", "")
    enrolment.disable(ctx.work, auth, password, ctx.header("Heroku-Two-Factor-Code"))
    return json_response(200, {"two_factor_authentication": False})
