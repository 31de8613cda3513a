"""GET|POST /oauth/userinfo: OpenID Connect Core §5.3, a resource endpoint of RFC 6750.

The access token comes in the ``Authorization: Bearer`` header or, on a
form-encoded POST, as the ``access_token`` body parameter (RFC 6750 §2.1,
§2.2); never in the query (§2.3 is refused: URLs end up in logs), and never
two ways at once.  The token's scope comes from the API's
``GET /oauth/authorizations/~`` and the claims from ``GET /account``, both
made with the client's own token, so a revoked or expired token gets
``invalid_token`` from the API itself.
"""

from __future__ import annotations

import json
import re

from webob import Response

from identity import errors
from identity.oauth.id_token import user_claims
from identity.oauth.scopes import oidc_scopes_of
from identity.oauth.server import clean_description
from identity.oauth.upstream_errors import oauth_error
from identity.views.token import FORM

# RFC 6750 §2.1's b64token.
_BEARER = re.compile(r"[A-Za-z0-9\-._~+/]+=*")


class BearerError(Exception):
    def __init__(self, error: str | None, description: str, status: int, scope: str = ""):
        super().__init__(description)
        self.error, self.description, self.status, self.scope = error, description, status, scope


def userinfo(request) -> Response:
    try:
        token = bearer_token(request)
        return _json(200, claims_for(request, token))
    except BearerError as exc:
        return bearer_error(exc)
    except errors.UpstreamError as exc:
        answer = oauth_error(exc, "invalid_token", resource=True)
        return bearer_error(BearerError(answer.error, answer.description, answer.status))


def bearer_token(request) -> str:
    """The one access token of the request (RFC 6750 §2), or a BearerError."""
    if "access_token" in request.GET:
        raise BearerError(
            "invalid_request", "Send the access token in the header or the body.", 400
        )
    header = request.headers.get("Authorization", "")
    in_body = request.method == "POST" and request.content_type == FORM
    body_tokens = request.POST.getall("access_token") if in_body else []
    if (header and body_tokens) or len(body_tokens) > 1:
        raise BearerError("invalid_request", "Send the access token one way only.", 400)
    if body_tokens:
        token = body_tokens[0]
    elif header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer":
            raise BearerError(None, "Bearer authentication is required.", 401)
        token = token.strip()
    else:
        # §3.1: a request with no credentials gets a challenge without an error code.
        raise BearerError(None, "An access token is required.", 401)
    if not _BEARER.fullmatch(token):
        raise BearerError("invalid_token", "The access token is not valid.", 401)
    return token


def claims_for(request, token: str) -> dict:
    """``sub`` always, plus the claims of the token's OpenID scopes (OIDC Core §5.4)."""
    api = request.api
    authorization = api.get_token_authorization(token)
    scopes = oidc_scopes_of(authorization.scope, extensions=request.settings.extensions)
    if "openid" not in scopes:
        raise BearerError(
            "insufficient_scope", "The token was not granted the openid scope.", 403, "openid"
        )
    claims = {"sub": authorization.user_id}
    if {"email", "profile"} & set(scopes):
        account = api.get_account(token)
        user = {"email": account.get("email"), "full_name": account.get("name")}
        claims.update(user_claims(user, scopes))
    return claims


def bearer_error(exc: BearerError) -> Response:
    """RFC 6750 §3: the challenge, with the error code when there is one."""
    challenge = 'Bearer realm="Identity"'
    body = {}
    if exc.error:
        description = clean_description(exc.description)
        challenge += f', error="{exc.error}", error_description="{description}"'
        body = {"error": exc.error, "error_description": description}
    if exc.scope:
        challenge += f', scope="{exc.scope}"'
    response = _json(exc.status, body)
    response.headers["WWW-Authenticate"] = challenge
    return response


def _json(status: int, body: dict) -> Response:
    response = Response(
        status=status, body=json.dumps(body).encode(), content_type="application/json"
    )
    response.charset = None
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response
