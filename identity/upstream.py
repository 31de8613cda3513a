"""HerokuAPI: the only code that speaks HTTP to the Platform API.

Every call of heroku-api.md §2 is one method here.  Requests carry the v3
``Accept`` header, ``Content-Type: application/json`` (even bodiless ones, as
the original did), explicit connect/read timeouts and the caller's
``Request-Id`` and ``X-Forwarded-For``.  Statuses are checked exactly against
each call's "expects" list; everything else becomes an ``identity.errors``
exception, so no ``requests.Response`` ever leaves this module.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime
import json
import logging
import threading
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

import requests

from identity import errors
from identity.resilience import Unguarded, UpstreamGuard

log = logging.getLogger(__name__)

ACCEPT = "application/vnd.heroku+json; version=3"
#: Asks the API for ``client.legacy_id`` (heroku-api.md §3.1).
LEGACY_IDS = {"X-Heroku-Legacy-Ids": "true"}
#: Longest error message shown to people; the rest is noise.
MAX_MESSAGE = 500

_BY_STATUS: dict[int, type[errors.UpstreamError]] = {
    400: errors.BadRequest,
    401: errors.Unauthorized,
    403: errors.Forbidden,
    404: errors.NotFound,
    422: errors.InvalidParams,
    429: errors.RateLimited,
}


@dataclasses.dataclass(frozen=True)
class User:
    id: str
    email: str
    full_name: str | None


@dataclasses.dataclass(frozen=True)
class IdentityLogin:
    """Identity's own authorization, made by the login dance (#1)."""

    access_token: str = dataclasses.field(repr=False)
    expires_in: int
    refresh_token: str | None = dataclasses.field(repr=False)
    session_id: str
    user: User
    sso_entity: str | None = None


@dataclasses.dataclass(frozen=True)
class Client:
    """An OAuth client as GET /oauth/clients/{id} describes it (#4, #5)."""

    client_id: str
    name: str
    description: str
    redirect_uri: str
    trusted: bool = False
    public: bool = False
    ignores_delinquent: bool = False
    #: Pay-balance URL when the API flagged the account delinquent (§3.10).
    delinquent_location: str | None = None


@dataclasses.dataclass(frozen=True)
class Grant:
    """The grant code the API issued for a third-party client (#2)."""

    code: str = dataclasses.field(repr=False)
    redirect_uri: str | None


@dataclasses.dataclass(frozen=True)
class Authorization:
    """One entry of the user's authorizations (#3)."""

    client_id: str | None
    client_legacy_id: str | None
    scope: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class TokenSet:
    """Tokens from POST /oauth/tokens (#6, #7)."""

    access_token: str = dataclasses.field(repr=False)
    expires_in: int
    refresh_token: str | None = dataclasses.field(repr=False)
    user_id: str | None
    session_id: str | None


@dataclasses.dataclass(frozen=True)
class TokenInfo:
    """An active token, as introspection describes it (times in epoch seconds)."""

    scope: tuple[str, ...]
    client_id: str
    user_id: str
    email: str
    expires_at: int
    issued_at: int
    kind: str  # "access_token" or "refresh_token"


@dataclasses.dataclass(frozen=True)
class DeviceAuthorization:
    """A new device authorization request (RFC 8628 §3.2)."""

    device_code: str = dataclasses.field(repr=False)
    user_code: str = dataclasses.field(repr=False)
    expires_in: int
    interval: int


@dataclasses.dataclass(frozen=True)
class DeviceRequest:
    """What a person entering a user code is asked to approve."""

    client_id: str
    client_name: str
    client_description: str
    scope: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class _Answer:
    body: Any
    headers: Mapping[str, str]


def _basic(user: str, password: str) -> str:
    # UTF-8, not requests' latin-1, so any password survives the trip.
    raw = f"{user}:{password}".encode()
    return "Basic " + base64.b64encode(raw).decode("ascii")


def _token_auth(token: str) -> str:
    """Token mode of heroku-api.md §1.2: an empty user, the token as password."""
    return _basic("", token)


