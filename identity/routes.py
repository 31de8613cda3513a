"""The one route table of Identity, and the small router that serves it."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping

from webob import Response

from identity.views import authorize, demo, login, logout, pages, token
from identity.views.render import error_page

View = Callable[..., Response]


@dataclasses.dataclass(frozen=True)
class Route:
    pattern: re.Pattern
    views: Mapping[str, View]  # HTTP method -> view
    csrf: bool  # check the form's csrf_token on POST


def route(path: str, *, csrf: bool = True, **views: View) -> Route:
    """A route for *path*; ``{name}`` segments land in ``request.matchdict``."""
    pattern = re.sub(r"\\{(\w+)\\}", r"(?P<\1>[^/]+)", re.escape(path))
    if "GET" in views:
        views.setdefault("HEAD", views["GET"])
    return Route(re.compile(pattern), views, csrf)


ROUTES = (
    route("/", GET=pages.home),
    route("/login", GET=login.form, POST=login.submit),
    route("/login/two-factor", GET=login.two_factor),
    # GET /logout exists (the original's links use it), so a CSRF token on
    # POST or DELETE would protect nothing.
    route("/logout", GET=logout.logout, POST=logout.logout, DELETE=logout.logout, csrf=False),
    route("/oauth/authorize", GET=authorize.authorize, POST=authorize.authorize),
    # A JSON client endpoint: clients authenticate themselves, no cookies.
    route("/oauth/token", POST=token.token, csrf=False),
    route("/health", GET=pages.health),
    route("/robots.txt", GET=pages.robots),
    route("/static/identity.css", GET=pages.stylesheet),
    route("/demo/callback", GET=demo.callback),
)


class Router:
    """Matches ``path_info`` exactly, then the method, then the CSRF token."""

    def __init__(self, routes):
        self.routes = tuple(routes)

    def dispatch(self, request) -> Response:
        for candidate in self.routes:
            match = candidate.pattern.fullmatch(request.path_info)
            if match is None:
                continue
            view = candidate.views.get(request.method)
            if view is None:
                response = error_page(
                    request, 405, "Method not allowed", "This page does not answer that method."
                )
                response.headers["Allow"] = ", ".join(sorted(candidate.views))
                return response
            if (
                candidate.csrf
                and request.method == "POST"
                and not request.session.check_csrf(request.POST.get("csrf_token"))
            ):
                return error_page(
                    request,
                    403,
                    "Form expired",
                    "This form has expired. Please go back, reload the page and try again.",
                )
            request.matchdict = match.groupdict()
            return view(request)
        return error_page(request, 404, "Not found", "The page you were looking for doesn't exist.")


def make_router() -> Router:
    return Router(ROUTES)
