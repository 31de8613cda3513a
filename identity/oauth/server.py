"""oauthlib's endpoints wired to Identity's validator, grants and token handler."""

from __future__ import annotations

import dataclasses
import json
import re

from oauthlib.oauth2 import AuthorizationEndpoint, TokenEndpoint
from oauthlib.oauth2.rfc6749 import errors as oauth_errors
from oauthlib.oauth2.rfc6749.grant_types import RefreshTokenGrant
from oauthlib.oauth2.rfc8628.grant_types.device_code import DeviceCodeGrant

from identity.oauth.grants import AuthorizationCodeGrant
from identity.oauth.id_token import IdTokens, Subject
from identity.oauth.params import form_params
from identity.oauth.scopes import OIDC_SCOPES, granted_scope
from identity.oauth.validator import DEVICE_CODE, IdentityValidator
from identity.sealed import SealedRefresh, SealedRefreshTokens

#: RFC 6749 §5.2: error_description may hold %x20-21 / %x23-5B / %x5D-7E;
#: single quotes go too, so no client ever has to unescape anything.
_NOT_ALLOWED_IN_DESCRIPTION = re.compile(r"[^\x20\x21\x23-\x26\x28-\x5b\x5d-\x7e]")
TOKEN_ERROR_FIELDS = ("error", "error_description", "error_uri")


def clean_description(text: str) -> str:
    return _NOT_ALLOWED_IN_DESCRIPTION.sub("", text).strip()


class UpstreamTokens:
    """oauthlib token handler that hands out the API's tokens unchanged.

    The exchange already happened (``IdentityValidator.exchange``); this only
    shapes RFC 6749 §5.1's answer, plus Heroku's ``user_id`` and
    ``session_nonce``, and for an OpenID grant the ``id_token`` and a sealed
    refresh token (``identity.sealed``).
    """

    def __init__(
        self,
        id_tokens: IdTokens | None,
        refresh_tokens: SealedRefreshTokens | None,
        extensions: bool,
    ):
        self.id_tokens = id_tokens
        self.refresh_tokens = refresh_tokens
        self.extensions = extensions

    def create_token(self, request, refresh_token=False, **kwargs):
        tokens = request.upstream_tokens
        answer = {
            "access_token": tokens.access_token,
            "token_type": "Bearer",
            "expires_in": tokens.expires_in,
        }
        refresh = tokens.refresh_token
        sealed = getattr(request, "sealed_grant", None)
        if sealed is not None:
            granted = granted_scope(sealed.scope or request.scopes, extensions=self.extensions)
            asked = sealed.scope if sealed.requested_scope is None else sealed.requested_scope
            if granted != asked:
                # RFC 6749 §5.1: the scope is named whenever it differs from the
                # request (the API's default for none, ``identity`` for OpenID alone).
                answer["scope"] = " ".join(granted)
        original = getattr(request, "original_scopes", None)
        if original is not None and original != sorted(request.scopes):
            # A refresh that asked for less still gets the whole token (the API
            # cannot narrow one): RFC 6749 §5.1 requires saying so.
            answer["scope"] = " ".join(original)
        oidc = self._openid(request, answer, tokens)
        if refresh and oidc is not None and self.refresh_tokens is not None:
            refresh = self.refresh_tokens.seal(dataclasses.replace(oidc, token=refresh))
        if refresh:
            answer["refresh_token"] = refresh
        answer["user_id"] = tokens.user_id
        answer["session_nonce"] = tokens.session_id
        return answer

    def _openid(self, request, answer: dict, tokens) -> SealedRefresh | None:
        """Add the id_token of an OpenID grant; return what its refresh token seals."""
        if self.id_tokens is None:
            return None
        sealed = getattr(request, "sealed_grant", None)
        refreshed = getattr(request, "sealed_refresh", None)
        if sealed is not None and "openid" in sealed.scope and sealed.user:
            facts = SealedRefresh(
                token="",
                client_id=sealed.client_id,
                user_id=str(sealed.user["id"]),
                scope=tuple(s for s in sealed.scope if s in OIDC_SCOPES),
                auth_time=sealed.auth_time,
                amr=sealed.amr,
            )
            subject = Subject(facts.user_id, facts.auth_time, facts.amr, sealed.user)
            nonce = sealed.nonce
        elif refreshed is not None:
            facts, nonce = refreshed, None
            subject = Subject(facts.user_id, facts.auth_time, facts.amr)
        else:
            return None
        answer["id_token"] = self.id_tokens.make(
            subject, facts.client_id, facts.scope, tokens.access_token, nonce
        )
        return facts


