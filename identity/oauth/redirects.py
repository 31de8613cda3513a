"""Redirect URI matching: exact, except RFC 8252's any-port rule for loopback."""

from __future__ import annotations

import re

# http, a loopback IP literal, an optional port, then the path and query.
# Anything else (names such as "localhost", userinfo, https) is no loopback
# redirect in RFC 8252 §7.3's sense and must match exactly.
_LOOPBACK = re.compile(r"http://(127\.0\.0\.1|\[::1\])(?::(\d{1,5}))?(/[^#]*)?")


def redirect_uri_matches(registered: str, given: str, public: bool) -> bool:
    """True when *given* is the client's *registered* redirect URI.

    Character for character (RFC 9700 §4.1.3), except that a public (native)
    client's loopback URI may name any port (RFC 8252 §7.3), because the
    operating system picks a free port at run time.
    """
    if not registered or not given:
        return False
    if given == registered:
        return True
    if not public:
        return False
    ours, theirs = _loopback(registered), _loopback(given)
    return ours is not None and ours == theirs


def _loopback(uri: str) -> tuple[str, str] | None:
    match = _LOOPBACK.fullmatch(uri)
    if match is None:
        return None
    host, port, rest = match.groups()
    if port is not None and not 0 < int(port) <= 65535:
        return None
    return host, rest or ""
