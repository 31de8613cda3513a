"""Small pages: home, robots.txt and the stylesheet."""

from __future__ import annotations

import functools

from webob import Response

from identity.resources import templates_dir
from identity.views.render import redirect, render

# The original's robots.txt: keep one-time links out of search engines.
ROBOTS_TXT = """User-agent: *
Disallow: /account/email/confirm/
Disallow: /account/password/reset/
"""


def home(request) -> Response:
    """The dashboard for the logged in, the login page for everyone else."""
    if not request.session.logged_in:
        return redirect(request, "/login")
    if request.settings.dashboard_url:
        return redirect(request, request.settings.dashboard_url)
    return render(request, "home.mako", user=request.session["user"])


def robots(request) -> Response:
    return Response(ROBOTS_TXT, content_type="text/plain", charset="utf-8")


@functools.cache
def _stylesheet() -> bytes:
    return (templates_dir() / "identity.css").read_bytes()


def stylesheet(request) -> Response:
    response = Response(_stylesheet(), content_type="text/css", charset="utf-8")
    response.cache_control = "public, max-age=3600"
    return response
