"""GET|POST /oauth/authorize: oauthlib's authorization endpoint, login and consent.

Order (heroku-api.md §5): login first if needed (the request is kept and
replayed), refresh Identity's token if it expired (#6), validate with
oauthlib (the client is fetched once, #4), then delinquency, then consent
unless the client is trusted or was authorized before for the same scope
(#3), then the grant (#2) and the redirect with a sealed code.
"""

from __future__ import annotations

from oauthlib.oauth2.rfc6749 import errors as oauth_errors
from webob import Response

from identity import errors, logs
from identity.validators.grants import redirect_to_client
from identity.validators.params import FATAL_DUPLICATES, AuthorizeRequest
from identity.validators.scopes import describe
from identity.views import identity_token, sso
from identity.views.render import error_page, http_url, redirect, render


def authorize(request) -> Response:
    source = request.POST if request.method == "POST" else request.GET
    auth = AuthorizeRequest.parse(source.items())
    fatal = [name for name in auth.duplicates if name in FATAL_DUPLICATES]
    if fatal:
        return _bad_request(request, f"Duplicate {fatal[0]} parameter.")
    if auth.too_long:
        return _bad_request(request, "The authorization request is too long.")
    session = request.session
    if not session.logged_in or auth.prompt == "login":
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
        return _bad_request(request, "Unknown OAuth client.")
    except errors.InvalidParams as exc:
        return redirect(request, "/login", flash=exc.message)


def _authorize(request, auth: AuthorizeRequest) -> Response:
    server = request.oauth_server(for_person=True)
    issuer = server.issuer
    uri = f"{issuer}/oauth/authorize?{auth.query}"
    try:
        scopes, info = server.authorization.validate_authorization_request(uri)
    except oauth_errors.FatalClientError as exc:
        # Unknown client or a redirect URI that isn't the client's: never redirect.
        return _bad_request(request, exc.description)
    except oauth_errors.OAuth2Error as exc:
        return redirect(request, redirect_to_client(exc.redirect_uri, exc.twotuples, issuer))
    oauth_request = info["request"]
    client, back = oauth_request.client, oauth_request.redirect_uri
    logs.annotate(client_id=client.client_id)
    state = [("state", oauth_request.state)] if oauth_request.state else []
    if auth.duplicates:
        error = [
            ("error", "invalid_request"),
            ("error_description", f"Duplicate {auth.duplicates[0]} parameter."),
        ]
        return redirect(request, redirect_to_client(back, error + state, issuer))
    if client.delinquent_location and not client.ignores_delinquent:
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
        denied = redirect_to_client(back, [("error", "access_denied"), *state], issuer)
        return redirect(request, denied)
    approved = (
        choice == "Allow"
        or client.trusted
        or _authorized_before(request, {oauth_request.client_id, client.client_id}, scopes)
    )
    if not approved:
        return render(
            request,
            "consent.mako",
            client=client,
            scopes=[(scope, describe(scope)) for scope in scopes],
            params=list(auth.params.items()),
        )
    headers, _, _ = server.authorization.create_authorization_response(uri, scopes=scopes)
    return redirect(request, headers["Location"])


def _authorized_before(request, client_ids: set[str], scopes: list[str]) -> bool:
    """Did the user already grant this client exactly this scope (#3)?"""
    wanted = tuple(scopes)
    return any(
        (a.client_id in client_ids or a.client_legacy_id in client_ids) and a.scope == wanted
        for a in request.api.list_authorizations(request.session["access_token"])
    )


def _login_first(request, auth: AuthorizeRequest) -> Response:
    """Keep the request (without ``prompt``) to replay after login."""
    request.session["authorize_params"] = [list(pair) for pair in auth.pairs]
    return redirect(request, "/login")


def _bad_request(request, message: str) -> Response:
    return error_page(request, 400, "Invalid authorization request", message)
