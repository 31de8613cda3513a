"""The request context views receive, and how answers are written.

A view is ``view(ctx, **path_params) -> webob.Response``.  ``ctx`` carries
the open transaction, the parsed JSON body, the caller's IP, the request's
password work (passwords.PasswordWork) and the app's services; views raise
``PlatformError`` for every error answer.
"""

from __future__ import annotations

import datetime
import json
from typing import TYPE_CHECKING, Any

from webob import Request, Response

from identity.platform.auth import (
    Credentials,
    PasswordCredentials,
    TokenAuth,
    TokenCredentials,
    authenticate_token,
    parse_authorization,
)
from identity.platform.db import Transaction
from identity.platform.errors import unauthorized
from identity.platform.passwords import PasswordWork

if TYPE_CHECKING:
    from identity.platform.app import Platform


class Context:
    """One request: its transaction, body, caller IP, password work and the app's services."""

    def __init__(
        self,
        platform: Platform,
        request: Request,
        tx: Transaction,
        body: dict,
        ip: str,
        passwords: PasswordWork,
    ) -> None:
        self.platform = platform
        self.settings = platform.settings
        self.request = request
        self.tx = tx
        self.body = body
        self.ip = ip
        self.passwords = passwords

    @property
    def legacy_ids(self) -> bool:
        return self.request.headers.get("X-Heroku-Legacy-Ids", "").strip().lower() == "true"

    def credentials(self, *, password_allowed: bool = False) -> Credentials | None:
        return parse_authorization(
            self.request.headers.get("Authorization"), password_allowed=password_allowed
        )

    def token_auth(self, *, optional: bool = False) -> TokenAuth | None:
        """The caller's access token; 401 when missing (unless *optional*) or invalid."""
        credentials = self.credentials()
        if credentials is None:
            if optional:
                return None
            raise unauthorized("An access token is required.")
        assert isinstance(credentials, TokenCredentials)
        return authenticate_token(self.tx, credentials.token)

    def password_credentials(self) -> PasswordCredentials:
        credentials = self.credentials(password_allowed=True)
        if not isinstance(credentials, PasswordCredentials):
            raise unauthorized("Email and password are required.")
        return credentials


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    response = Response(
        status=status,
        body=json.dumps(body).encode(),
        content_type="application/json",
        charset=None,
    )
    response.headers.update(headers or {})
    return response


def iso(timestamp: float | None) -> str | None:
    """Epoch seconds as ``2012-01-01T12:00:00Z``."""
    if timestamp is None:
        return None
    moment = datetime.datetime.fromtimestamp(timestamp, datetime.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def seconds_left(tx: Transaction, expires_at: float) -> int:
    return max(0, int(expires_at - tx.now))
