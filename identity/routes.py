"""The one route table of Identity, and the small router that serves it."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping

from webob import Response

from identity import logs, origins
from identity.views import (
    authorize,
    demo,
    device,
    email_change,
    end_session,
    external_login,
    health,
    introspection,
    invitations,
    jwks,
    login,
    logout,
    metadata,
    pages,
    password_reset,
    revocation,
    signup,
    token,
    two_factor_recovery,
    userinfo,
)
from identity.views.account import applications as account_applications
from identity.views.account import overview as account_overview
from identity.views.account import password as account_password
from identity.views.account import sessions as account_sessions
from identity.views.account import two_factor as account_two_factor
from identity.views.render import error_page, not_found

View = Callable[..., Response]


@dataclasses.dataclass(frozen=True)
class Route:
    pattern: re.Pattern
    views: Mapping[str, View]  # HTTP method -> view
    csrf: bool  # check the form's csrf_token on POST
    path: str = ""  # as written in the table: what public URLs are built from
    #: Whether a POST's Origin / Sec-Fetch-Site may be acted on (identity.origins).
    origin: Callable[..., bool] | None = None


def route(
    path: str, *, csrf: bool = True, origin: Callable[..., bool] | None = None, **views: View
) -> Route:
    """A route for *path*; ``{name}`` segments land in ``request.matchdict``.

    A CSRF-checked route also refuses posts the browser says are cross-site.
    """
    pattern = re.sub(r"\\{(\w+)\\}", r"(?P<\1>[^/]+)", re.escape(path))
    if "GET" in views:
        views.setdefault("HEAD", views["GET"])
    if origin is None and csrf:
        origin = origins.same_site_form
    return Route(re.compile(pattern), views, csrf, path, origin)


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
    route("/health", GET=health.live),
    route("/health/live", GET=health.live),
    route("/health/ready", GET=health.ready),
    route("/robots.txt", GET=pages.robots),
    route("/static/identity.css", GET=pages.stylesheet),
    route("/demo/callback", GET=demo.callback),
    route("/.well-known/oauth-authorization-server", GET=metadata.metadata),
    # OpenID Connect (Discovery 1.0, Core §5.3, RP-Initiated Logout 1.0).
    route("/.well-known/openid-configuration", GET=metadata.metadata),
    route("/.well-known/jwks.json", GET=jwks.jwks),
    # Resource endpoint: the bearer token authorizes, no cookies.
    route("/oauth/userinfo", GET=userinfo.userinfo, POST=userinfo.userinfo, csrf=False),
    # Relying parties may POST here themselves; the confirming POST checks its CSRF token.
    route(
        "/oauth/end-session", GET=end_session.end_session, POST=end_session.end_session, csrf=False
    ),
    # Account flows (issue 4).
    route(
        "/account/password/reset", GET=password_reset.request_form, POST=password_reset.request_link
    ),
    route(
        "/account/password/reset/{token}", GET=password_reset.reset_form, POST=password_reset.reset
    ),
    route("/account/email", GET=email_change.change_form, POST=email_change.change),
    # The account console (issue 11).
    route("/account", GET=account_overview.overview),
    route("/account/password", GET=account_password.form, POST=account_password.change),
    route("/account/sessions", GET=account_sessions.listing, POST=account_sessions.end),
    route("/account/two-factor", GET=account_two_factor.show, POST=account_two_factor.act),
    route(
        "/account/applications",
        GET=account_applications.listing,
        POST=account_applications.revoke,
    ),
    route("/account/email/confirm/{token}", GET=email_change.confirm),
    # The original's one CSRF exception: the signup app, another site, posts
    # here; the secret invitation token is what authorizes it.
    route(
        "/account/accept/ok",
        GET=invitations.accepted,
        POST=invitations.accept,
        csrf=False,
        origin=origins.from_signup_app,
    ),
    route("/account/accept/{id}/{token}", GET=invitations.accept_form),
    route("/account/two-factor/recovery", GET=two_factor_recovery.recovery),
    route(
        "/account/two-factor/recovery/sms",
        GET=two_factor_recovery.sms_form,
        POST=two_factor_recovery.send_sms,
    ),
    route("/signup", GET=signup.signup),
    route("/signup/{slug}", GET=signup.signup),
    route("/login/external", GET=external_login.login_external),
)

#: Endpoints that need the API's extensions (docs/architecture.md); served
#: only when ``settings.extensions`` says the upstream has them.
EXTENSION_ROUTES = (
    route("/oauth/revoke", POST=revocation.revoke, csrf=False),
    route("/oauth/introspect", POST=introspection.introspect, csrf=False),
    route("/oauth/device/code", POST=device.device_code, csrf=False),
    route("/oauth/device", GET=device.enter_code, POST=device.submit),
)


class Router:
    """Matches ``path_info`` exactly, then the method, then the CSRF token."""

    def __init__(self, routes):
        self.routes = tuple(routes)

    def path_of(self, view: View) -> str | None:
        """The path served by *view*, or None when it is not routed here."""
        return next((r.path for r in self.routes if view in r.views.values()), None)

    def dispatch(self, request) -> Response:
        for candidate in self.routes:
            match = candidate.pattern.fullmatch(request.path_info)
            if match is None:
                continue
            logs.annotate(route=candidate.path)
            view = candidate.views.get(request.method)
            if view is None:
                response = error_page(
                    request, 405, "Method not allowed", "This page does not answer that method."
                )
                response.headers["Allow"] = ", ".join(sorted(candidate.views))
                return response
            if request.method == "POST" and candidate.origin and not candidate.origin(request):
                return error_page(
                    request,
                    403,
                    "Request refused",
                    "This form was sent from another site. Please use the form on this site.",
                )
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
            request.route_path = candidate.path
            return view(request)
        return not_found(request)


def make_router(settings) -> Router:
    return Router(ROUTES + (EXTENSION_ROUTES if settings.extensions else ()))
