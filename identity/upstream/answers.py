"""Reading values out of the API's JSON answers.

A value the contract promises but the answer lacks means the API is not
answering as contracted, which Identity treats like an outage.
"""

from __future__ import annotations

import datetime
from typing import Any

from identity import errors


def optional(body: Any, *keys: str) -> Any:
    """The value at *keys* in nested objects, or None."""
    for key in keys:
        if not isinstance(body, dict):
            return None
        body = body.get(key)
    return body


def require(body: Any, *keys: str) -> Any:
    value = optional(body, *keys)
    if value is None or value == "":
        raise errors.UpstreamUnavailable(f"The API's answer lacks {'.'.join(keys)}.")
    return value


def require_int(body: Any, *keys: str) -> int:
    value = require(body, *keys)
    if not isinstance(value, int) or isinstance(value, bool):
        raise errors.UpstreamUnavailable(f"The API's {'.'.join(keys)} is not a number.")
    return value


def require_time(body: Any, *keys: str) -> int:
    """An ISO-8601 UTC time of the answer (``2012-01-01T12:00:00Z``) as epoch seconds."""
    value = require(body, *keys)
    try:
        moment = datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise errors.UpstreamUnavailable(f"The API's {'.'.join(keys)} is not a time.") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return int(moment.timestamp())


def as_text(value: Any) -> str | None:
    """Ids may come as numbers (the original stub used 123); compare them as text."""
    return None if value is None else str(value)


def texts(value: Any) -> tuple[str, ...]:
    """A list of strings from the answer; anything else is none."""
    if not isinstance(value, list):
        return ()
    return tuple(v for v in value if isinstance(v, str) and v)
