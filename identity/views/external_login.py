"""GET /login/external?token=JWT: a trusted site logs someone in here.

Sites that authenticate people their own way (the original's SSO service and
signup app) hand over an authorization they made at the API, signed with
the shared ``LOGIN_EXTERNAL_SECRET``.  The JWT's claims are that
authorization, as ``POST /oauth/authorizations`` answers it:
``access_token {token, expires_in}``, ``refresh_token {token}`` (optional),
``session {id}``, ``user {id, email, full_name}`` and optionally
``sso_entity``; plus ``exp``, which is required.
"""

from __future__ import annotations

import logging

import jwt
from webob import Response

from identity.upstream import IdentityLogin, User
from identity.views.login import end_api_session, finish_login
from identity.views.render import error_page, not_found

log = logging.getLogger(__name__)

REFUSED = "This login link is not valid. Please log in again."


def login_external(request) -> Response:
    secret = request.settings.login_external_secret
    if not secret:
        return not_found(request)
    try:
        claims = jwt.decode(
            request.GET.get("token", ""),
            secret,
            algorithms=["HS256"],  # pinned: never "none", never a key-confusion switch
            options={"require": ["exp"]},
        )
        login = _login_from(claims, keep_sso=bool(request.settings.sso_base_url))
    except (jwt.PyJWTError, LookupError, TypeError, ValueError) as exc:
        log.info("external login refused: %s", type(exc).__name__)
        return error_page(request, 401, "Login refused", REFUSED)
    end_api_session(request)
    return finish_login(request, login)


def _login_from(claims: dict, keep_sso: bool) -> IdentityLogin:
    """The authorization carried by the token; LookupError/TypeError/ValueError when malformed."""
    user = claims["user"]
    expires_in = claims["access_token"]["expires_in"]
    if not isinstance(expires_in, int) or isinstance(expires_in, bool) or expires_in <= 0:
        raise ValueError("expires_in")
    refresh = claims.get("refresh_token") or {}
    sso_entity = claims.get("sso_entity") if keep_sso else None
    return IdentityLogin(
        access_token=_text(claims["access_token"]["token"]),
        expires_in=expires_in,
        refresh_token=_text(refresh["token"]) if refresh.get("token") else None,
        session_id=_text(claims["session"]["id"]),
        user=User(
            id=_text(user["id"]),
            email=_text(user["email"]),
            full_name=user.get("full_name") if isinstance(user.get("full_name"), str) else None,
        ),
        sso_entity=_text(sso_entity) if sso_entity else None,
    )


def _text(value) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
        raise ValueError("expected text")
    return str(value)
