"""Password reset: ask for a link (#11), then set a new password with it (#12).

Asking answers the same for every email, known or not, so the page can't be
used to learn who has an account.  Requests are limited per email by the
API (the embedded one counts per email and client IP, and per client IP, in
its store, so the limits hold across processes).
"""

from __future__ import annotations

from webob import Response

from identity import errors, logs
from identity.views.new_password import new_password_problem
from identity.views.render import error_page, redirect, render
from identity.views.urls import local_path

SENT = (
    "Check your inbox for the next steps. If you don't receive an email, and it's not in "
    "your spam folder, this could mean you signed up with a different address."
)
CHANGED = "Your password has been changed."
TOO_MANY = "Too many reset requests; please wait a while and try again."
NOT_FOUND = (
    "This password reset link is unknown, was used already or has expired. "
    "You can ask for a new one."
)
MAX_EMAIL = 254


def request_form(request) -> Response:
    """GET /account/password/reset."""
    return render(request, "password_reset_request.mako", notice=None)


def request_link(request) -> Response:
    """POST /account/password/reset: mail a link, answering alike for every email."""
    email = request.POST.get("email", "").strip()
    if not email or len(email) > MAX_EMAIL:
        return redirect(
            request, "/account/password/reset", flash="Please enter your email address."
        )
    try:
        request.api.create_password_reset(email)
    except errors.RateLimited as exc:
        logs.audit("password_reset.throttled", by="api")
        response = error_page(request, 429, "Rate limited", TOO_MANY)
        if exc.retry_after is not None:
            response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except errors.NotFound:
        # An API that says "no such account" must not say it to the browser.
        pass
    except (errors.BadRequest, errors.InvalidParams, errors.Forbidden) as exc:
        return redirect(
            request,
            "/account/password/reset",
            flash=exc.message or "That email address can't be used.",
        )
    # Without the email: whether it has an account is the API's to know.
    logs.audit("password_reset.requested")
    return render(request, "password_reset_request.mako", notice=SENT)


def reset_form(request) -> Response:
    """GET /account/password/reset/{token}: the new-password form, or, for a link
    that is unknown, expired or used, a page saying so before anything is typed.

    An API that cannot answer the check (or lacks it) gets the form: the
    token is checked again when the form is sent.
    """
    try:
        request.api.check_password_reset(request.matchdict["token"])
    except errors.NotFound:
        return render(request, "password_reset_invalid.mako", status=404, message=NOT_FOUND)
    except errors.UpstreamError:
        pass
    return render(request, "password_reset.mako", action=_reset_path(request))


def reset(request) -> Response:
    """POST /account/password/reset/{token}."""
    password = request.POST.get("password", "")
    confirmation = request.POST.get("password_confirmation", "")
    problem = new_password_problem(password, confirmation)
    if problem:
        return redirect(request, _reset_path(request), flash=problem)
    try:
        request.api.finalize_password_reset(request.matchdict["token"], password, confirmation)
    except errors.NotFound:
        return error_page(request, 404, "Reset link not found", NOT_FOUND)
    except (errors.BadRequest, errors.InvalidParams, errors.Forbidden) as exc:
        # The token was not spent: the form works again.
        return redirect(
            request, _reset_path(request), flash=exc.message or "That password can't be used."
        )
    logs.audit("password_reset.completed")
    # The API ended every session of the account; a browser still logged in
    # as it finds out on its next call (401) and is sent to log in.
    return redirect(request, "/login", flash=CHANGED)


def _reset_path(request) -> str:
    return local_path("/account/password/reset", request.matchdict["token"])
