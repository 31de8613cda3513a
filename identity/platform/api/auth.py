"""Who is calling: the ``Authorization`` header (heroku-api.md §1.2, §6.2).

Two credentials exist:

- *password*: ``Basic base64(email:password)``, accepted only by the
  password endpoints (the login dance, the SMS-number calls);
- *token*: ``Bearer <token>``, or ``Basic`` with the token as password and any
  user (Identity sends an empty one, the legacy toolbelt an email).

On a password endpoint a Basic header with a non-empty user is a password;
with an empty user it is a token.  Everywhere else Basic is always a token.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses

from identity.platform.api.errors import ApiError


@dataclasses.dataclass(frozen=True)
class PasswordCredentials:
    email: str
    password: str = dataclasses.field(repr=False)


@dataclasses.dataclass(frozen=True)
class TokenCredentials:
    token: str = dataclasses.field(repr=False)


Credentials = PasswordCredentials | TokenCredentials


def unauthorized(message: str, challenge: str | None = None) -> ApiError:
    """401; with a *challenge* (RFC 6750 §3) on the resource endpoints' token errors."""
    headers = {"WWW-Authenticate": challenge} if challenge else {}
    return ApiError(401, "unauthorized", message, headers)


def parse_authorization(header: str | None, *, password_allowed: bool) -> Credentials | None:
    """The credentials in *header*, None when absent; 401 when malformed."""
    if not header or not header.strip():
        return None
    scheme, _, value = header.strip().partition(" ")
    value = value.strip()
    if scheme.lower() == "bearer" and value:
        return TokenCredentials(value)
    if scheme.lower() != "basic":
        raise unauthorized("Unsupported authorization scheme.")
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise unauthorized("Malformed Basic credentials.") from None
    user, sep, secret = decoded.partition(":")
    if not sep or not secret:
        raise unauthorized("Malformed Basic credentials.")
    if password_allowed and user:
        return PasswordCredentials(user, secret)
    return TokenCredentials(secret)
