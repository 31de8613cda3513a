"""POST /oauth/token: oauthlib's token endpoint, proxied to the API (#7)."""

from __future__ import annotations

from webob import Response

from identity.oauth.server import token_error

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
    response = Response(status=status, body=body.encode())
    response.headers.update(headers)
    return response
