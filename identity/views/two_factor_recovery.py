"""Two-factor recovery: a recovery code, or a code sent by SMS (#14, #15).

Both steps work on the email and password waiting in the encrypted session
for the second factor (``Session.pending_two_factor``, 5 minutes); the code
typed here is posted to ``/login`` like an authenticator code.
"""

from __future__ import annotations

from webob import Response

from identity import errors, logs
from identity.views.login import TWO_FACTOR_EXPIRED
from identity.views.render import redirect, render

SMS_SENT = "We sent a recovery code by SMS. It is valid for a few minutes."
SMS_RATE_LIMITED = "Too many codes were sent; please wait before asking for another."


def recovery(request) -> Response:
    """GET /account/two-factor/recovery: the recovery-code form."""
    return _code_form(request, "two_factor_recovery.mako")


def sms_form(request) -> Response:
    """GET /account/two-factor/recovery/sms: send (or resend) a code, and enter it."""
    return _code_form(request, "two_factor_sms.mako")


def _code_form(request, template: str) -> Response:
    """*template*, offering SMS when the account has a number (#14)."""
    pending = _pending(request)
    if pending is None:
        return _start_over(request)
    return render(request, template, sms_number=request.api.get_sms_number(*pending))


def send_sms(request) -> Response:
    """POST /account/two-factor/recovery/sms: have the API text a code."""
    pending = _pending(request)
    if pending is None:
        return _start_over(request)
    try:
        request.api.send_sms_recovery_code(*pending)
    except errors.RateLimited:
        logs.audit("two_factor.throttled", what="sms")
        return redirect(request, "/login/two-factor", flash=SMS_RATE_LIMITED)
    except (errors.InvalidParams, errors.Forbidden, errors.BadRequest, errors.NotFound) as exc:
        return redirect(request, "/login/two-factor", flash=exc.message or "No code could be sent.")
    logs.audit("two_factor.sms_sent")
    return redirect(request, "/account/two-factor/recovery/sms", flash=SMS_SENT)


def _pending(request) -> tuple[str, str] | None:
    return request.session.pending_two_factor(request.now)


def _start_over(request) -> Response:
    """The typed credentials are gone or stale: they are dropped and login starts again."""
    request.session.pop("two_factor")
    return redirect(request, "/login", flash=TWO_FACTOR_EXPIRED)
