"""The one route table of the embedded Platform API.

Each route names its method, path pattern (``{name}`` matches one path
segment) and view, and whether it writes: writing routes run in a
``BEGIN IMMEDIATE`` transaction.  Password-checking GETs write too, because a
failed attempt is counted.
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

    @property
    def regex(self) -> re.Pattern:
        return _compile(self.pattern)


def route(method: str, pattern: str, view: Callable, *, write: bool | None = None) -> Route:
    return Route(method, pattern, view, method != "GET" if write is None else write)


ROUTES = [
    route("POST", "/oauth/authorizations", authorizations.create),
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
    route("PATCH", "/account", accounts.update),
    route("POST", "/account/recovery-codes", accounts.regenerate_recovery_codes),
    route("GET", "/users/~", accounts.info),
    route("PATCH", "/users/~", accounts.update),
    route("GET", "/users/~/sms-number", sms.info, write=True),
    route("POST", "/users/~/sms-number/actions/recover", sms.recover),
    route("POST", "/password-resets", password_resets.create),
    route("POST", "/password-resets/{token}/actions/finalize", password_resets.finalize),
    route("PATCH", "/invitations/{token}", invitations.accept),
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
