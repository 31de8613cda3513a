"""Domain exceptions for answers of the upstream Platform API.

``identity.upstream`` raises them; ``identity.app`` turns each into a page in
one place.  Nothing outside ``identity.upstream`` sees an HTTP response.
"""

from __future__ import annotations

from collections.abc import Mapping


class UpstreamError(Exception):
    """The API refused or failed a call.

    Carries the HTTP status (None for transport failures), the error body's
    ``id`` and ``message`` (heroku-api.md §1.4) and the response headers.
    """

    def __init__(
        self,
        message: str = "",
        *,
        status: int | None = None,
        id: str | None = None,
        headers: Mapping[str, str] | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.status = status
        self.id = id
        # Lower-case names: HTTP header names are case-insensitive.
        self.headers = {k.lower(): v for k, v in (headers or {}).items()}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status!r}, id={self.id!r})"


class BadRequest(UpstreamError):
    """400: the API's answer for an unknown OAuth client."""


class Unauthorized(UpstreamError):
    """401: bad credentials, or a missing, invalid or expired token."""


class Forbidden(UpstreamError):
    """403 without a more specific meaning."""


class TwoFactorRequired(Forbidden):
    """403 with ``Heroku-Two-Factor-Required``: a second factor is needed."""


class NotFound(UpstreamError):
    """404."""


class InvalidParams(UpstreamError):
    """422: validation failed (e.g. an unknown scope)."""


class RateLimited(UpstreamError):
    """429: too many requests; ``retry_after`` in seconds when the API said."""

    @property
    def retry_after(self) -> int | None:
        value = self.headers.get("retry-after", "")
        return int(value) if value.isdigit() else None


class Suspended(UpstreamError):
    """Error id ``suspended`` (any status): the account is suspended."""


class PasswordExpired(UpstreamError):
    """Error id ``password_expired`` (any status): the password must be reset."""


class UpstreamUnavailable(UpstreamError):
    """5xx, 406, timeouts, connection errors or an answer Identity can't read."""


class FeatureUnavailable(UpstreamError):
    """404 or 405 from a call the API may lack (the embedded API's extensions): the
    page says the feature is unavailable instead of failing."""
