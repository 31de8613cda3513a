"""GET|POST /oauth/end-session: OpenID Connect RP-Initiated Logout 1.0.

The relying party sends the person here with ``id_token_hint`` (an id_token
this Identity signed; an expired one will do), ``client_id``,
``post_logout_redirect_uri`` and ``state``.  Logging out ends the session
exactly as ``/logout`` does.

- A GET must not log anyone out on a third party's say-so (logout CSRF), so
  without a hint naming the person who is logged in, Identity asks first
  (§2: "the OP SHOULD ask the End-User whether to log out"); the confirming
  POST carries the session's CSRF token.
- Identity redirects back only to one of the client's registered
  ``post_logout_redirect_uris``, exact match (§3), with ``state``; any other
  URI is no redirect: the person lands on the login page.  A hint that does
  not verify, or that names another client than ``client_id``, is an error
  page and no redirect (§4).
"""

from __future__ import annotations

from oauthlib.common import add_params_to_uri
from webob import Response

from identity import errors
from identity.oauth.params import form_params
from identity.views.logout import end_login_session
from identity.views.render import error_page, redirect, render

PARAMS = ("id_token_hint", "client_id", "post_logout_redirect_uri", "state")
LOGGED_OUT = "You have been logged out."


def end_session(request) -> Response:
    source = request.POST if request.method == "POST" else request.GET
    params, duplicates = form_params((k, v) for k, v in source.items() if k in PARAMS)
    if duplicates:
        return _refused(request, f"Duplicate {duplicates[0]} parameter.")
    hint = None
    if "id_token_hint" in params:
        hint = request.registry.signing.verify(
            params["id_token_hint"], issuer=request.settings.public_url, verify_exp=False
        )
        if hint is None:
            return _refused(request, "The id_token_hint is not an id_token of this server.")
    client_id = params.get("client_id")
    if hint is not None:
        audience = hint.get("aud")
        audiences = [audience] if isinstance(audience, str) else list(audience or [])
        if client_id is None and len(audiences) == 1:
            client_id = audiences[0]
        elif client_id not in audiences:
            return _refused(request, "The id_token_hint was not issued to this client.")
    target = _target(request, client_id, params)
    if isinstance(target, Response):
        return target
    session = request.session
    confirmed = request.POST.get("confirm") == "Log out" and session.check_csrf(
        request.POST.get("csrf_token")
    )
    same_person = hint is not None and hint.get("sub") == (session.get("user") or {}).get("id")
    if session.logged_in and not (confirmed or same_person):
        return render(
            request, "end_session.mako", params=list(params.items()), user=session.get("user")
        )
    end_login_session(request)
    if target is None:
        return redirect(request, "/login", flash=LOGGED_OUT)
    return redirect(request, target)


def _target(request, client_id: str | None, params: dict) -> str | Response | None:
    """Where to send the person afterwards: a registered URI with ``state``, or None."""
    uri = params.get("post_logout_redirect_uri")
    if uri is None or client_id is None:
        return None
    try:
        client = request.api.get_client(client_id)
    except (errors.NotFound, errors.BadRequest):
        return _refused(request, "Unknown OAuth client.")
    if uri not in client.post_logout_redirect_uris:
        return None
    state = params.get("state")
    return add_params_to_uri(uri, [("state", state)]) if state else uri


def _refused(request, message: str) -> Response:
    return error_page(request, 400, "Invalid logout request", message)
