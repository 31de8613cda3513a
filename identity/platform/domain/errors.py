"""The domain's errors: what went wrong, in words the API layer turns into answers.

Each has a machine-readable ``id`` (heroku-api.md §1.4) and a ``message`` for
people; ``api/errors.py`` holds the one table from class to HTTP status.  An
error still commits what the transaction wrote before it was raised (failure
counters, a revoked token family), so the rules check before they write.
``Unavailable`` alone rolls back.
"""

from __future__ import annotations


class DomainError(Exception):
    id = "invalid_request"

    def __init__(self, message: str, *, id: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if id is not None:
            self.id = id


class BadRequest(DomainError):
    id = "bad_request"


class Unauthorized(DomainError):
    id = "unauthorized"

    def __init__(self, message: str = "Invalid credentials provided.", **kwargs) -> None:
        super().__init__(message, **kwargs)


class InvalidTwoFactorCode(Unauthorized):
    id = "invalid_two_factor_code"


class Forbidden(DomainError):
    id = "forbidden"


class TwoFactorRequired(Forbidden):
    id = "two_factor"


class Suspended(Forbidden):
    id = "suspended"

    def __init__(self, message: str = "This account has been suspended.") -> None:
        super().__init__(message)


class NotFound(DomainError):
    id = "not_found"

    def __init__(self, resource: str) -> None:
        super().__init__(f"Couldn't find that {resource}.")


class InvalidParams(DomainError):
    id = "invalid_params"


class PasswordExpired(DomainError):
    id = "password_expired"

    def __init__(self) -> None:
        super().__init__("Your password has expired.")


class RateLimited(DomainError):
    id = "rate_limit"

    def __init__(self, retry_after: int, message: str) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class DeviceFlowError(DomainError):
    """RFC 8628 §3.5's answers to a device code that is not (yet) good for tokens."""


class Unavailable(DomainError):
    """Something this service needs (mail, the database) failed: try again."""

    id = "unavailable"
