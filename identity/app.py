"""The Identity WSGI application: settings -> registry of services -> app.

``make_app`` is the only wiring point.  Every request gets the registry, its
session (decrypted lazily) and an API client bound to its request id; every
upstream failure becomes a page in ``upstream_error_response``, and nothing
else ever reaches the browser as a traceback.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import re
import time
import uuid
from collections.abc import Callable

import webob
import webob.exc
from mako.lookup import TemplateLookup

from identity import errors, logs
from identity.embedded import upstream_for
from identity.oauth.id_token import IdTokens
from identity.oauth.server import OAuthServer
from identity.oauth.signing import SigningKeys
from identity.readable import drop_unreadable_cookies, form_readable, unreadable_body_response
from identity.resilience import UpstreamGuard
from identity.routes import Router, make_router
from identity.sealed import SealedCodes, SealedRefreshTokens
from identity.session import RootDomainCookies, Session, SessionCodec
from identity.settings import load_settings, signing_keys_text
from identity.spent_tokens import SpentTokens
from identity.upstream import HerokuAPI
from identity.views.logout import session_fields
from identity.views.render import error_page, not_found, redirect, template_lookup

log = logging.getLogger(__name__)

# Request ids we pass on: what Heroku's router and our own uuid4s look like.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:,-]{1,200}")

SECURITY_HEADERS = {
    # No page of Identity may be framed: a framed consent page is clickjacking.
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

#: A year, as HSTS preload lists ask; not includeSubDomains: sibling sites are not ours.
HSTS = "max-age=31536000"

PASSWORD_EXPIRED = "Your password has expired. Please reset it."


@dataclasses.dataclass(frozen=True)
class Registry:
    """The services every request may use, built once at start-up."""

    settings: object
    api: HerokuAPI
    templates: TemplateLookup
    sessions: SessionCodec
    root_cookies: RootDomainCookies
    sealed: SealedCodes
    router: Router
    #: OpenID Connect: the signing keys, and sealed refresh tokens of OpenID grants.
    signing: SigningKeys
    refresh_tokens: SealedRefreshTokens
    clock: Callable[[], float] = time.time
    #: ``/login/external`` tokens spent here, when the API cannot remember them.
    spent_tokens: SpentTokens = dataclasses.field(default_factory=SpentTokens)

    @property
    def id_tokens(self) -> IdTokens:
        return IdTokens(
            self.signing, self.settings.public_url, self.settings.id_token_expires_in, self.clock
        )


class IdentityRequest(webob.Request):
    """A WebOb request with Identity's per-request services."""

    registry: Registry

    @functools.cached_property
    def session(self) -> Session:
        session = self.registry.sessions.read(self.cookies)
        session.drop_stale_two_factor(self.now)
        return session

    @functools.cached_property
    def request_id(self) -> str:
        incoming = self.headers.get("Request-Id", "")
        return incoming if _REQUEST_ID.fullmatch(incoming) else str(uuid.uuid4())

    @functools.cached_property
    def api(self) -> HerokuAPI:
        # remote_addr, not client_addr: X-Forwarded-For is the client's to
        # forge; Waitress's trusted_proxy settings make remote_addr right.
        return self.registry.api.with_context(self.request_id, self.remote_addr)

    @property
    def now(self) -> float:
        return self.registry.clock()

    @property
    def settings(self):
        return self.registry.settings

    def oauth_server(self, *, for_person: bool = False) -> OAuthServer:
        """oauthlib's endpoints for this request; *for_person* acts for the logged-in
        person with Identity's token (the authorization endpoint), otherwise the
        session is not read (the token endpoint and metadata set no cookie)."""
        session = self.session if for_person else {}
        return OAuthServer(
            self.api,
            self.registry.sealed,
            self.settings.public_url,
            token=session.get("access_token"),
            session_id=session.get("session_id"),
            device=self.settings.extensions,
            login={k: session.get(k) for k in ("user", "auth_time", "amr")},
            id_tokens=self.registry.id_tokens,
            refresh_tokens=self.registry.refresh_tokens,
        )


