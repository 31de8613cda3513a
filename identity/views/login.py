"""Login: the form, the password and second-factor steps, the landing page."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from webob import Response

from identity import errors, logs
from identity.views.logout import session_fields
from identity.views.render import redirect, render, safe_redirect

LOGIN_FAILED = "There was a problem with your login."
RATE_LIMITED = "Account reached login rate limit, please wait a few minutes before trying again."
TWO_FACTOR_EXPIRED = "Please log in again."
# A TOTP (6 digits), SMS (8 digits) or recovery code (16 hex); only these reach a header.
_CODE = re.compile(r"[A-Za-z0-9-]{1,64}")


def form(request) -> Response:
    """GET /login: the form, naming the client a pending authorization is for."""
    pending = dict(request.session.get("authorize_params") or [])
    return render(
        request,
        "login.mako",
        client=_pending_client(request),
        # OIDC Core §3.1.2.1: the relying party's hint of who is logging in.
        login_hint=pending.get("login_hint", ""),
        signup_url=request.settings.signup_url,
        sso_url=request.settings.sso_base_url,
    )


def _pending_client(request):
    """The client of the authorization waiting for this login (#5), if any.

    Fails open on purpose: the name is only a courtesy on the login page,
    and the authorization request is validated in full after login.
    """
    pending = dict(request.session.get("authorize_params") or [])
    client_id = pending.get("client_id")
    if not client_id:
        return None
    try:
        return request.api.get_client(client_id)
    except errors.UpstreamError:
        return None


def two_factor(request) -> Response:
    """GET /login/two-factor: the code form, while the typed credentials are fresh."""
    pending = request.session.pending_two_factor(request.now)
    if pending is None:
        request.session.pop("two_factor")
        return redirect(request, "/login")
    return render(request, "two_factor.mako", sms_number=request.api.get_sms_number(*pending))


def submit(request) -> Response:
    """POST /login: the login dance (#1) with a password, then maybe a second factor."""
    session = request.session
    code = "".join(request.POST.get("code", "").split())
    if code:
        pending = session.pending_two_factor(request.now)
        if pending is None:
            return redirect(request, "/login", flash=TWO_FACTOR_EXPIRED)
        email, password = pending
        if not _CODE.fullmatch(code):
            return redirect(request, "/login/two-factor", flash=LOGIN_FAILED)
    else:
        email, password = request.POST.get("email", "").strip(), request.POST.get("password", "")
        if not email or not password:
            return redirect(request, "/login", flash=LOGIN_FAILED)
    end_api_session(request)
    # Which step failed, for the audit log: the password, or the second factor.
    step = "two_factor" if code else "login"
    try:
        login = request.api.create_session_authorization(
            email, password, code or None, request.user_agent
        )
    except errors.TwoFactorRequired:
        logs.audit("two_factor.required")
        session.remember_two_factor(email, password, request.now)
        return redirect(request, "/login/two-factor")
    except errors.Unauthorized:
        logs.audit(f"{step}.failed", reason="bad_credentials")
        # One message whatever was wrong: no hint whether the email exists.
        return redirect(request, "/login/two-factor" if code else "/login", flash=LOGIN_FAILED)
    except errors.RateLimited:
        logs.audit(f"{step}.throttled")
        return redirect(request, "/login", flash=RATE_LIMITED)
    except errors.BadRequest:
        return redirect(request, "/login", flash="Unknown OAuth client.")
    except errors.NotFound:
        session.pop("authorize_params")
        return redirect(request, "/login")
    except (errors.Suspended, errors.PasswordExpired) as exc:
        logs.audit(f"{step}.failed", reason=exc.id)
        raise  # their pages are upstream_error_response's
    except (errors.Forbidden, errors.InvalidParams) as exc:
        logs.audit(f"{step}.failed", reason=exc.id or "refused")
        return redirect(request, "/login", flash=exc.message or LOGIN_FAILED)
    if code:
        logs.audit("two_factor.succeeded", user_id=login.user.id)
    # RFC 8176: a password, and with a code a one-time password: two factors.
    return finish_login(request, login, amr=("pwd", "otp", "mfa") if code else ("pwd",))


def end_api_session(request) -> None:
    """Log the old session out at the API before making a new one (#8)."""
    session = request.session
    if session.logged_in:
        request.api.delete_session(session["access_token"], session["session_id"])
        logs.audit("session.ended", reason="replaced", **session_fields(session))
        session.log_out()


def login_first(request, back: str) -> Response:
    """Log out what is left of the session, remember *back* (a path here) and go to login.

    Shared by the pages that act with Identity's token when there is none that
    works.  The sibling sites' cookies go too when someone was logged in
    (``IdentityApp.finish``).
    """
    session = request.session
    session.log_out()
    session["redirect_url"] = back
    return redirect(request, "/login")


def finish_login(
    request, login, fallback: str | None = None, amr: tuple[str, ...] = ()
) -> Response:
    """Write the session for *login* (an ``IdentityLogin``, authenticated by *amr*) and go on.

    Shared by the login form, invitations and external login: a pending
    authorization first, then a stored redirect, *fallback*, the dashboard.
    """
    target = _after_login(request, fallback)
    request.session.log_in(login, request.now, amr)
    logs.audit("login.succeeded", user_id=login.user.id, session_id=login.session_id)
    response = redirect(request, target)
    request.registry.root_cookies.set(response, request.session["user"], login.session_id)
    return response


def _after_login(request, fallback: str | None = None) -> str:
    """A pending authorization, else the stored redirect, else *fallback* or the dashboard."""
    session = request.session
    pending = session.get("authorize_params")
    if pending:
        return "/oauth/authorize?" + urlencode([tuple(pair) for pair in pending])
    stored = safe_redirect(
        session.get("redirect_url"), request.settings.logout_redirect_hosts, allow_local=True
    )
    return stored or fallback or request.settings.dashboard_url or "/"
