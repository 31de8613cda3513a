"""The request context views receive, and how answers are written.

A view is ``view(ctx, **path_params) -> webob.Response``.  ``ctx`` carries
the request, its parsed JSON body and the domain ``Work`` (transaction,
services, caller IP, password work); views read headers and the body, call
the domain and render its answer.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from webob import Request, Response

from identity import logs
from identity.platform.api.auth import (
    Credentials,
    PasswordCredentials,
    TokenCredentials,
    parse_authorization,
    unauthorized,
)
from identity.platform.domain import errors
from identity.platform.domain.access import TokenAuth, authenticate_token, record_use
from identity.platform.domain.work import Work

#: RFC 6750 §3: the challenge of a resource endpoint.
BEARER = 'Bearer realm="Heroku"'


class Context:
    """One request: its body and the domain work it is done in."""

    def __init__(self, request: Request, work: Work, body: dict) -> None:
        self.request = request
        self.work = work
        self.tx = work.tx
        self.settings = work.settings
        self.body = body

    def header(self, name: str) -> str:
        return self.request.headers.get(name, "").strip()

    @property
    def legacy_ids(self) -> bool:
        return self.header("X-Heroku-Legacy-Ids").lower() == "true"

    def credentials(self, *, password_allowed: bool = False) -> Credentials | None:
        return parse_authorization(
            self.request.headers.get("Authorization"), password_allowed=password_allowed
        )

    def token_auth(self, *, optional: bool = False) -> TokenAuth | None:
        """The caller's access token; 401 with a Bearer challenge when missing (unless
        *optional*) or invalid."""
        credentials = self.credentials()
        if credentials is None:
            if optional:
                return None
            raise unauthorized("An access token is required.", BEARER)
        assert isinstance(credentials, TokenCredentials)
        try:
            auth = authenticate_token(self.tx, credentials.token)
        except errors.Unauthorized:
            raise unauthorized(
                "Invalid credentials provided.", f'{BEARER}, error="invalid_token"'
            ) from None
        logs.annotate(user_id=auth.user.id, client_id=auth.client and auth.client.id)
        record_use(self.work, auth)
        return auth

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


def seconds_left(ctx: Context, expires_at: float) -> int:
    return max(0, int(expires_at - ctx.tx.now))
