"""Pages, redirects and the safe-redirect check shared by the views."""

from __future__ import annotations

from urllib.parse import urlsplit

from mako.lookup import TemplateLookup
from webob import Response

from identity.resources import templates_dir


def template_lookup(reload: bool = False) -> TemplateLookup:
    """The pages' templates; *reload* (development) re-reads an edited one.

    Mako escapes nothing by default: "h" makes every ${} HTML-escaped, and
    strict_undefined turns a missing variable into an error, not "".  Without
    *reload* a template is compiled once, not checked on disk at every render.
    """
    return TemplateLookup(
        directories=[str(templates_dir())],
        default_filters=["h"],
        strict_undefined=True,
        input_encoding="utf-8",
        filesystem_checks=reload,
    )


def render(request, template: str, status: int = 200, **context) -> Response:
    """The HTML page *template* with *context*, flash messages and the CSRF token."""
    page = request.registry.templates.get_template(template).render(
        flashes=request.session.pop_flashes(),
        csrf_token=request.session.csrf_token,
        **context,
    )
    return Response(page, status=status, content_type="text/html", charset="utf-8")


def error_page(
    request, status: int, title: str, message: str, detail: str | None = None
) -> Response:
    """*message* for people; *detail*, when given, is the technical reason shown below it."""
    return render(
        request, "error.mako", status=status, heading=title, message=message, detail=detail
    )


def not_found(request) -> Response:
    """The 404 page of a path that serves nothing (here, or with this configuration)."""
    return error_page(request, 404, "Not found", "The page you were looking for doesn't exist.")


def redirect(request, location: str, flash: str | None = None) -> Response:
    """303 after a POST (so the browser drops the form), 302 otherwise; *flash*
    is a message for the page the browser lands on."""
    if any(c in location for c in "\r\n"):
        raise ValueError("refusing a Location with a line break")
    if flash is not None:
        request.session.flash(flash)
    status = 303 if request.method == "POST" else 302
    return Response(status=status, location=location)


def http_url(url: str | None) -> str | None:
    """*url* when it is a plain absolute http(s) URL, else None.

    Refuses spaces, control and non-ASCII characters, backslashes and
    userinfo: browsers read those differently from URL parsers, which is
    how open redirects start.
    """
    if not url or any(not 0x21 <= ord(c) <= 0x7E or c == "\\" for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in {"http", "https"} or not parts.netloc or "@" in parts.netloc:
        return None
    return url


def safe_redirect(url: str | None, allowed_hosts, allow_local: bool = False) -> str | None:
    """*url* when it may be sent to: an http(s) URL whose host[:port] is exactly
    on *allowed_hosts*, or with *allow_local* a path on this site."""
    if allow_local and url and url.startswith("/") and not url.startswith("//"):
        return url if http_url("http://identity" + url) else None
    checked = http_url(url)
    if checked is None or urlsplit(checked).netloc.lower() not in allowed_hosts:
        return None
    return checked