def _segment(value: str) -> str:
    """One URL path segment: nothing in *value* can change the path.

    ``.`` and ``..`` survive percent-encoding and HTTP clients resolve them
    (``/invitations/..`` is ``/``), so they name no resource: a 404.
    """
    if value in ("", ".", ".."):
        raise errors.NotFound("No such resource.", status=404)
    return quote(value, safe="")


class _Path(str):
    """A call's path; ``template`` is its loggable form, without the tokens in it."""

    template: str


def _path(template: str, *values: str) -> _Path:
    """*template* with each ``{}`` filled by one encoded path segment."""
    path = _Path(template.format(*(_segment(value) for value in values)))
    path.template = template
    return path


class HerokuAPI:
    """Client of the Platform API for one upstream; cheap to re-bind per request."""

    def __init__(
        self,
        upstream,
        *,
        connect_timeout: float,
        read_timeout: float,
        request_id: str | None = None,
        forwarded_for: str | None = None,
        guard: UpstreamGuard | Unguarded | None = None,
        _local: threading.local | None = None,
    ):
        self.upstream = upstream
        self.guard = guard or Unguarded()
        self.timeout = (connect_timeout, read_timeout)
        self.request_id = request_id
        self.forwarded_for = forwarded_for
        # One requests.Session per thread: Sessions are not thread-safe, and
        # keep-alive pools are worth keeping across requests.
        self._local = _local if _local is not None else threading.local()

    def with_context(self, request_id: str | None, forwarded_for: str | None) -> HerokuAPI:
        """This client, passing on one incoming request's id and the user's address."""
        return HerokuAPI(
            self.upstream,
            connect_timeout=self.timeout[0],
            read_timeout=self.timeout[1],
            request_id=request_id,
            forwarded_for=forwarded_for,
            guard=self.guard,
            _local=self._local,
        )

    @property
    def session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = self.upstream.new_session()
        return session

    # -- the calls of heroku-api.md §2, by number ---------------------------

    def create_session_authorization(
        self, email: str, password: str, code: str | None = None
    ) -> IdentityLogin:
        """#1: the login dance; Identity's own session and tokens."""
        answer = self._call(
            "POST",
            "/oauth/authorizations",
            expects=(201,),
            auth=_basic(email, password),
            headers={"Heroku-Two-Factor-Code": code} if code else None,
            body={
                "client": {"id": self.upstream.oauth_id},
                "create_session": True,
                "create_tokens": True,
                "response_type": "code",
            },
        )
        body = answer.body
        user = _require(body, "user")
        return IdentityLogin(
            access_token=_require(body, "access_token", "token"),
            expires_in=_require_int(body, "access_token", "expires_in"),
            refresh_token=_optional(body, "refresh_token", "token"),
            session_id=_require(body, "session", "id"),
            user=User(
                id=_as_text(_require(user, "id")),
                email=_require(user, "email"),
                full_name=_optional(user, "full_name"),
            ),
            sso_entity=_optional(body, "sso_entity"),
        )

    def create_client_authorization(
        self, token: str, client_id: str, scope: Iterable[str], session_id: str
    ) -> Grant:
        """#2: a grant for a third-party client, tied to Identity's session."""
        answer = self._call(
            "POST",
            "/oauth/authorizations",
            expects=(201,),
            auth=_token_auth(token),
            headers=LEGACY_IDS,
            body={
                "client": {"id": client_id},
                "scope": list(scope),
                "response_type": "code",
                "session": {"id": session_id},
            },
        )
        return Grant(
            code=_require(answer.body, "grant", "code"),
            redirect_uri=_optional(answer.body, "client", "redirect_uri"),
        )

    def list_authorizations(self, token: str) -> list[Authorization]:
        """#3: the user's authorizations (up to 1000, as the original asked)."""
        answer = self._call(
            "GET",
            "/oauth/authorizations",
            expects=(200,),
            auth=_token_auth(token),
            headers={**LEGACY_IDS, "Range": "id ..; max=1000"},
        )
        if not isinstance(answer.body, list):
            raise errors.UpstreamUnavailable("authorizations: expected a list")
        found = []
        for entry in answer.body:
            client = entry.get("client") if isinstance(entry, dict) else None
            if not isinstance(client, dict):
                continue  # authorizations without a client never match
            scope = entry.get("scope") or []
            found.append(
                Authorization(
                    client_id=_as_text(client.get("id")),
                    client_legacy_id=_as_text(client.get("legacy_id")),
                    scope=tuple(str(s) for s in scope),
                )
            )
        return found

    def get_client(self, client_id: str, token: str | None = None) -> Client:
        """#4 with Identity's token (and delinquency), #5 without."""
        answer = self._call(
            "GET",
            _path("/oauth/clients/{}", client_id),
            expects=(200,),
            auth=_token_auth(token) if token else None,
            headers=LEGACY_IDS if token else None,
            # The original sent no request ids on the unauthenticated call.
            send_ids=bool(token),
        )
        body = answer.body
        delinquent = answer.headers.get("heroku-delinquent", "").lower() == "true"
        return Client(
            client_id=_as_text(_require(body, "id")),
            name=_optional(body, "name") or "",
            description=_optional(body, "description") or "",
            redirect_uri=_optional(body, "redirect_uri") or "",
            trusted=_optional(body, "trusted") is True,
            public=_optional(body, "public") is True,
            ignores_delinquent=_optional(body, "ignores_delinquent") is True,
            delinquent_location=answer.headers.get("location") if delinquent else None,
        )

    def refresh_identity_token(self, refresh_token: str) -> TokenSet:
        """#6: a fresh access token for Identity itself."""
        return self._create_token(
            {
                "client": {"secret": self.upstream.oauth_secret},
                "grant": {"type": "refresh_token"},
                "refresh_token": {"token": refresh_token},
            }
        )

    def exchange_token(
        self,
        grant_type: str,
        code: str | None = None,
        refresh_token: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
    ) -> TokenSet:
        """#7: a third-party client's code or refresh token for tokens.

        Missing values go out as JSON null, as the original sent them.
        """
        return self._create_token(
            {
                "client": {"id": client_id, "secret": client_secret},
                "grant": {"type": grant_type, "code": code},
                "refresh_token": {"token": refresh_token},
            }
        )

    def delete_session(self, token: str, session_id: str) -> None:
        """#8: end the API session and every token made through it.

        401 and 404 mean the session is already gone: that is success here.
        """
        self._call(
            "DELETE",
            _path("/oauth/sessions/{}", session_id),
            expects=(200, 401, 404),
            auth=_token_auth(token),
        )

    def get_account(self, token: str) -> dict:
        """#9: the account of the token's user."""
        return self._call("GET", "/account", expects=(200,), auth=_token_auth(token)).body

    def confirm_email_change(self, token: str, email_change_token: str) -> str | None:
        """#10: switch the account to its pending email address.

        Returns the new address when the answer carries the account, as the
        embedded API's does (the original's stub answered an empty 200).
        """
        body = self._call(
            "PATCH",
            "/users/~",
            expects=(200,),
            auth=_token_auth(token),
            body={"email_change_token": email_change_token},
        ).body
        return _as_text(body.get("email")) if isinstance(body, dict) else None

    def start_email_change(self, token: str, email: str, password: str) -> None:
        """Mail a confirmation link to *email* (PATCH /account, "Change Email" of §3.5).

        Not a call of the original, which left this to Dashboard; Identity
        offers it so an account on the embedded API can change its address.
        """
        self._call(
            "PATCH",
            "/account",
            expects=(200,),
            auth=_token_auth(token),
            body={"email": email, "password": password},
        )

    def create_password_reset(self, email: str) -> None:
        """#11: e-mail a reset link (the API answers alike for unknown emails)."""
        self._call("POST", "/password-resets", expects=(201,), body={"email": email})

    def finalize_password_reset(
        self, reset_token: str, password: str, password_confirmation: str
    ) -> None:
        """#12: set a new password with a reset link's token."""
        self._call(
            "POST",
            _path("/password-resets/{}/actions/finalize", reset_token),
            expects=(200,),
            body={"password": password, "password_confirmation": password_confirmation},
        )

    def accept_invitation(
        self,
        invitation_token: str,
        password: str,
        password_confirmation: str,
        receive_newsletter: Any = None,
    ) -> str:
        """#13: finish an invited account; returns its email for the login dance."""
        answer = self._call(
            "PATCH",
            _path("/invitations/{}", invitation_token),
            expects=(200,),
            body={
                "password": password,
                "password_confirmation": password_confirmation,
                "receive_newsletter": receive_newsletter,
            },
        )
        return _require(answer.body, "user", "email")

    def get_sms_number(self, email: str, password: str) -> str | None:
        """#14: the masked SMS recovery number, or None.

        Fails open on purpose: any error only hides the SMS option.
        """
        try:
            answer = self._call(
                "GET", "/users/~/sms-number", expects=(200,), auth=_basic(email, password)
            )
        except errors.UpstreamError as exc:
            log.info("sms number unavailable: %r", exc)
            return None
        number = _optional(answer.body, "sms_number")
        return number if isinstance(number, str) and number else None

    def send_sms_recovery_code(self, email: str, password: str) -> None:
        """#15: text a recovery code to the account's number."""
        self._call(
            "POST",
            "/users/~/sms-number/actions/recover",
            expects=(201,),
            auth=_basic(email, password),
        )

    # -- extensions of the embedded API (docs/architecture.md) ---------------

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
        if _optional(body, "active") is not True:
            return None
        return TokenInfo(
            scope=tuple(str(s) for s in _require(body, "scope")),
            client_id=_as_text(_require(body, "client_id")),
            user_id=_as_text(_require(body, "user", "id")),
            email=_require(body, "user", "email"),
            expires_at=_require_time(body, "expires_at"),
            issued_at=_require_time(body, "created_at"),
            kind=_require(body, "token_type"),
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
            device_code=_require(body, "device_code"),
            user_code=_require(body, "user_code"),
            expires_in=_require_int(body, "expires_in"),
            interval=_require_int(body, "interval"),
        )

    def get_device_authorization(self, token: str, user_code: str) -> DeviceRequest:
        """The pending device request of *user_code*; NotFound, or RateLimited after
        too many wrong codes from this user."""
        answer = self._call(
            "GET",
            _path("/oauth/device-authorizations/{}", user_code),
            expects=(200,),
            auth=_token_auth(token),
        )
        body = answer.body
        return DeviceRequest(
            client_id=_as_text(_require(body, "client", "id")),
            client_name=_optional(body, "client", "name") or "",
            client_description=_optional(body, "client", "description") or "",
            scope=tuple(str(s) for s in _optional(body, "scope") or ()),
        )

    def decide_device_authorization(
        self, token: str, user_code: str, session_id: str, approve: bool
    ) -> None:
        """Approve (bound to the token's user and session) or deny a device request."""
        action = "approve" if approve else "deny"
        self._call(
            "POST",
            _path("/oauth/device-authorizations/{}/actions/" + action, user_code),
            expects=(200,),
            auth=_token_auth(token),
            body={"session": {"id": session_id}},
        )

    # -- plumbing -----------------------------------------------------------

    def _create_token(self, body: dict) -> TokenSet:
        answer = self._call("POST", "/oauth/tokens", expects=(201,), body=body)
        return TokenSet(
            access_token=_require(answer.body, "access_token", "token"),
            expires_in=_require_int(answer.body, "access_token", "expires_in"),
            refresh_token=_optional(answer.body, "refresh_token", "token"),
            user_id=_as_text(_optional(answer.body, "user", "id")),
            session_id=_as_text(_optional(answer.body, "session", "id")),
        )

    def _call(
        self,
        method: str,
        path: str,
        *,
        expects: tuple[int, ...],
        auth: str | None = None,
        headers: Mapping[str, str] | None = None,
        body: Any = None,
        send_ids: bool = True,
    ) -> _Answer:
        sent = {"Accept": ACCEPT, "Content-Type": "application/json"}
        if send_ids and self.request_id:
            sent["Request-Id"] = self.request_id
        if self.forwarded_for:
            sent["X-Forwarded-For"] = self.forwarded_for
        if auth:
            sent["Authorization"] = auth
        sent.update(headers or {})
        try:
            response = self.guard.call(
                self.session.request,
                method,
                self.upstream.base_url + path,
                headers=sent,
                data=None if body is None else json.dumps(body),
                timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            # The template, not the path: reset and invitation tokens are secrets.
            log.warning(
                "upstream %s %s failed: %s",
                method,
                getattr(path, "template", path),
                type(exc).__name__,
            )
            raise errors.UpstreamUnavailable("The API could not be reached.") from None
        answer_headers = {k.lower(): v for k, v in response.headers.items()}
        if response.status_code in expects:
            body = _json(response) if response.status_code < 300 else None
            return _Answer(body, answer_headers)
        raise _error_for(response, answer_headers)


def _json(response: requests.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        raise errors.UpstreamUnavailable("The API sent an answer that is not JSON.") from None


def _error_for(response: requests.Response, headers: dict[str, str]) -> errors.UpstreamError:
    """The domain exception for an unexpected status (heroku-api.md §1.3, §1.4)."""
    status = response.status_code
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        error_id = _as_text(body.get("id"))
        message = body.get("message")
        if not isinstance(message, str) or not message:
            # Without a message, the original joined every key and value.
            message = "; ".join(f"{k} {v}" for k, v in body.items())
    else:
        error_id, message = None, response.text
    message = message[:MAX_MESSAGE]
    kwargs = {"status": status, "id": error_id, "headers": headers}
    log.info("upstream answered %s id=%s", status, error_id)
    # Two error ids win regardless of the status (§1.3).
    if isinstance(body, dict) and "message" in body:
        if error_id == "password_expired":
            return errors.PasswordExpired(message, **kwargs)
        if error_id == "suspended":
            return errors.Suspended(message, **kwargs)
    if status == 403 and "heroku-two-factor-required" in headers:
        return errors.TwoFactorRequired(message, **kwargs)
    if status == 406 or status >= 500:
        return errors.UpstreamUnavailable(message, **kwargs)
    if status in _BY_STATUS:
        return _BY_STATUS[status](message, **kwargs)
    if 400 <= status < 500:
        return errors.UpstreamError(message, **kwargs)
    # A 2xx or 3xx that the call does not expect: the API is not answering
    # as contracted, which Identity treats like an outage.
    return errors.UpstreamUnavailable(f"Unexpected answer {status} from the API.", **kwargs)


def _optional(body: Any, *keys: str) -> Any:
    """The value at *keys* in nested objects, or None."""
    for key in keys:
        if not isinstance(body, dict):
            return None
        body = body.get(key)
    return body


def _require(body: Any, *keys: str) -> Any:
    value = _optional(body, *keys)
    if value is None or value == "":
        raise errors.UpstreamUnavailable(f"The API's answer lacks {'.'.join(keys)}.")
    return value


def _require_int(body: Any, *keys: str) -> int:
    value = _require(body, *keys)
    if not isinstance(value, int) or isinstance(value, bool):
        raise errors.UpstreamUnavailable(f"The API's {'.'.join(keys)} is not a number.")
    return value


def _require_time(body: Any, *keys: str) -> int:
    """An ISO-8601 UTC time of the answer (``2012-01-01T12:00:00Z``) as epoch seconds."""
    value = _require(body, *keys)
    try:
        moment = datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise errors.UpstreamUnavailable(f"The API's {'.'.join(keys)} is not a time.") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return int(moment.timestamp())


def _as_text(value: Any) -> str | None:
    """Ids may come as numbers (the original stub used 123); compare them as text."""
    return None if value is None else str(value)
