"""The one route table of the embedded Platform API.

Each route names its method, path pattern (``{name}`` matches one path
segment) and view, and whether it writes: writing routes run in a
``BEGIN IMMEDIATE`` transaction.  Password-checking GETs write too, because a
failed attempt is counted.

A route that hashes or verifies a password names a ``prepare`` step too.  It
runs first, in a read transaction, and does that hashing into the request's
``PasswordWork`` (passwords.py), so that the ~70 ms of Argon2 are not spent
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

from identity.platform import (
    accounts,
    authorizations,
    clients,
    devices,
    invitations,
    logins,
    oauth_tokens,
    password_resets,
    sessions,
    sms,
)
from identity.platform.errors import PlatformError, not_found


@dataclasses.dataclass(frozen=True)
class Route:
    method: str
    pattern: str
    view: Callable
    write: bool
    prepare: Callable | None = None

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
) -> Route:
    return Route(method, pattern, view, method != "GET" if write is None else write, prepare)


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
    route("POST", "/oauth/tokens", oauth_tokens.create),
    route("POST", "/oauth/tokens/actions/revoke", oauth_tokens.revoke),
    route("POST", "/oauth/tokens/actions/introspect", oauth_tokens.introspect),
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
    route("GET", "/users/{id}", accounts.info),
    route("PATCH", "/users/{id}", accounts.update, prepare=accounts.prepare_update),
    route("GET", "/users/~/sms-number", sms.info, write=True, prepare=logins.prepare_basic),
    route(
        "POST",
        "/users/~/sms-number/actions/recover",
        sms.recover,
        prepare=logins.prepare_basic,
    ),
    route("POST", "/password-resets", password_resets.create),
    route(
        "POST",
        "/password-resets/{token}/actions/finalize",
        password_resets.finalize,
        prepare=password_resets.prepare_finalize,
    ),
    route("PATCH", "/invitations/{token}", invitations.accept, prepare=invitations.prepare_accept),
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
        raise PlatformError(
            405, "method_not_allowed", "Method not allowed.", {"Allow": ", ".join(allowed)}
        )
    raise not_found("resource")