class OAuthServer:
    """The authorization and token endpoints for one request."""

    def __init__(
        self,
        api,
        sealed,
        issuer: str,
        *,
        token=None,
        session_id=None,
        device=False,
        login: dict | None = None,
        id_tokens: IdTokens | None = None,
        refresh_tokens: SealedRefreshTokens | None = None,
    ):
        self.issuer = issuer
        self.validator = IdentityValidator(
            api,
            sealed,
            token=token,
            session_id=session_id,
            login=login,
            refresh_tokens=refresh_tokens,
            extensions=device,
        )
        code = AuthorizationCodeGrant(self.validator, issuer)
        refresh = RefreshTokenGrant(self.validator, post_token=[self.validator.exchange])
        tokens = UpstreamTokens(id_tokens, refresh_tokens, extensions=device)
        self.authorization = AuthorizationEndpoint(
            default_response_type="code", default_token_type=tokens, response_types={"code": code}
        )
        grant_types = {"authorization_code": code, "refresh_token": refresh}
        if device:
            # RFC 8628, only when the API has the device extension.
            grant_types[DEVICE_CODE] = DeviceCodeGrant(
                self.validator, post_token=[self.validator.exchange]
            )
        # No implicit, password or client_credentials grant.
        self.token = TokenEndpoint(
            default_grant_type="authorization_code",
            default_token_type=tokens,
            grant_types=grant_types,
        )

    def token_response(self, uri: str, pairs, authorization: str | None):
        """Answer a token request of form *pairs*: (headers, JSON body, status)."""
        params, duplicates = form_params(pairs)
        if duplicates:
            # RFC 6749 §3.2: parameters MUST NOT be included more than once.
            return token_error("invalid_request", f"Duplicate {duplicates[0]} parameter.")
        grant_type = params.get("grant_type")
        if grant_type is None:
            return token_error("invalid_request", "Missing grant_type parameter.")
        if grant_type not in self.token.grant_types:
            return token_error("unsupported_grant_type", "Unsupported grant_type.")
        headers = {"Authorization": authorization} if authorization else {}
        try:
            answer = self.token.create_token_response(uri, "POST", list(params.items()), headers)
        except oauth_errors.OAuth2Error as exc:
            # The endpoint's own checks (e.g. no query string on a POST)
            # raise instead of answering, unlike the grants'.
            answer = exc.headers, exc.json, exc.status_code
        return finish_token_response(*answer)


def token_error(error: str, description: str, status: int = 400) -> tuple[dict, str, int]:
    """An RFC 6749 §5.2 error answer, as (headers, body, status)."""
    body = json.dumps({"error": error, "error_description": description})
    return finish_token_response({}, body, status)


def finish_token_response(headers: dict, body: str, status: int):
    """Make oauthlib's token answer exactly RFC 6749 §5.1 / §5.2.

    Error bodies keep only the §5.2 fields with a clean description.
    ``invalid_client`` is always 401 with a Basic challenge: RFC 6749 §5.2
    requires it when the client used Basic, and HTTP requires a challenge on
    every 401 (RFC 9110 §15.5.2), Basic being the one scheme offered.
    oauthlib's ``Bearer`` challenge belongs to resource servers, not here.
    """
    headers = {k: v for k, v in headers.items() if k.lower() != "www-authenticate"} | {
        "Content-Type": "application/json",
        "Cache-Control": "no-store",
        "Pragma": "no-cache",
    }
    if status >= 400:
        data = json.loads(body)
        data = {k: data[k] for k in TOKEN_ERROR_FIELDS if data.get(k)}
        if "error_description" in data:
            data["error_description"] = clean_description(data["error_description"])
        if data.get("error") == "invalid_client":
            status = 401
            headers["WWW-Authenticate"] = 'Basic realm="Identity"'
        body = json.dumps(data)
    return headers, body, status
