"""How one call reaches the Platform API and how its status is judged.

Requests carry the v3 ``Accept`` header, ``Content-Type: application/json``
(even bodiless ones, as the original did), explicit connect/read timeouts and
the caller's ``Request-Id`` and ``X-Forwarded-For``.  Statuses are checked
exactly against each call's "expects" list; everything else becomes an
``identity.errors`` exception, so no HTTP response ever leaves this package.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import logging
import threading
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import requests

from identity import errors, metrics
from identity.resilience import Unguarded, UpstreamGuard
from identity.upstream.answers import as_text

log = logging.getLogger("identity.upstream")

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
class Answer:
    """An expected answer: its JSON body (None for an empty one) and lower-cased headers."""

    body: Any
    headers: Mapping[str, str]


@dataclasses.dataclass(frozen=True)
class RawAnswer:
    """What came back from the API, before it is judged."""

    status: int
    #: Header names lower-cased.
    headers: dict[str, str]
    content: bytes


def basic(user: str, password: str) -> str:
    # UTF-8, not requests' latin-1, so any password survives the trip.
    raw = f"{user}:{password}".encode()
    return "Basic " + base64.b64encode(raw).decode("ascii")


def token_auth(token: str) -> str:
    """Token mode of heroku-api.md §1.2: an empty user, the token as password."""
    return basic("", token)


def _segment(value: str) -> str:
    """One URL path segment: nothing in *value* can change the path.

    ``.`` and ``..`` survive percent-encoding and HTTP clients resolve them
    (``/invitations/..`` is ``/``), so they name no resource: a 404.
    """
    if value in ("", ".", ".."):
        raise errors.NotFound("No such resource.", status=404)
    return quote(value, safe="")


class Path(str):
    """A call's path; ``template`` is its loggable form, without the tokens in it."""

    template: str


def path(template: str, *values: str) -> Path:
    """*template* with each ``{}`` filled by one encoded path segment."""
    filled = Path(template.format(*(_segment(value) for value in values)))
    filled.template = template
    return filled


class Transport:
    """The API of one upstream, bound to one incoming request's context."""

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

    def with_context(self, request_id: str | None, forwarded_for: str | None):
        """This client, passing on one incoming request's id and the user's address."""
        return type(self)(
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

    def _feature(self, method: str, call_path: str, **options):
        """``_call``, with "no such call" (404, 405) as ``FeatureUnavailable``."""
        try:
            return self._call(method, call_path, **options)
        except errors.NotFound as exc:
            raise errors.FeatureUnavailable(exc.message, status=404) from None
        except errors.UpstreamError as exc:
            if exc.status == 405:
                raise errors.FeatureUnavailable(exc.message, status=405) from None
            raise

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
    ) -> Answer:
        sent = {"Accept": ACCEPT, "Content-Type": "application/json"}
        if send_ids and self.request_id:
            sent["Request-Id"] = self.request_id
        if self.forwarded_for:
            sent["X-Forwarded-For"] = self.forwarded_for
        if auth:
            sent["Authorization"] = auth
        sent.update(headers or {})
        data = None if body is None else json.dumps(body).encode()
        # The template, not the path: reset and invitation tokens are secrets.
        call = f"{method} {getattr(path, 'template', path)}"
        try:
            with metrics.upstream_call(call) as observed:
                raw = self._send(method, self.upstream.base_url + path, sent, data)
                observed.status = raw.status
        except requests.RequestException as exc:
            log.warning("upstream %s failed: %s", call, type(exc).__name__)
            raise errors.UpstreamUnavailable("The API could not be reached.") from None
        if raw.status in expects:
            return Answer(_json(raw.content) if raw.status < 300 else None, raw.headers)
        raise _error_for(raw)

    def health_status(self, timeout: float) -> int | None:
        """``GET /health`` within *timeout* seconds: the status, or None if nothing answered.

        Outside ``_call`` on purpose: probes every few seconds are not API
        traffic, so they stay out of the upstream metrics, and any status is
        an answer here (the caller decides what "ready" means).
        """
        sent = {"Accept": ACCEPT}
        if self.request_id:
            sent["Request-Id"] = self.request_id
        try:
            response = self.session.get(
                self.upstream.base_url + "/health",
                headers=sent,
                timeout=timeout,
                allow_redirects=False,
            )
        except requests.RequestException:
            return None
        return response.status_code

    def _send(
        self, method: str, url: str, headers: dict[str, str], data: bytes | None
    ) -> RawAnswer:
        response = self.guard.call(
            self.session.request,
            method,
            url,
            headers=headers,
            data=data,
            timeout=self.timeout,
            allow_redirects=False,
        )
        return RawAnswer(
            response.status_code,
            {k.lower(): v for k, v in response.headers.items()},
            response.content,
        )


def _json(content: bytes) -> Any:
    if not content:
        return None
    try:
        return json.loads(content)
    except ValueError:
        raise errors.UpstreamUnavailable("The API sent an answer that is not JSON.") from None


def _error_for(raw: RawAnswer) -> errors.UpstreamError:
    """The domain exception for an unexpected status (heroku-api.md §1.3, §1.4)."""
    status, headers = raw.status, raw.headers
    try:
        body = json.loads(raw.content)
    except ValueError:
        body = None
    if isinstance(body, dict):
        error_id = as_text(body.get("id"))
        message = body.get("message")
        if not isinstance(message, str) or not message:
            # Without a message, the original joined every key and value.
            message = "; ".join(f"{k} {v}" for k, v in body.items())
    else:
        error_id, message = None, raw.content.decode("utf-8", "replace")
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
