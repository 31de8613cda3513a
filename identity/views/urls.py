"""Building Location headers from values that came from the request."""

from __future__ import annotations

import unicodedata
from urllib.parse import quote


def scrub(value: str) -> str:
    """*value* without control characters (CR, LF, NUL, ...), which must never reach a header."""
    return "".join(c for c in value if unicodedata.category(c) != "Cc")


def local_path(prefix: str, *segments: str) -> str:
    """*prefix* followed by *segments*, each percent-encoded as one path segment.

    A segment from the URL (a token, a slug) can then neither add path
    levels nor break out of the Location header.
    """
    return prefix + "".join("/" + quote(scrub(segment), safe="") for segment in segments)
