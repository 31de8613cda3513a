"""The embedded Platform API as a WSGI app: request in, JSON out.

``make_app(settings)`` builds a ``PlatformApp``.  For each request it:
checks ``Accept`` (406 only when JSON is excluded), finds the route, parses
the JSON body (400 when malformed, 422 when not an object), runs the route's
``prepare`` step if it has one (password hashing, in a read snapshot: see
routes.py), runs the view in one transaction (``BEGIN IMMEDIATE`` for
writes), and answers with the ``Request-Id`` header.  A domain error
(other than ``Unavailable``) is a deliberate answer and its transaction commits (so failure
counters stick); anything else rolls back, is logged, and becomes a plain
JSON 500 without details.

Mail a view sends is delivered after the commit (``Transaction.after_commit``,
so an SMTP round trip never holds the write lock), and only when the view
succeeded: an error answer commits its writes but drops its mail.  A
delivery that fails after the commit answers ``503 unavailable`` (domain/mail.py).
A database that is busy or unreachable answers ``503`` with ``Retry-After``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import time
import uuid
from collections.abc import Callable

import sqlalchemy.exc
from webob import Request, Response

from identity import logs
from identity.platform.api.errors import ApiError, bad_request, for_domain, invalid_params
from identity.platform.api.errors import not_found as api_not_found
from identity.platform.api.http import Context, json_response
from identity.platform.api.routes import Route, match
from identity.platform.domain.errors import DomainError, Unavailable
from identity.platform.domain.housekeeping import Housekeeper
from identity.platform.domain.mail import Outbox
from identity.platform.domain.passwords import DEFAULT_HASHER, PasswordHasher, PasswordWork
from identity.platform.domain.work import Services, Work
from identity.platform.store import schema
from identity.platform.store.database import Database

log = logging.getLogger(__name__)

#: What a client-sent Request-Id may look like before it is echoed.
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,200}")
#: Media ranges that let us answer JSON (the version parameter is not checked).
JSON_TYPES = {"*/*", "application/*", "application/json", "application/vnd.heroku+json"}
BUSY = ApiError(503, "unavailable", "The service is busy; try again.", {"Retry-After": "1"})


def open_database(
    settings, *, clock: Callable[[], float] = time.time, migrate: bool = True
) -> Database:
    """Open the database of *settings*, applying pending migrations unless told not to."""
    db = Database(settings.database_url, clock=clock)
    if migrate:
        schema.upgrade(db)
    return db


class PlatformApp:
    """WSGI callable; ``close()`` stops housekeeping and closes the database connections."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self._housekeeper: Housekeeper | None = None

    @property
    def database(self) -> Database:
        return self.services.db

    def start_background(self) -> None:
        """What a serving process runs beside requests: mail delivery and pruning on
        timers (tests call ``Outbox.drain`` and ``housekeeping.prune`` instead)."""
        self.services.outbox.start_worker()
        if self._housekeeper is None:
            self._housekeeper = Housekeeper(self.services.db)
            self._housekeeper.start()

    def close(self) -> None:
        self.services.outbox.stop_worker()
        if self._housekeeper is not None:
            self._housekeeper.stop()
        self.services.db.close()

    def __call__(self, environ, start_response):
        request = Request(environ)
        response = self.handle(request)
        response.headers["Request-Id"] = request_id(request)
        return response(environ, start_response)

    def handle(self, request: Request) -> Response:
        try:
            check_accept(request)
            route, params = match(request.method, path_info(request))
            logs.annotate(route=route.pattern)
            if not route.database:
                return route.view(None, **params)
            body = parse_body(request)
            passwords = PasswordWork(self.services.hasher)
            if route.prepare is not None:
                self.prepare(route, params, request, body, passwords)
            with self.services.db.transaction(write=route.write) as tx:
                ctx = self.context(request, tx, body, passwords)
                try:
                    response = route.view(ctx, **params)
                except DomainError as error:
                    if isinstance(error, Unavailable):
                        raise
                    response = error_response(for_domain(error))
                except ApiError as error:
                    response = error_response(error)
                if response.status_int >= 400:
                    # An error answer commits its counters, but sends no mail.
                    tx.discard_after_commit()
            # Committed; the after-commit actions (mail) have run.
            return response
        except ApiError as error:
            return error_response(error)
        except DomainError as error:
            return error_response(for_domain(error))
        except sqlalchemy.exc.OperationalError as error:
            log.warning("database unavailable: %s", error.orig)
            return error_response(BUSY)
        except Exception:
            log.exception(
                "unhandled error on %s %r", request.method, request.environ.get("PATH_INFO")
            )
            return error_response(ApiError(500, "internal_server_error", "Internal server error."))

    def context(self, request: Request, tx, body: dict, passwords: PasswordWork) -> Context:
        """What a view (or prepare step) gets for *request* within transaction *tx*."""
        ip = client_ip(request, self.services.settings.platform_trusted_proxies)
        return Context(request, Work(tx, self.services, ip, passwords), body)

    def prepare(
        self, route: Route, params: dict, request: Request, body: dict, passwords: PasswordWork
    ) -> None:
        """Run *route*'s prepare step in a read transaction, which blocks no writer."""
        with self.services.db.transaction(write=False) as tx:
            ctx = self.context(request, tx, body, passwords)
            # Its errors are not answers: the view meets the same error again,
            # in its own order and counting what must be counted.
            with contextlib.suppress(DomainError, ApiError):
                route.prepare(ctx, **params)


