"""Client credentials at the token endpoint: HTTP Basic or the body, never both."""

from __future__ import annotations

import base64
import binascii
import dataclasses
from urllib.parse import unquote_plus

from oauthlib.oauth2.rfc6749 import errors


@dataclasses.dataclass(frozen=True)
class ClientCredentials:
    """Who the client says it is; the API checks the secret when tokens are made."""

    client_id: str
    secret: str | None = dataclasses.field(default=None, repr=False)


def used_basic(authorization: str | None) -> bool:
    return (authorization or "").split(" ", 1)[0].lower() == "basic"


def client_credentials(request) -> ClientCredentials:
    """Read the credentials of an oauthlib token request.

    RFC 6749 §2.3: a client uses one authentication method per request, so a
    secret both in Basic and in the body is refused; a body ``client_id``
    must name the same client as Basic.
    """
    header = request.headers.get("Authorization")
    body_id, body_secret = request.client_id, request.client_secret
    if not header:
        return ClientCredentials(body_id or "", body_secret)
    if not used_basic(header):
        raise errors.InvalidClientError(
            description="Only HTTP Basic client authentication is supported.", request=request
        )
    client_id, secret = _basic_credentials(header, request)
    if body_secret is not None:
        raise errors.InvalidRequestError(
            description="Send the client secret either by HTTP Basic or in the body, not both.",
            request=request,
        )
    if body_id is not None and body_id != client_id:
        raise errors.InvalidRequestError(
            description="The client_id does not match the HTTP Basic credentials.",
            request=request,
        )
    # An empty secret is no secret: a public client may still send "id:".
    return ClientCredentials(client_id, secret or None)


def _basic_credentials(header: str, request) -> tuple[str, str]:
    try:
        raw = base64.b64decode(header.split(" ", 1)[1].strip(), validate=True).decode("utf-8")
        client_id, secret = raw.split(":", 1)
    except (IndexError, ValueError, binascii.Error, UnicodeDecodeError):
        raise errors.InvalidClientError(
            description="Malformed HTTP Basic credentials.", request=request
        ) from None
    # RFC 6749 §2.3.1: both halves are form-urlencoded before Basic encoding.
    client_id, secret = unquote_plus(client_id), unquote_plus(secret)
    if not client_id:
        raise errors.InvalidClientError(description="Missing client id.", request=request)
    return client_id, secret
