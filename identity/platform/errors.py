"""The one exception every Platform API service raises to answer with an error.

A ``PlatformError`` is an *answer*, not a crash: the app renders it as the
``{"id", "message"}`` JSON body of heroku-api.md §1.4 with its status and
headers, and still commits what the request wrote before raising it (failure
counters, a revoked token family), so services check before they write.
"""

from __future__ import annotations

from collections.abc import Mapping


class PlatformError(Exception):
    """An API error: HTTP *status*, machine-readable *id*, *message* for people."""

    def __init__(
        self, status: int, id: str, message: str, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(f"{status} {id}: {message}")
        self.status = status
        self.id = id
        self.message = message
        self.headers = dict(headers or {})

    def body(self) -> dict[str, str]:
        return {"id": self.id, "message": self.message}


def bad_request(message: str) -> PlatformError:
    return PlatformError(400, "bad_request", message)


def unauthorized(message: str = "Invalid credentials provided.") -> PlatformError:
    return PlatformError(401, "unauthorized", message)


def forbidden(message: str) -> PlatformError:
    return PlatformError(403, "forbidden", message)


def not_found(resource: str) -> PlatformError:
    return PlatformError(404, "not_found", f"Couldn't find that {resource}.")


def invalid_params(message: str) -> PlatformError:
    return PlatformError(422, "invalid_params", message)


def rate_limited(retry_after: int, message: str) -> PlatformError:
    return PlatformError(429, "rate_limit", message, {"Retry-After": str(retry_after)})
