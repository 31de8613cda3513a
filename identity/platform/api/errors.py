"""Error answers: ``{"id", "message"}`` with the status of heroku-api.md §1.4.

``ApiError`` is what the HTTP layer itself refuses (406, 405, 416, a body
that is not JSON); ``for_domain`` is the one table from a domain error to its
status and headers.
"""

from __future__ import annotations

from collections.abc import Mapping

from identity.platform.domain import errors as domain


class ApiError(Exception):
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


#: Most specific class first.
STATUS: tuple[tuple[type[domain.DomainError], int], ...] = (
    (domain.BadRequest, 400),
    (domain.DeviceFlowError, 400),
    (domain.Unauthorized, 401),
    (domain.Forbidden, 403),
    (domain.NotFound, 404),
    (domain.InvalidParams, 422),
    (domain.PasswordExpired, 422),
    (domain.RateLimited, 429),
    (domain.Unavailable, 503),
)


def for_domain(error: domain.DomainError) -> ApiError:
    status = next((s for cls, s in STATUS if isinstance(error, cls)), 400)
    headers = {}
    if isinstance(error, domain.RateLimited):
        headers["Retry-After"] = str(error.retry_after)
    if isinstance(error, domain.TwoFactorRequired):
        headers["Heroku-Two-Factor-Required"] = "true"
    return ApiError(status, error.id, error.message, headers)


def bad_request(message: str) -> ApiError:
    return ApiError(400, "bad_request", message)


def not_found(resource: str) -> ApiError:
    return ApiError(404, "not_found", f"Couldn't find that {resource}.")


def invalid_params(message: str) -> ApiError:
    return ApiError(422, "invalid_params", message)
