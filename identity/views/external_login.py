"""GET /login/external?token=JWT: a trusted site logs someone in here.

Sites that authenticate people their own way (the original's SSO service and
signup app) hand over an authorization they made at the API, signed with
the shared ``LOGIN_EXTERNAL_SECRET``.  The JWT's claims are that
authorization, as ``POST /oauth/authorizations`` answers it:
``access_token {token, expires_in}``, ``refresh_token {token}`` (optional),
``session {id}``, ``user {id, email, full_name}`` and optionally
``sso_entity``; plus ``exp``, ``iat`` and ``jti``, which are required.

A token logs someone in once: its ``jti`` is spent at the API
(``spend_login_token``, remembered there until ``exp``), or, against an API
without that call, in this process's memory (``identity.spent_tokens``).
It is refused when issued more than ``MAX_AGE`` ago or made to live longer.
"""

from __future__ import annotations

import logging

import jwt
from webob import Response

from identity import errors
from identity.upstream import IdentityLogin, User
from identity.views.login import end_api_session, finish_login
from identity.views.render import error_page, not_found

log = logging.getLogger(__name__)

REFUSED = "This login link is not valid. Please log in again."

#: Seconds a token may be used after its ``iat`` (and the most ``exp - iat`` may be):
#: a hand-over link is followed at once, and a short life bounds what must be remembered.
MAX_AGE = 300
#: Seconds of clock difference tolerated between the issuing site and Identity.
LEEWAY = 30
#: The longest ``access_token.expires_in`` believed, Heroku's access-token lifetime
#: (8 hours): a longer claim is cut to it, so the session re-checks with the API by then.
MAX_EXPIRES_IN = 8 * 3600


class Replayed(Exception):
    """The token's ``jti`` was spent before."""


def login_external(request) -> Response:
    secret = request.settings.login_external_secret
    if not secret:
        return not_found(request)
    try:
        claims = jwt.decode(
            request.GET.get("token", ""),
            secret,
            algorithms=["HS256"],  # pinned: never "none", never a key-confusion switch
            # iat is checked below, with leeway; exp strictly, so that no token
            # outlives the memory of its jti.
            options={"require": ["exp", "iat", "jti"], "verify_iat": False},
        )
        _check_age(claims, request.now)
        login = _login_from(claims, keep_sso=bool(request.settings.sso_base_url))
        _spend(request, login, _text(claims["jti"]), int(claims["exp"]))
    except (jwt.PyJWTError, LookupError, TypeError, ValueError, Replayed) as exc:
        log.info("external login refused: %s", type(exc).__name__)
        return error_page(request, 401, "Login refused", REFUSED)
    end_api_session(request)
    return finish_login(request, login)


def _check_age(claims: dict, now: float) -> None:
    iat, exp = claims["iat"], claims["exp"]
    if not isinstance(iat, int | float) or isinstance(iat, bool):
        raise ValueError("iat")
    if iat > now + LEEWAY or now - iat > MAX_AGE or exp - iat > MAX_AGE:
        raise ValueError("iat")


def _spend(request, login: IdentityLogin, jti: str, expires_at: int) -> None:
    """Spend *jti*, at the API when it can remember it for every process; ``Replayed``
    when it was spent before (or the API does not know the token's access token)."""
    if request.settings.extensions:
        try:
            if not request.api.spend_login_token(login.access_token, jti, expires_at):
                raise Replayed
            return
        except errors.Unauthorized:
            raise Replayed from None
        except errors.FeatureUnavailable:
            pass
    if not request.registry.spent_tokens.spend(jti, expires_at, request.now):
        raise Replayed


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
        expires_in=min(expires_in, MAX_EXPIRES_IN),
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
