"""Signup lives in a separate app (``SIGNUP_URL``); these routes send people there.

The signup app is told ``from=id`` and, while an authorization waits for
this person, ``redirect-url``: the authorize URL to come back to once the
account exists.  Every value that came from the request is scrubbed of
control characters and percent-encoded before it reaches the Location header.
"""

from __future__ import annotations

from urllib.parse import urlencode

from webob import Response

from identity.views.render import error_page
from identity.views.urls import local_path, scrub

NO_SIGNUP = "Signing up is not available here. Ask an administrator for an invitation."


def signup(request) -> Response:
    """GET /signup and GET /signup/{slug}: 301 to the signup app."""
    if not request.settings.signup_url:
        return error_page(request, 404, "Not found", NO_SIGNUP)
    slug = request.matchdict.get("slug")
    path = local_path("", slug) if slug else ""
    return Response(status=301, location=signup_app_url(request, path))


def signup_app_url(request, path: str) -> str:
    """The signup app's *path* (already encoded), with this request's query,
    ``from=id`` and the pending authorization's ``redirect-url``."""
    params = [
        (scrub(name), scrub(value))
        for name, value in request.GET.items()
        if name not in {"from", "redirect-url"}
    ]
    params.append(("from", "id"))
    pending = request.session.get("authorize_params")
    if pending:
        query = urlencode([(scrub(name), scrub(value)) for name, value in pending])
        params.append(("redirect-url", f"{request.settings.public_url}/oauth/authorize?{query}"))
    return f"{request.settings.signup_url}{path}?{urlencode(params)}"
