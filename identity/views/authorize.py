"""GET|POST /oauth/authorize: oauthlib's authorization endpoint, login and consent.

Order (heroku-api.md §5): login first if needed (the request is kept and
replayed), refresh Identity's token if it expired (#6), validate with
oauthlib (the client is fetched once, #4), then delinquency, then consent
unless the client is trusted or was authorized before for the same scope
(#3), then the grant (#2) and the redirect with a sealed code.

OpenID Connect's request parameters (Core §3.1.2.1): ``prompt=login`` and a
``max_age`` older than the session's ``auth_time`` send the person to log
in again (the replay then carries neither, so it cannot loop);
``prompt=consent`` shows the consent page even when approved before or
trusted; ``prompt=none`` never shows a page: ``login_required``,
``consent_required`` or ``interaction_required`` go straight back to the
client, as does an ``id_token_hint`` naming someone else.  ``offline_access``
is kept only with ``prompt=consent`` (§11), and then the authorization
outlives the login session.
"""

from __future__ import annotations

from oauthlib.oauth2.rfc6749 import errors as oauth_errors
from webob import Response

from identity import errors, logs
from identity.oauth.grants import redirect_to_client
from identity.oauth.params import FATAL_DUPLICATES, AuthorizeRequest
from identity.oauth.scopes import describe, granted_scope, upstream_scope
from identity.views import identity_token, sso
from identity.views.render import error_page, http_url, redirect, render

#: OpenID Connect Core §3.1.2.1 prompt values Identity honours (no select_account).
PROMPTS = ("none", "login", "consent")


def authorize(request) -> Response:
    source = request.POST if request.method == "POST" else request.GET
    auth = AuthorizeRequest.parse(source.items())
    fatal = [name for name in auth.duplicates if name in FATAL_DUPLICATES]
    if fatal:
        return _bad_request(request, f"Duplicate {fatal[0]} parameter.")
    if auth.too_long:
        return _bad_request(request, "The authorization request is too long.")
    if "openid" in auth.params.get("scope", "").split() and "redirect_uri" not in auth.params:
        # OIDC Core §3.1.2.1: REQUIRED, and without it there is nowhere safe to say so.
        return _bad_request(request, "An OpenID request must name its redirect_uri.")
    problem = _openid_problem(auth, source)
    if problem is not None:
        return _back_to_client(request, auth, *problem)
    session = request.session
    if not session.logged_in or _must_log_in(request, auth):
        if "none" in auth.prompts:
            return _back_to_client(request, auth, "login_required", "The person must log in.")
        return _login_first(request, auth)
    handed_off = sso.hand_off(request, auth.pairs)
    if handed_off is not None:
        return handed_off
    session.pop("authorize_params")  # this request carries them now
    try:
        if not identity_token.usable(request):
            session.log_out()
            return _login_first(request, auth)
        return _authorize(request, auth)
    except (errors.Unauthorized, errors.NotFound):
        # Identity's session is gone at the API: log in again, then carry on.
        session.log_out()
        return _login_first(request, auth)
    except errors.BadRequest:
        return _misconfigured(request, "Unknown OAuth client.")
    except errors.InvalidParams as exc:
        return redirect(request, "/login", flash=exc.message)


def _openid_problem(auth: AuthorizeRequest, source) -> tuple[str, str] | None:
    """The error and description that make the OpenID parameters unanswerable, or None."""
    # §6: request objects are not supported (discovery says so), and must not be ignored.
    for name in ("request", "request_uri"):
        if source.get(name):
            return f"{name}_not_supported", f"The {name} parameter is not supported."
    unknown = sorted(auth.prompts - set(PROMPTS))
    if unknown:
        return "invalid_request", f"Unsupported prompt value {unknown[0]}."
    if "none" in auth.prompts and len(auth.prompts) > 1:
        return "invalid_request", "prompt=none cannot be combined with other values."
    max_age = auth.params.get("max_age")
    if max_age is not None and not (max_age.isascii() and max_age.isdigit()):
        return "invalid_request", "max_age must be a whole number of seconds."
    return None


def _must_log_in(request, auth: AuthorizeRequest) -> bool:
    """Does this request need a fresh login (or, with prompt=none, refuse for want of one)?"""
    session = request.session
    if "login" in auth.prompts:
        return True
    max_age = auth.params.get("max_age")
    if max_age is not None and request.now - session.get("auth_time", 0) > int(max_age):
        return True
    hint = auth.params.get("id_token_hint")
    if hint is not None and "none" in auth.prompts:
        # §3.1.2.2: with prompt=none the hint must name the person logged in.
        claims = request.registry.signing.verify(
            hint, issuer=request.settings.public_url, verify_exp=False
        )
        return claims is None or claims.get("sub") != (session.get("user") or {}).get("id")
    return False


