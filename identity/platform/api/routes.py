"""The one route table of the embedded Platform API.

Each route names its method, path pattern (``{name}`` matches one path
segment) and view, and whether it writes: writing routes run in a
``BEGIN IMMEDIATE`` transaction.  Password-checking GETs write too, because a
failed attempt is counted.

A route that hashes or verifies a password names a ``prepare`` step too.  It
runs first, in a read transaction, and does that hashing into the request's
``PasswordWork`` (domain/passwords.py), so that the ~70 ms of Argon2 are not spent
holding the write lock that every other write queues behind.  The view stays
the only judge: it reads everything again under the lock and gets the
prepared hashes only where its inputs are unchanged.  So ``prepare`` never
writes, and its errors are not answers (the app drops them; the view meets
them again): it is an optimisation that cannot change any answer.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable

from identity.platform.api import (
    accounts,
    authorizations,
    clients,
    devices,
    health,
    links,
    login_tokens,
    sessions,
    sms,
    tokens,
    two_factor,
)
from identity.platform.api.errors import ApiError, not_found


@dataclasses.dataclass(frozen=True)
class Route:
    method: str
    pattern: str
    view: Callable
    write: bool
    prepare: Callable | None = None
    #: False: answered without opening a transaction (liveness must not need the database).
    database: bool = True

    @property
    def regex(self) -> re.Pattern:
        return _compile(self.pattern)


def route(
    method: str,
    pattern: str,
    view: Callable,
    *,
    write: bool | None = None,
    prepare: Callable | None = None,
    database: bool = True,
) -> Route:
    writes = method != "GET" if write is None else write
    return Route(method, pattern, view, writes, prepare, database)


ROUTES = [
    route(
        "POST",
        "/oauth/authorizations",
        authorizations.create,
        prepare=authorizations.prepare_create,
    ),
    route("GET", "/oauth/authorizations", authorizations.list_all),
    route("GET", "/oauth/authorizations/{id}", authorizations.info),
    route("DELETE", "/oauth/authorizations/{id}", authorizations.delete),
    route("GET", "/oauth/clients/{id}", clients.info),
    route("POST", "/oauth/clients/actions/authenticate", tokens.authenticate),
    route("POST", "/oauth/tokens", tokens.create),
    route("POST", "/login-tokens/actions/spend", login_tokens.spend),
    route("POST", "/oauth/tokens/actions/revoke", tokens.revoke),
    route("POST", "/oauth/tokens/actions/introspect", tokens.introspect),
    route("GET", "/oauth/sessions", sessions.list_all),
    route("DELETE", "/oauth/sessions/{id}", sessions.delete),
    route("POST", "/oauth/device-authorizations", devices.create),
    route("GET", "/oauth/device-authorizations/{user_code}", devices.info, write=True),
    route("POST", "/oauth/device-authorizations/{user_code}/actions/approve", devices.approve),
    route("POST", "/oauth/device-authorizations/{user_code}/actions/deny", devices.deny),
    route("GET", "/account", accounts.info),
    route("PATCH", "/account", accounts.update, prepare=accounts.prepare_update),
    route(
        "POST",
        "/account/recovery-codes",
        accounts.regenerate_recovery_codes,
        prepare=accounts.prepare_recovery_codes,
    ),
    route("POST", "/account/two-factor/actions/enroll", two_factor.enroll),
    route("POST", "/account/two-factor/actions/confirm", two_factor.confirm),
    route("DELETE", "/account/two-factor", two_factor.disable, prepare=two_factor.prepare_disable),
    route("GET", "/users/{id}", accounts.info),
    route("PATCH", "/users/{id}", accounts.update, prepare=accounts.prepare_update),
    route("GET", "/users/~/sms-number", sms.info, write=True, prepare=sms.prepare),
    route("POST", "/users/~/sms-number/actions/recover", sms.recover, prepare=sms.prepare),
    route("POST", "/password-resets", links.create_reset),
    route("GET", "/password-resets/{token}", links.check_reset),
    route(
        "POST",
        "/password-resets/{token}/actions/finalize",
        links.finalize_reset,
        prepare=links.prepare_finalize_reset,
    ),
    route("PATCH", "/invitations/{token}", links.accept_invitation, prepare=links.prepare_accept),
    # Operations: not Heroku's; for load balancers and Identity's readiness.
    route("GET", "/health", health.live, database=False),
    route("GET", "/health/live", health.live, database=False),
    route("GET", "/health/ready", health.ready),
]


@functools.cache
def _compile(pattern: str) -> re.Pattern:
    parts = re.split(r"\{(\w+)\}", pattern)
    # Even parts are literal text, odd parts parameter names.
    regex = "".join(
        f"(?P<{part}>[^/]+)" if i % 2 else re.escape(part) for i, part in enumerate(parts)
    )
    return re.compile(regex + "/?")


def match(method: str, path: str) -> tuple[Route, dict[str, str]]:
    """The route for *method* and *path* and its parameters; 404 or 405 otherwise."""
    allowed = []
    for candidate in ROUTES:
        found = candidate.regex.fullmatch(path)
        if found:
            if candidate.method == method:
                return candidate, found.groupdict()
            allowed.append(candidate.method)
    if allowed:
        raise ApiError(
            405, "method_not_allowed", "Method not allowed.", {"Allow": ", ".join(allowed)}
        )
    raise not_found("resource")
