"""What the JSON endpoints that clients call directly share (revoke, introspect, device code).

Each takes a form-encoded POST body only, authenticates the client exactly as
the token endpoint does (``identity.oauth.clientauth``), and answers
JSON with ``Cache-Control: no-store``; errors are RFC 6749 §5.2 objects, and
``invalid_client`` is 401 with a Basic challenge.  Identity cannot see client
secrets: the API checks them in the same call that does the work, and its
401 becomes ``invalid_client`` here.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Callable

from oauthlib.common import Request as OAuthRequest
from oauthlib.oauth2.rfc6749 import errors as oauth_errors
from webob import Response

from identity import errors, logs
from identity.oauth.clientauth import ClientCredentials, client_credentials
from identity.oauth.params import form_params
from identity.oauth.server import finish_token_response, token_error
from identity.oauth.upstream_errors import oauth_error
from identity.views.token import FORM

#: How clients may authenticate at the token, revocation and device
#: authorization endpoints: what ``client_credentials`` accepts (HTTP Basic,
#: the body, or a public client's bare ``client_id``).
AUTH_METHODS = ("client_secret_basic", "client_secret_post", "none")
#: Introspection tells who a token belongs to: confidential clients only.
CONFIDENTIAL_AUTH_METHODS = ("client_secret_basic", "client_secret_post")


class EndpointError(Exception):
    """An RFC 6749 §5.2 error answer."""

    def __init__(self, error: str, description: str, status: int = 400):
        super().__init__(description)
        self.error, self.description, self.status = error, description, status


@dataclasses.dataclass(frozen=True)
class ClientRequest:
    """The form parameters (empty ones dropped) and who the client says it is."""

    params: dict[str, str]
    client: ClientCredentials

    def require(self, name: str) -> str:
        value = self.params.get(name)
        if value is None:
            raise EndpointError("invalid_request", f"Missing {name} parameter.")
        return value


def upstream_token(request, token: str) -> str:
    """The API's token for *token*: what a sealed (OpenID) refresh token holds, else itself."""
    sealed = request.registry.refresh_tokens.open(token)
    return sealed.token if sealed is not None else token


def client_endpoint(*, public_clients: bool) -> Callable:
    """Wrap ``view(request, client_request) -> dict`` into a JSON endpoint.

    With *public_clients* a client may name itself by ``client_id`` alone
    (the API accepts that only of clients registered as public).
    """

    def decorate(view):
        @functools.wraps(view)
        def endpoint(request) -> Response:
            try:
                client_request = read(request, public_clients=public_clients)
                logs.annotate(client_id=client_request.client.client_id)
                answer = view(request, client_request)
            except EndpointError as exc:
                return _response(*token_error(exc.error, exc.description, exc.status))
            except errors.UpstreamError as exc:
                answer = oauth_error(exc)
                return _response(*token_error(answer.error, answer.description, answer.status))
            return _response({}, json.dumps(answer), 200)

        return endpoint

    return decorate


def read(request, *, public_clients: bool) -> ClientRequest:
    """The request's parameters and client credentials, or an EndpointError."""
    if request.body and request.content_type != FORM:
        raise EndpointError(
            "invalid_request", "Send the parameters as application/x-www-form-urlencoded."
        )
    if request.query_string:
        # Tokens in URLs end up in logs (RFC 6749 §3.2: the body only).
        raise EndpointError("invalid_request", "Send the parameters in the body, not the URL.")
    params, duplicates = form_params(request.POST.items())
    if duplicates:
        raise EndpointError("invalid_request", f"Duplicate {duplicates[0]} parameter.")
    authorization = request.headers.get("Authorization")
    oauth_request = OAuthRequest(
        request.url,
        "POST",
        list(params.items()),
        {"Authorization": authorization} if authorization else {},
    )
    try:
        client = client_credentials(oauth_request)
    except oauth_errors.OAuth2Error as exc:
        raise EndpointError(exc.error, exc.description, exc.status_code) from None
    if not client.client_id:
        raise EndpointError("invalid_client", "Client authentication is required.", 401)
    if client.secret is None and not public_clients:
        raise EndpointError("invalid_client", "This endpoint needs the client secret.", 401)
    return ClientRequest(params, client)


def _response(headers: dict, body: str, status: int) -> Response:
    headers, body, status = finish_token_response(headers, body, status)
    response = Response(status=status, body=body.encode())
    response.headers.update(headers)
    return response
