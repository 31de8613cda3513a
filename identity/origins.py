"""Where a form post comes from, as the browser says: ``Origin`` and ``Sec-Fetch-Site``.

The CSRF token proves a form was served by Identity; these headers, which a
page cannot forge in a browser, say which site submitted it.  Checking both
stops a cross-site post even where the token leaks or cannot be used (the
signup app's ``POST /account/accept/ok``).  Tools that send neither header
are not browsers, and a CSRF attack needs a browser, so the general check
lets them through on the token alone.
"""

from __future__ import annotations

from urllib.parse import urlsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url: str) -> str | None:
    """The RFC 6454 origin of *url* (``scheme://host[:port]``), or None for an opaque one."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if scheme not in _DEFAULT_PORTS or not host:
        return None  # "null", file:, data:, garbage
    if ":" in host:
        host = f"[{host}]"
    shown_port = f":{port}" if port is not None and port != _DEFAULT_PORTS[scheme] else ""
    return f"{scheme}://{host}{shown_port}"


def _origin_header(request) -> str | None:
    """The ``Origin`` sent, None when absent or ``null``.

    Identity's pages say ``Referrer-Policy: no-referrer``, and under it
    browsers send ``Origin: null`` even for a post to the same origin
    (Fetch §3.2.5, "serializing a request origin"): ``null`` tells nothing,
    and ``Sec-Fetch-Site`` has to.
    """
    origin = request.headers.get("Origin")
    return None if origin is None or origin.strip().lower() == "null" else origin


def same_site_form(request) -> bool:
    """A form post Identity may act on: not from another site, as far as the browser says."""
    if request.headers.get("Sec-Fetch-Site", "").lower() == "cross-site":
        return False
    origin = _origin_header(request)
    return origin is None or origin_of(origin) == origin_of(request.settings.public_url)


def from_signup_app(request) -> bool:
    """``POST /account/accept/ok`` has no CSRF token (the signup app posts it), and
    logging someone in as the attacker's invited account is login CSRF: so only the
    signup app's origin (or Identity's own form), or a browser that says the post is
    same-origin without sending a telling Origin."""
    origin = _origin_header(request)
    if origin is None:
        return request.headers.get("Sec-Fetch-Site", "").lower() == "same-origin"
    allowed = {origin_of(request.settings.public_url)}
    if request.settings.signup_url:
        allowed.add(origin_of(request.settings.signup_url))
    return origin_of(origin) in allowed - {None}