def error_response(error: ApiError) -> Response:
    return json_response(error.status, error.body(), error.headers)


def check_accept(request: Request) -> None:
    """406 only when an ``Accept`` is sent and it excludes JSON (§6.1)."""
    header = request.headers.get("Accept", "").strip()
    if header and not any(_accepts_json(part) for part in header.split(",")):
        raise ApiError(
            406, "not_acceptable", "Send Accept: application/vnd.heroku+json; version=3."
        )


def _accepts_json(media_range: str) -> bool:
    media_type, *params = (p.strip().lower() for p in media_range.split(";"))
    refused = any(p.replace(" ", "") in ("q=0", "q=0.0", "q=0.00", "q=0.000") for p in params)
    return media_type in JSON_TYPES and not refused


def path_info(request: Request) -> str:
    """The request path; a path that is not UTF-8 names no resource (404)."""
    try:
        return request.path_info
    except UnicodeDecodeError:
        raise api_not_found("resource") from None


def parse_body(request: Request) -> dict:
    """The JSON object in the body; ``{}`` when there is none.

    400 also for JSON that Python parses but nothing here can store or hash:
    nesting too deep for the parser, and ``\\ud800``-style lone surrogates
    (not encodable as UTF-8).
    """
    raw = request.body
    if not raw.strip():
        return {}
    try:
        text = raw.decode("utf-8")
        body = json.loads(text)
        if "\\u" in text:
            json.dumps(body, ensure_ascii=False).encode("utf-8")
    except (UnicodeError, ValueError, RecursionError):
        raise bad_request("The request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise invalid_params("The request body must be a JSON object.")
    return body


def request_id(request: Request) -> str:
    """The first usable ``Request-Id`` sent (repeats arrive comma-joined), or a new one."""
    for value in request.headers.get("Request-Id", "").split(","):
        value = value.strip()
        if REQUEST_ID.fullmatch(value):
            return value
    return str(uuid.uuid4())


def client_ip(request: Request, trusted_proxies) -> str:
    """The end user's IP, which the abuse limits count by.

    The last ``X-Forwarded-For`` entry is Identity's word for it, believed
    only from a peer on *trusted_proxies*: a caller reaching a separately
    served API directly could otherwise pick a fresh IP per guess.
    """
    peer = request.remote_addr or "unknown"
    if peer not in trusted_proxies:
        return peer
    forwarded = [p.strip() for p in request.headers.get("X-Forwarded-For", "").split(",")]
    forwarded = [p for p in forwarded if p]
    return forwarded[-1] if forwarded else peer


def make_app(
    settings,
    *,
    clock: Callable[[], float] = time.time,
    hasher: PasswordHasher = DEFAULT_HASHER,
    outbox: Outbox | None = None,
) -> PlatformApp:
    """Build the embedded Platform API for *settings*; *clock* and *hasher* are for tests."""
    db = open_database(settings, clock=clock)
    return PlatformApp(
        Services.build(settings, db, hasher, outbox or Outbox.from_settings(settings))
    )
