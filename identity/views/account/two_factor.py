"""``/account/two-factor``: turn two-factor on (scan, type a code), get new recovery codes,
turn it off (password and a current code).

The enrolment in progress (the API's sealed secret) waits in the encrypted
session, so a wrong code can be typed again against the same secret.
Recovery codes are shown once, on the answer to the POST, never stored here.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode, urlsplit

import segno
from webob import Response

from identity import errors, logs
from identity.views import identity_token
from identity.views.account import api_call, page
from identity.views.render import redirect, render

PATH = "/account/two-factor"
PENDING = "two_factor_enrolment"
WRONG_CODE = "That code is not correct. Type the code your app shows now."
WRONG_PASSWORD = "Your password is not correct."


def show(request) -> Response:
    return page(request, lambda: _show(request, []), PATH)


def _show(request, problems: list[str], status: int = 200) -> Response:
    account = api_call(request, request.api.get_account)
    if account.get("two_factor_authentication"):
        request.session.pop(PENDING)
        return render(request, "account/two_factor_on.mako", status=status, problems=problems)
    pending = _pending(request)
    uri = otpauth_uri(request, pending["secret"])
    return render(
        request,
        "account/two_factor_enrol.mako",
        status=status,
        problems=problems,
        secret=pending["secret"],
        uri=uri,
        qr_svg=segno.make(uri, error="m").svg_inline(scale=4, title="QR code for your app"),
    )


def _pending(request) -> dict:
    """The enrolment in progress, or a fresh one (a new secret) when there is none left."""
    pending = request.session.get(PENDING)
    if not pending or pending.get("expires_at", 0) <= request.now:
        started = api_call(request, request.api.enroll_two_factor)
        lifetime = started["expires_in"] if isinstance(started["expires_in"], int) else 600
        pending = {
            "secret": started["secret"],
            "enrollment": started["enrollment"],
            "expires_at": int(request.now) + lifetime - 30,
        }
        request.session[PENDING] = pending
    return pending


def otpauth_uri(request, secret: str) -> str:
    """The ``otpauth://`` URI authenticator apps scan: this site's host and the email."""
    issuer = urlsplit(request.settings.public_url).hostname or "Identity"
    label = quote(f"{issuer}:{request.session['user']['email']}")
    query = urlencode({"secret": secret, "issuer": issuer, "digits": 6, "period": 30})
    return f"otpauth://totp/{label}?{query}"


def act(request) -> Response:
    """POST /account/two-factor: ``action`` is ``confirm``, ``regenerate`` or ``disable``."""
    return page(request, lambda: _act(request), PATH)


def _act(request) -> Response:
    action = request.POST.get("action")
    code = "".join(request.POST.get("code", "").split())
    password = request.POST.get("password", "")
    try:
        if action == "confirm":
            return _confirm(request, code)
        if action == "regenerate" and password:
            codes = api_call(
                request, lambda token: request.api.regenerate_recovery_codes(token, password)
            )
            logs.audit("two_factor.recovery_codes_regenerated")
            return _codes(request, codes, "New recovery codes")
        if action == "disable" and password and code:
            api_call(request, lambda token: request.api.disable_two_factor(token, password, code))
            logs.audit("two_factor.disabled")
            return redirect(request, "/account", flash="Two-factor authentication is off.")
    except errors.Unauthorized as exc:
        if exc.id == "invalid_two_factor_code":
            return _show(request, [WRONG_CODE], 422)
        if not identity_token.works(request):
            raise
        return _show(request, [WRONG_PASSWORD], 422)
    except (errors.InvalidParams, errors.Forbidden) as exc:
        request.session.pop(PENDING)
        return _show(request, [exc.message or "That did not work; please try again."], 422)
    return _show(request, ["Please fill in every field of the form."], 422)


def _confirm(request, code: str) -> Response:
    pending = request.session.get(PENDING)
    if not pending or not code:
        return _show(request, ["Please type the code your app shows."], 422)
    codes = api_call(
        request,
        lambda token: request.api.confirm_two_factor(token, pending["enrollment"], code),
    )
    request.session.pop(PENDING)
    logs.audit("two_factor.enabled")
    return _codes(request, codes, "Two-factor authentication is on")


def _codes(request, codes: list[str], heading: str) -> Response:
    response = render(request, "account/recovery_codes.mako", codes=codes, heading=heading)
    response.cache_control = "no-store"
    return response
