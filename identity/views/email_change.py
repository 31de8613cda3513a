"""Email change: ask for it (a link goes to the new address), then confirm it (#10).

Both need the person logged in; the URL is remembered and login comes back
to it.  A 401 from the API means Identity's own token expired or was
revoked: it is refreshed once (#6) and the call retried, then the person is
logged out.
"""

from __future__ import annotations

from webob import Response

from identity import errors
from identity.views import identity_token
from identity.views.login import login_first
from identity.views.render import error_page, redirect, render

WRONG_LOGIN = "This link can't be used with your current login."
CONFIRMED = "Your email address has been changed."
NOT_FOUND = (
    "We couldn't find that e-mail change request. The link may have expired or been "
    "used already; you can ask for a new one."
)
WRONG_PASSWORD = "That password is not correct."
MAX_EMAIL = 254


def confirm(request) -> Response:
    """GET /account/email/confirm/{token}."""
    if not request.session.logged_in:
        return _login_first(request)
    token = request.matchdict["token"]
    try:
        new_email = identity_token.call(
            request, lambda access: request.api.confirm_email_change(access, token)
        )
    except errors.Unauthorized:
        return _login_first(request)
    except errors.Forbidden:
        # Another account's link: logging in as that account comes back here.
        request.session.flash(WRONG_LOGIN)
        request.session["redirect_url"] = request.path_qs
        return redirect(request, "/login")
    except (errors.NotFound, errors.InvalidParams):
        return error_page(request, 404, "Email change not found", NOT_FOUND)
    response = redirect(request, request.settings.dashboard_url or "/", flash=CONFIRMED)
    if new_email:
        _remember_email(request, response, new_email)
    return response


def _remember_email(request, response, email: str) -> None:
    """Show the new address at once, here and on the sibling sites' cookie."""
    session = request.session
    session["user"] = {**session["user"], "email": email}
    request.registry.root_cookies.set(response, session["user"], session["session_id"])


def change_form(request) -> Response:
    """GET /account/email: new address and current password."""
    if not request.session.logged_in:
        return _login_first(request)
    return render(request, "email_change.mako", email=request.session["user"]["email"])


def change(request) -> Response:
    """POST /account/email: the API mails a confirmation link to the new address."""
    session = request.session
    if not session.logged_in:
        return _login_first(request)
    email = request.POST.get("email", "").strip()
    password = request.POST.get("password", "")
    if not email or len(email) > MAX_EMAIL or not password:
        return redirect(
            request,
            "/account/email",
            flash="Please enter the new address and your current password.",
        )
    try:
        identity_token.call(
            request, lambda access: request.api.start_email_change(access, email, password)
        )
    except errors.Unauthorized:
        # The same status says "wrong password" and "token no longer good":
        # the account call, which needs no password, tells them apart.
        if not identity_token.works(request):
            return _login_first(request)
        return redirect(request, "/account/email", flash=WRONG_PASSWORD)
    except (errors.InvalidParams, errors.Forbidden, errors.BadRequest) as exc:
        return redirect(
            request, "/account/email", flash=exc.message or "That address can't be used."
        )
    return redirect(
        request, "/", flash=f"We sent a confirmation link to {email}. Open it to finish the change."
    )


def _login_first(request) -> Response:
    """Log in (again), then come back to this page."""
    return login_first(request, request.path_qs if request.method == "GET" else "/account/email")
