"""The embedded Platform API as a WSGI app: request in, JSON out.

``make_app(settings)`` builds a ``PlatformApp``.  For each request it:
checks ``Accept`` (406 only when JSON is excluded), finds the route, parses
the JSON body (400 when malformed, 422 when not an object), runs the route's
``prepare`` step if it has one (password hashing, in a read snapshot: see
routes.py), runs the view in one transaction (``BEGIN IMMEDIATE`` for
writes), and answers with the ``Request-Id`` header.  A ``PlatformError``
below 500 is a deliberate answer and its transaction commits (so failure
counters stick); anything else rolls back, is logged, and becomes a plain
JSON 500 without details.

Mail a view sends is delivered after the commit (``Transaction.after_commit``,
so an SMTP round trip never holds the write lock), and only when the view
succeeded: an error answer commits its writes but drops its mail.  A
delivery that fails after the commit answers ``503 unavailable`` (outbox.py).
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import sqlite3
import time
import uuid
from collections.abc import Callable

from webob import Request, Response

from identity.platform import twofactor
from identity.platform.db import Database, database_path
from identity.platform.errors import PlatformError, bad_request, invalid_params, not_found
from identity.platform.http import Context, json_response
from identity.platform.outbox import Outbox
from identity.platform.passwords import DEFAULT_HASHER, PasswordHasher, PasswordWork
from identity.platform.routes import Route, match
from identity.platform.tokens import derive_key

log = logging.getLogger(__name__)

#: What a client-sent Request-Id may look like before it is echoed.
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,200}")
#: Media ranges that let us answer JSON (the version parameter is not checked).
JSON_TYPES = {"*/*", "application/*", "application/json", "application/vnd.heroku+json"}


def open_database(settings, *, clock: Callable[[], float] = time.time) -> Database:
    """Open (creating and migrating as needed) the SQLite file of *settings*."""
    return Database(database_path(settings.database_url), clock=clock)


class Platform:
    """The app's services, shared by every request."""

    def __init__(self, settings, db: Database, hasher: PasswordHasher, outbox: Outbox) -> None:
        self.settings = settings
        self.db = db
        self.hasher = hasher
        self.outbox = outbox
        self.fernet = twofactor.cipher(settings.platform_encryption_key)
        #: Derives rotated refresh tokens from their predecessor (tokens.derive_token).
        self.rotation_key = derive_key(settings.platform_encryption_key, "refresh-rotation")
        #: Gives unknown emails a stable fake user id (password_resets.py).
        self.pseudonym_key = derive_key(settings.platform_encryption_key, "email-pseudonym")


class PlatformApp:
    """WSGI callable; ``close()`` closes the database connections."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform

    @property
    def database(self) -> Database:
        return self.platform.db

    def close(self) -> None:
        self.platform.db.close()

    def __call__(self, environ, start_response):
        request = Request(environ)
        response = self.handle(request)
        response.headers["Request-Id"] = request_id(request)
        return response(environ, start_response)

    def handle(self, request: Request) -> Response:
        try:
            check_accept(request)
            route, params = match(request.method, path_info(request))
            body = parse_body(request)
            passwords = PasswordWork(self.platform.hasher)
            if route.prepare is not None:
                self.prepare(route, params, request, body, passwords)
            with self.platform.db.transaction(write=route.write) as tx:
                ctx = self.context(request, tx, body, passwords)
                try:
                    response = route.view(ctx, **params)
                except PlatformError as error:
                    if error.status >= 500:
                        raise
                    response = error_response(error)
                if response.status_int >= 400:
                    # An error answer commits its counters, but sends no mail.
                    tx.discard_after_commit()
            # Committed; the after-commit actions (mail) have run.
            return response
        except PlatformError as error:
            return error_response(error)
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) and "busy" not in str(error):
                raise
            log.warning("database busy: %s", error)
            return error_response(
                PlatformError(
                    503, "unavailable", "The service is busy; try again.", {"Retry-After": "1"}
                )
            )
        except Exception:
            log.exception(
                "unhandled error on %s %r", request.method, request.environ.get("PATH_INFO")
            )
            return error_response(
                PlatformError(500, "internal_server_error", "Internal server error.")
            )

    def context(self, request: Request, tx, body: dict, passwords: PasswordWork) -> Context:
        """What a view (or prepare step) gets for *request* within transaction *tx*."""
        ip = client_ip(request, self.platform.settings.platform_trusted_proxies)
        return Context(self.platform, request, tx, body, ip, passwords)

    def prepare(
        self, route: Route, params: dict, request: Request, body: dict, passwords: PasswordWork
    ) -> None:
        """Run *route*'s prepare step in a read transaction, which in WAL mode blocks no writer."""
        with self.platform.db.transaction(write=False) as tx:
            ctx = self.context(request, tx, body, passwords)
            # Its errors are not answers: the view meets the same error again,
            # in its own order and counting what must be counted.
            with contextlib.suppress(PlatformError):
                route.prepare(ctx, **params)


def error_response(error: PlatformError) -> Response:
    return json_response(error.status, error.body(), error.headers)


def check_accept(request: Request) -> None:
    """406 only when an ``Accept`` is sent and it excludes JSON (§6.1)."""
    header = request.headers.get("Accept", "").strip()
    if header and not any(_accepts_json(part) for part in header.split(",")):
        raise PlatformError(
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
        raise not_found("resource") from None


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
    return PlatformApp(Platform(settings, db, hasher, outbox or Outbox.from_settings(settings)))
