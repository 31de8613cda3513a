"""Request parts Identity can read, checked once before any view looks.

Cookies: WebOb decodes every cookie of the ``Cookie`` header as UTF-8 at
once (octal escapes in quoted values included), and one that is not (a
sibling site on the parent domain may set anything) would fail every
request.  Such cookies are dropped, so they are simply absent: nobody is
locked out by a neighbour's cookie.

Bodies: WebOb parses a form on first use of ``request.POST``, wherever a
view first touches it, and fails there: a multipart body without a boundary
raises ``ValueError``, an unknown charset ``LookupError``, and a charset
other than UTF-8 is a ``DeprecationWarning`` (an exception wherever warnings
are errors) after which the body is misread as UTF-8.  Parsing once here,
with that warning as an error, turns every unreadable body into one 400: a
page for people, RFC 6749 §5.2 ``invalid_request`` JSON at the endpoints
that clients call.
"""

from __future__ import annotations

import json
import warnings

from webob import Response
from webob.cookies import RequestCookies

from identity.views.render import error_page

#: The JSON client endpoints: they answer errors as RFC 6749 §5.2 objects.
CLIENT_ENDPOINTS = frozenset(
    {"/oauth/token", "/oauth/revoke", "/oauth/introspect", "/oauth/device/code"}
)

UNREADABLE = "The form could not be read: send it as UTF-8 application/x-www-form-urlencoded."


def drop_unreadable_cookies(environ) -> None:
    """Remove from ``HTTP_COOKIE`` the cookies WebOb cannot decode as UTF-8."""
    header = environ.get("HTTP_COOKIE")
    if not header or _decodes(header):
        return
    environ["HTTP_COOKIE"] = ";".join(part for part in header.split(";") if _decodes(part))


def _decodes(header: str) -> bool:
    """Can WebOb read *header*?  Raw bytes and quoted octal escapes (``"\\377"``)
    both reach its UTF-8 decoding."""
    try:
        dict(RequestCookies({"HTTP_COOKIE": header}))
    except UnicodeDecodeError:
        return False
    return True


def form_readable(request) -> bool:
    """Parse ``request.POST`` (cached by WebOb); False when the body can't be read."""
    with warnings.catch_warnings():
        # WebOb's "expected to be submitted in UTF-8" warning: a body we would misread.
        warnings.simplefilter("error", DeprecationWarning)
        try:
            request.POST  # noqa: B018
        except (ValueError, LookupError, DeprecationWarning):
            # ValueError covers UnicodeDecodeError and a bad multipart boundary;
            # LookupError an unknown charset.
            return False
    return True


def unreadable_body_response(request) -> Response:
    if request.path_info in CLIENT_ENDPOINTS:
        body = {"error": "invalid_request", "error_description": UNREADABLE}
        return Response(
            json.dumps(body), status=400, content_type="application/json", charset="utf-8"
        )
    return error_page(request, 400, "Bad request", UNREADABLE)
