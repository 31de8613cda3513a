"""Logout: end the API session, clear every cookie, go somewhere safe."""

from __future__ import annotations

import logging

from webob import Response

from identity import errors, logs
from identity.views.render import redirect, safe_redirect
from identity.views.sso import entity_url

log = logging.getLogger(__name__)


def session_fields(session) -> dict:
    """Who a session was, for the audit log: ids, never its tokens."""
    user = session.get("user")
    return {
        "user_id": user.get("id") if isinstance(user, dict) else None,
        "session_id": session.get("session_id"),
    }


def logout(request) -> Response:
    """GET, POST or DELETE /logout[?url=...]."""
    session, settings = request.session, request.settings
    if session.get("sso_entity") and settings.sso_base_url:
        target = entity_url(settings, session["sso_entity"])
    else:
        url = request.GET.get("url") or request.POST.get("url")
        # A path here is safe too: the consent page's "Not you?" returns to its request.
        target = safe_redirect(url, settings.logout_redirect_hosts, allow_local=True) or "/login"
    end_login_session(request)
    return redirect(request, target)


def end_login_session(request) -> None:
    """End the API session and clear the cookies: every way of logging out does this."""
    session = request.session
    if session.logged_in:
        try:
            request.api.delete_session(session["access_token"], session["session_id"])
        except errors.UpstreamError as exc:
            # Fail closed for the person: they asked to be logged out, so
            # their cookies go even when the API can't be told.  The API
            # session then ends when its tokens expire.
            log.warning("could not end the API session at logout: %r", exc)
    if session.logged_in:
        logs.audit("session.ended", reason="logout", **session_fields(session))
    session.clear()  # IdentityApp.finish deletes the sibling sites' cookies too