class IdentityApp:
    """The WSGI callable."""

    def __init__(self, registry: Registry):
        self.registry = registry

    def __call__(self, environ, start_response):
        request = IdentityRequest(environ)
        request.registry = self.registry
        return self.handle(request)(environ, start_response)

    def handle(self, request: IdentityRequest) -> webob.Response:
        logs.annotate(request_id=request.request_id)
        drop_unreadable_cookies(request.environ)
        if not url_decodes(request):
            response = error_page(
                request, 400, "Bad request", "The address of this page is not valid UTF-8."
            )
            return self.finish(request, response)
        if not form_readable(request):
            return self.finish(request, unreadable_body_response(request))
        try:
            response = self.registry.router.dispatch(request)
        except webob.exc.HTTPException as exc:
            response = exc
        except errors.UpstreamError as exc:
            response = upstream_error_response(request, exc)
        except Exception:
            # The route, not the path: reset and invitation links carry secrets.
            route = getattr(request, "route_path", None) or request.path_info
            log.exception("unexpected error on %s %s", request.method, route)
            # The session may be half-changed: leave the cookie as it was.
            return self.finish(request, server_error(), save_session=False)
        return self.finish(request, response)

    def finish(
        self, request: IdentityRequest, response: webob.Response, save_session: bool = True
    ) -> webob.Response:
        if save_session and "session" in request.__dict__:
            session = request.session
            if session.modified:
                self.registry.sessions.write(response, session)
            if session.ended and not session.logged_in:
                # Logged out here means logged out on the sibling sites, on
                # every path: logout, an API 401, a token that can't be refreshed.
                self.registry.root_cookies.delete(response)
        _annotate_log_context(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if self.registry.settings.production:
            # Only over https (IDENTITY_URL is https in production): a browser
            # that has seen Identity never speaks plain HTTP to it again.
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        response.headers.setdefault("Cache-Control", "no-store")
        response.headers["Request-Id"] = request.request_id
        return response


def _annotate_log_context(request: IdentityRequest) -> None:
    """Who made this request, for its access line: the user logged in by its end."""
    user = request.session.get("user") if "session" in request.__dict__ else None
    logs.annotate(user_id=user.get("id") if isinstance(user, dict) else None)


def url_decodes(request: IdentityRequest) -> bool:
    """Is the URL UTF-8?  WebOb raises on reading a path or query that is not,
    wherever a view first looks: checked once here instead (bad input is a 400)."""
    try:
        request.script_name, request.path_info, request.GET  # noqa: B018
    except UnicodeDecodeError:
        return False
    return True


def upstream_error_response(request: IdentityRequest, exc: errors.UpstreamError):
    """The one place where an API failure becomes what the person sees (§5)."""
    session = request.session
    ended = errors.Unauthorized | errors.Suspended | errors.PasswordExpired
    if isinstance(exc, ended) and session.logged_in:
        logs.audit("session.ended", reason=exc.id or "unauthorized", **session_fields(session))
    if isinstance(exc, errors.PasswordExpired):
        session.log_out()
        return redirect(request, "/account/password/reset", flash=PASSWORD_EXPIRED)
    if isinstance(exc, errors.Suspended):
        session.log_out()
        return redirect(request, "/login", flash=exc.message)
    if isinstance(exc, errors.Unauthorized):
        # Identity's token is no longer good: log in again.
        session.log_out()
        return redirect(request, "/login")
    if isinstance(exc, errors.NotFound):
        return not_found(request)
    if isinstance(exc, errors.RateLimited):
        response = error_page(
            request, 429, "Rate limited", "Rate limited, please wait a few minutes and try again."
        )
        if exc.retry_after is not None:
            response.headers["Retry-After"] = str(exc.retry_after)
        return response
    if isinstance(exc, errors.UpstreamUnavailable):
        log.warning("upstream unavailable: %r", exc)
        return error_page(
            request, 503, "API unavailable", "The API is unavailable. Please try again shortly."
        )
    status = exc.status if exc.status and 400 <= exc.status < 500 else 400
    return error_page(request, status, "Something went wrong", exc.message or "Request refused.")


def server_error() -> webob.Response:
    """A page that needs nothing that might itself be broken."""
    return webob.Response(
        "Internal server error: something went wrong on our side.\n",
        status=500,
        content_type="text/plain",
        charset="utf-8",
    )


def make_app(global_config, ini_settings) -> IdentityApp:
    """Build Identity from PasteDeploy settings (overridden by the environment)."""
    settings = load_settings(ini_settings)
    registry = Registry(
        settings=settings,
        api=HerokuAPI(
            upstream_for(settings),
            connect_timeout=settings.api_connect_timeout,
            read_timeout=settings.api_read_timeout,
            guard=None if settings.embedded else UpstreamGuard.from_settings(settings),
        ),
        templates=template_lookup(reload=settings.identity_env == "development"),
        sessions=SessionCodec.from_settings(settings),
        root_cookies=RootDomainCookies.from_settings(settings),
        sealed=SealedCodes(
            settings.sealed_code_key,
            settings.sealed_code_expires_in,
            old_key=settings.old_sealed_code_key,
        ),
        router=make_router(settings),
        signing=SigningKeys.parse(signing_keys_text(settings)),
        refresh_tokens=SealedRefreshTokens(settings.sealed_code_key, settings.old_sealed_code_key),
    )
    return IdentityApp(registry)
