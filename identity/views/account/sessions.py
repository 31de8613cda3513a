"""``/account/sessions``: the person's logins; log out any other one, or every other one."""

from __future__ import annotations

import re

from webob import Response

from identity import logs
from identity.views.account import api_call, page
from identity.views.render import redirect, render

PATH = "/account/sessions"
#: The browser names a User-Agent carries, most specific first (Edge and Chrome both say Safari).
BROWSERS = ("Edg", "OPR", "Firefox", "Chromium", "Chrome", "Safari", "curl")
SYSTEMS = ("Android", "iPhone", "iPad", "Windows", "Mac OS X", "CrOS", "Linux")


def listing(request) -> Response:
    return page(request, lambda: _listing(request), PATH)


def _listing(request) -> Response:
    current = request.session["session_id"]
    logins = api_call(request, request.api.list_sessions)
    # This one first, then the others as the API ordered them (newest first).
    logins.sort(key=lambda s: s.id != current)
    return render(
        request,
        "account/sessions.mako",
        sessions=[(s, s.id == current, short_agent(s.user_agent)) for s in logins],
    )


def end(request) -> Response:
    """POST /account/sessions: ``session_id`` to log one other login out, or ``all_others``."""
    return page(request, lambda: _end(request), PATH)


def _end(request) -> Response:
    current = request.session["session_id"]
    if request.POST.get("all_others"):
        ids = [s.id for s in api_call(request, request.api.list_sessions) if s.id != current]
        message = "Every other session has been logged out."
    else:
        chosen = request.POST.get("session_id", "")
        ids = [chosen] if chosen and chosen != current else []
        message = "That session has been logged out." if ids else "Choose another session."
    for session_id in ids:
        api_call(request, lambda token, sid=session_id: request.api.end_session(token, sid))
        logs.audit("session.ended", reason="logged_out_elsewhere", session_id=session_id)
    return redirect(request, PATH, flash=message)


def short_agent(user_agent: str | None) -> str:
    """``Firefox on Linux`` from a whole User-Agent; "Unknown browser" when there is none."""
    if not user_agent:
        return "Unknown browser"
    browser = next((b for b in BROWSERS if re.search(rf"\b{b}/", user_agent)), None)
    system = next((s for s in SYSTEMS if s in user_agent), None)
    names = {"Edg": "Edge", "OPR": "Opera", "Mac OS X": "macOS", "CrOS": "ChromeOS"}
    if browser is None:
        return user_agent[:40]
    name = names.get(browser, browser)
    return f"{name} on {names.get(system, system)}" if system else name