def _validated(request, server, auth: AuthorizeRequest):
    """oauthlib's checks: (uri, scopes, oauthlib request), or the answer to a bad request."""
    issuer = server.issuer
    uri = f"{issuer}/oauth/authorize?{auth.query}"
    try:
        scopes, info = server.authorization.validate_authorization_request(uri)
    except oauth_errors.FatalClientError as exc:
        # Unknown client or a redirect URI that isn't the client's: never redirect,
        # and tell the person it is the application's fault, not theirs.
        return _misconfigured(request, exc.description)
    except oauth_errors.OAuth2Error as exc:
        return redirect(request, redirect_to_client(exc.redirect_uri, exc.twotuples, issuer))
    return uri, scopes, info["request"]


def _error_to_client(request, oauth_request, error: str, description: str | None = None):
    """*error* (with ``state`` and ``iss``) to the validated request's redirect URI."""
    params = [("error", error)]
    if description:
        params.append(("error_description", description))
    if oauth_request.state:
        params.append(("state", oauth_request.state))
    issuer = request.settings.public_url
    return redirect(request, redirect_to_client(oauth_request.redirect_uri, params, issuer))


def _back_to_client(request, auth: AuthorizeRequest, error: str, description: str) -> Response:
    """*error* to the client's redirect URI, once the request proved it may go there
    (validated without the session: the person may not be logged in)."""
    checked = _validated(request, request.oauth_server(), auth)
    if isinstance(checked, Response):
        return checked
    return _error_to_client(request, checked[2], error, description)


def _authorize(request, auth: AuthorizeRequest) -> Response:
    server = request.oauth_server(for_person=True)
    checked = _validated(request, server, auth)
    if isinstance(checked, Response):
        return checked
    uri, scopes, oauth_request = checked
    client = oauth_request.client
    logs.annotate(client_id=client.client_id)
    if auth.duplicates:
        return _error_to_client(
            request, oauth_request, "invalid_request", f"Duplicate {auth.duplicates[0]} parameter."
        )
    if client.delinquent_location and not client.ignores_delinquent:
        if "none" in auth.prompts:
            return _error_to_client(
                request, oauth_request, "interaction_required", "The account needs attention."
            )
        pay_balance = http_url(client.delinquent_location)
        if pay_balance is None:
            return _bad_request(request, "Your account is delinquent.")
        return redirect(request, pay_balance)
    # Only a POST carries a decision; the router has checked its CSRF token.
    choice = request.POST.get("authorize") if request.method == "POST" else None
    if choice in ("Allow", "Deny"):
        logs.audit(
            "consent.granted" if choice == "Allow" else "consent.denied",
            client_id=client.client_id,
            scope=" ".join(scopes),
        )
    if choice == "Deny":
        return _error_to_client(request, oauth_request, "access_denied")
    consent = "consent" in auth.prompts
    if not consent and "offline_access" in scopes:
        # §11: offline access needs consent asked for this request.
        scopes = [s for s in scopes if s != "offline_access"]
    extensions = request.settings.extensions
    # RFC 8252 §8.6: nothing proves a public (native) client is the app that was
    # approved before, whatever port its loopback redirect names: ask every time.
    remembered = not client.public
    approved = choice == "Allow" or (
        not consent
        and (
            client.trusted
            or (
                remembered
                and _authorized_before(
                    request,
                    {oauth_request.client_id, client.client_id},
                    upstream_scope(scopes, extensions=extensions),
                )
            )
        )
    )
    if not approved and "none" in auth.prompts:
        return _error_to_client(
            request, oauth_request, "consent_required", "The person must consent."
        )
    if not approved:
        return render(
            request,
            "consent.mako",
            client=client,
            scopes=[(s, describe(s)) for s in granted_scope(scopes, extensions=extensions)],
            params=list(auth.params.items()),
            account_email=(request.session.get("user") or {}).get("email", ""),
            # "Not you? Log out" comes back here, so the next person logs in to this request.
            return_to="/oauth/authorize?" + auth.query,
        )
    headers, _, _ = server.authorization.create_authorization_response(uri, scopes=scopes)
    return redirect(request, headers["Location"])


def _authorized_before(request, client_ids: set[str], scopes: tuple[str, ...]) -> bool:
    """Did the user already grant this client exactly this (upstream) scope (#3)?"""
    wanted = tuple(scopes)
    return any(
        (a.client_id in client_ids or a.client_legacy_id in client_ids) and a.scope == wanted
        for a in request.api.list_authorizations(request.session["access_token"])
    )


def _login_first(request, auth: AuthorizeRequest) -> Response:
    """Keep the request (without ``prompt=login`` and ``max_age``, which the login
    about to happen satisfies) to replay after login."""
    request.session["authorize_params"] = [
        list(pair) for pair in auth.pairs if pair[0] != "max_age"
    ]
    return redirect(request, "/login")


def _bad_request(request, message: str) -> Response:
    return error_page(request, 400, "Invalid authorization request", message)


def _misconfigured(request, detail: str) -> Response:
    return error_page(
        request,
        400,
        "Invalid authorization request",
        "The application that sent you here is misconfigured, so it cannot sign you in. "
        "Its developers need to fix it; there is nothing you can do on this page.",
        detail=detail,
    )
