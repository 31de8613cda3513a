"""Request bodies Identity can read, checked once before any view looks.

WebOb parses a form on first use of ``request.POST``, wherever a view first
touches it, and fails there: a multipart body without a boundary raises
``ValueError``, and a charset other than UTF-8 is a warning that becomes an
error (``DeprecationWarning`` under ``-W error``, a 500 in production as the
body is decoded wrongly).  Parsing once here, with that warning as an error,
turns every unreadable body into one 400: a page for people, RFC 6749 §5.2
``invalid_request`` JSON at the endpoints that clients call.
"""

from __future__ import annotations

import json
import warnings

from webob import Response

from identity.views.render import error_page

#: The JSON client endpoints: they answer errors as RFC 6749 §5.2 objects.
CLIENT_ENDPOINTS = frozenset(
    {"/oauth/token", "/oauth/revoke", "/oauth/introspect", "/oauth/device/code"}
)

UNREADABLE = "The form could not be read: send it as UTF-8 application/x-www-form-urlencoded."


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
