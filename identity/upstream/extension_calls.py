"""Calls of the embedded API's extensions, which Heroku lacks (docs/architecture.md)."""

from __future__ import annotations

from collections.abc import Iterable

from identity.upstream.answers import as_text, optional, require, require_int, require_time
from identity.upstream.models import DeviceAuthorization, DeviceRequest, TokenInfo
from identity.upstream.transport import Transport, path, token_auth


class ExtensionCalls(Transport):
    """Client authentication, revocation (RFC 7009), introspection (RFC 7662),
    device grants (RFC 8628), single use of ``/login/external`` tokens."""

    def spend_login_token(self, token: str, jti: str, expires_at: int) -> bool:
        """True the first time *jti* is spent; ``FeatureUnavailable`` from an API without
        the call.  *token* is the access token the login token carries."""
        answer = self._feature(
            "POST",
            "/login-tokens/actions/spend",
            expects=(200,),
            auth=token_auth(token),
            body={"jti": jti, "expires_at": expires_at},
        )
        return optional(answer.body, "first_use") is True

    def authenticate_client(self, client_id: str, client_secret: str | None) -> None:
        """Check a client's credentials alone; ``Unauthorized`` when they are wrong."""
        self._call(
            "POST",
            "/oauth/clients/actions/authenticate",
            expects=(200,),
            body={"client": {"id": client_id, "secret": client_secret}},
        )

    def revoke_token(
        self, client_id: str, client_secret: str | None, token: str, hint: str | None
    ) -> None:
        """RFC 7009: revoke *token* if it is this client's; unknown tokens are no error."""
        self._call(
            "POST",
            "/oauth/tokens/actions/revoke",
            expects=(200,),
            body={
                "client": {"id": client_id, "secret": client_secret},
                "token": token,
                "token_type_hint": hint,
            },
        )

    def introspect_token(
        self, client_id: str, client_secret: str | None, token: str
    ) -> TokenInfo | None:
        """RFC 7662: what *token* is, or None when it is not active for this client."""
        answer = self._call(
            "POST",
            "/oauth/tokens/actions/introspect",
            expects=(200,),
            body={"client": {"id": client_id, "secret": client_secret}, "token": token},
        )
        body = answer.body
        if optional(body, "active") is not True:
            return None
        return TokenInfo(
            scope=tuple(str(s) for s in require(body, "scope")),
            client_id=as_text(require(body, "client_id")),
            user_id=as_text(require(body, "user", "id")),
            email=require(body, "user", "email"),
            expires_at=require_time(body, "expires_at"),
            issued_at=require_time(body, "created_at"),
            kind=require(body, "token_type"),
        )

    def create_device_authorization(
        self, client_id: str, client_secret: str | None, scope: Iterable[str] | None
    ) -> DeviceAuthorization:
        """RFC 8628 §3.1: a device code and user code for a command-line client."""
        answer = self._call(
            "POST",
            "/oauth/device-authorizations",
            expects=(201,),
            body={
                "client": {"id": client_id, "secret": client_secret},
                "scope": list(scope) if scope else None,
            },
        )
        body = answer.body
        return DeviceAuthorization(
            device_code=require(body, "device_code"),
            user_code=require(body, "user_code"),
            expires_in=require_int(body, "expires_in"),
            interval=require_int(body, "interval"),
        )

    def get_device_authorization(self, token: str, user_code: str) -> DeviceRequest:
        """The pending device request of *user_code*; NotFound, or RateLimited after
        too many wrong codes from this user."""
        answer = self._call(
            "GET",
            path("/oauth/device-authorizations/{}", user_code),
            expects=(200,),
            auth=token_auth(token),
        )
        body = answer.body
        return DeviceRequest(
            client_id=as_text(require(body, "client", "id")),
            client_name=optional(body, "client", "name") or "",
            client_description=optional(body, "client", "description") or "",
            scope=tuple(str(s) for s in optional(body, "scope") or ()),
        )

    def decide_device_authorization(
        self, token: str, user_code: str, session_id: str, approve: bool
    ) -> None:
        """Approve (bound to the token's user and session) or deny a device request."""
        action = "approve" if approve else "deny"
        self._call(
            "POST",
            path("/oauth/device-authorizations/{}/actions/" + action, user_code),
            expects=(200,),
            auth=token_auth(token),
            body={"session": {"id": session_id}},
        )
