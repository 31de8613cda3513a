"""POST /oauth/token: oauthlib's token endpoint, proxied to the API (#7)."""

from __future__ import annotations

import json

from oauthlib.common import Request as OAuthRequest
from oauthlib.oauth2.rfc6749 import errors as oauth_errors
from webob import Response

from identity import logs
from identity.oauth.clientauth import client_credentials
from identity.oauth.server import token_error
from identity.oauth.validator import GRANT_TYPES

FORM = "application/x-www-form-urlencoded"


def token(request) -> Response:
    if request.body and request.content_type != FORM:
        # RFC 6749 §4.1.3: the body is form-encoded; JSON is not accepted.
        headers, body, status = token_error(
            "invalid_request", "Send the parameters as application/x-www-form-urlencoded."
        )
    else:
        headers, body, status = request.oauth_server().token_response(
            request.url, request.POST.items(), request.headers.get("Authorization")
        )
    _audit(request, status, json.loads(body))
    response = Response(status=status, body=body.encode())
    response.headers.update(headers)
    return response


def _audit(request, status: int, answer: dict) -> None:
    """``token.issued`` or ``token.refused``, with ids and the error: never a token."""
    grant_type = request.POST.get("grant_type")
    client_id = _claimed_client_id(request)
    logs.annotate(client_id=client_id)
    fields = {
        # Only known names: the field is the client's to fill with anything.
        "grant_type": grant_type if grant_type in GRANT_TYPES else "other",
        "client_id": client_id,
    }
    if status == 200:
        logs.annotate(user_id=answer.get("user_id"))
        logs.audit("token.issued", user_id=answer.get("user_id"), **fields)
    else:
        logs.audit("token.refused", error=answer.get("error"), status=status, **fields)


def _claimed_client_id(request) -> str | None:
    """The client id the request names (HTTP Basic or the body), unchecked, or None."""
    oauth_request = OAuthRequest(
        request.url, "POST", list(request.POST.items()), dict(request.headers)
    )
    try:
        return client_credentials(oauth_request).client_id or None
    except oauth_errors.OAuth2Error:
        return None
