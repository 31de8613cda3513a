"""The RequestValidator: oauthlib's questions, answered from the Platform API.

One instance serves one HTTP request (it carries that request's API client
and Identity's token), so the client fetched for ``validate_client_id`` is
fetched once per request however often oauthlib asks.  Methods are in flow
order: the authorization request first, then the token request.
"""

from __future__ import annotations

import hmac
import re
import time

from oauthlib.oauth2 import RequestValidator
from oauthlib.oauth2.rfc6749 import errors as oauth_errors
from oauthlib.oauth2.rfc6749.grant_types.authorization_code import code_challenge_method_s256
from oauthlib.oauth2.rfc8628 import errors as device_errors
from oauthlib.oauth2.rfc8628.grant_types.device_code import DeviceCodeGrant

from identity import errors
from identity.oauth.clientauth import ClientCredentials, client_credentials
from identity.oauth.redirects import redirect_uri_matches
from identity.oauth.scopes import DEFAULT_SCOPES, known, normalize, upstream_scope
from identity.oauth.upstream_errors import OAuthError, oauth_error
from identity.sealed import SealedCodes, SealedGrant, SealedRefreshTokens
from identity.upstream import Client, HerokuAPI

DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code"
GRANT_TYPES = ("authorization_code", "refresh_token", DEVICE_CODE)
#: RFC 8628 §3.5: the API's error ids for a device code not (yet) good for tokens.
DEVICE_CODE_ERRORS = {
    cls.error: cls
    for cls in (
        device_errors.AuthorizationPendingError,
        device_errors.SlowDownError,
        device_errors.AccessDenied,
        device_errors.ExpiredTokenError,
    )
}
# Client ids are UUIDs or 24-hex legacy ids; refuse anything odd before
# it reaches a URL path at the API.
_CLIENT_ID = re.compile(r"[A-Za-z0-9._~-]{1,100}")
# RFC 7636 §4.1: 43 to 128 unreserved characters.
_CODE_VERIFIER = re.compile(r"[A-Za-z0-9._~-]{43,128}")


class UpstreamRefused(oauth_errors.OAuth2Error):
    """An upstream failure as the OAuth error ``upstream_errors.TABLE`` names."""

    def __init__(self, answer: OAuthError, request):
        self.error = answer.error
        super().__init__(description=answer.description, status_code=answer.status, request=request)


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


class IdentityValidator(RequestValidator):
    """Answers from the API, for one request on behalf of one Identity session."""

    def __init__(
        self,
        api: HerokuAPI,
        sealed: SealedCodes,
        *,
        token: str | None = None,
        session_id: str | None = None,
        login: dict | None = None,
        refresh_tokens: SealedRefreshTokens | None = None,
        extensions: bool = False,
        clock=time.time,
    ):
        self.api = api
        self.sealed = sealed
        self.token = token
        self.session_id = session_id
        #: The session's ``user``, ``auth_time`` and ``amr``: sealed into OpenID codes.
        self.login = login or {}
        self.refresh_tokens = refresh_tokens
        self.extensions = extensions
        self.clock = clock
        self._clients: dict[str, Client | None] = {}

    # -- authorization request -----------------------------------------------

    def validate_client_id(self, client_id, request, *args, **kwargs):
        request.client = self._client(client_id)
        return request.client is not None

    def _client(self, client_id: str) -> Client | None:
        """The client, fetched once: with Identity's token (#4) or without (#5)."""
        if not _CLIENT_ID.fullmatch(client_id):
            return None
        if client_id not in self._clients:
            try:
                self._clients[client_id] = self.api.get_client(client_id, token=self.token)
            except (errors.NotFound, errors.BadRequest):
                self._clients[client_id] = None
        return self._clients[client_id]

    def validate_redirect_uri(self, client_id, redirect_uri, request, *args, **kwargs):
        client = request.client
        registered = client.redirect_uris or (client.redirect_uri,)
        return any(redirect_uri_matches(uri, redirect_uri, client.public) for uri in registered)

    def get_default_redirect_uri(self, client_id, request, *args, **kwargs):
        sealed = getattr(request, "sealed_grant", None)
        if sealed is not None:
            # Token request (RFC 6749 §4.1.3): redirect_uri may be left out
            # only when the authorization request left it out too.
            return None if sealed.redirect_uri_sent else sealed.redirect_uri
        return request.client.redirect_uri or None

    def validate_response_type(self, client_id, response_type, client, request, *args, **kwargs):
        return response_type == "code"

    def is_pkce_required(self, client_id, request):
        # Public clients have no secret; PKCE is their only proof of possession.
        # At the token endpoint the sealed code carries the requirement instead
        # (see validate_code), and request.client has no "public" there.
        return getattr(request.client, "public", False)

    def get_default_scopes(self, client_id, request, *args, **kwargs):
        return list(DEFAULT_SCOPES)

    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs):
        return all(known(scope) for scope in scopes)

    def issue_sealed_code(self, request) -> str:
        """Create the authorization at the API (#2) and seal its grant code.

        Called by our AuthorizationCodeGrant in place of oauthlib's random
        code, after the person approved (or approval was not needed).  The
        authorization is bound to the login session, so logging out ends it,
        unless the person consented to ``offline_access`` (OIDC Core §11;
        the authorize view keeps that scope only with consent).
        """
        offline = "offline_access" in request.scopes
        grant = self.api.create_client_authorization(
            self.token,
            request.client_id,
            upstream_scope(request.scopes, extensions=self.extensions),
            None if offline else self.session_id,
        )
        openid = "openid" in request.scopes
        scope = tuple(request.scopes) if request.scope else ()
        requested = normalize(request.scope)
        return self.sealed.seal(
            SealedGrant(
                code=grant.code,
                client_id=request.client_id,
                redirect_uri=request.redirect_uri,
                redirect_uri_sent=not request.using_default_redirect_uri,
                code_challenge=request.code_challenge,
                code_challenge_method=request.code_challenge_method,
                # What the client asked for; empty means the API's default.
                scope=scope,
                issued_at=int(self.clock()),
                user=self.login.get("user") if openid else None,
                auth_time=self.login.get("auth_time") if openid else None,
                amr=tuple(self.login.get("amr") or ()) if openid else (),
                nonce=request.nonce if openid else None,
                requested_scope=requested if requested != tuple(sorted(scope)) else None,
            )
        )

    def save_authorization_code(self, client_id, code, request, *args, **kwargs):
        """Nothing to store: the grant lives at the API and in the sealed code."""

    # -- token request -------------------------------------------------------

    def client_authentication_required(self, request, *args, **kwargs):
        return self._credentials(request).secret is not None

    def authenticate_client(self, request, *args, **kwargs):
        """Accept the presented id and secret for now.

        Identity cannot see client secrets.  The API checks the secret when
        the code or refresh token is exchanged (``exchange``), in the same
        call, and a wrong one comes back as ``invalid_client``.
        """
        credentials = self._credentials(request)
        request.client = credentials
        return bool(credentials.client_id)

    def authenticate_client_id(self, client_id, request, *args, **kwargs):
        """A client without a secret names itself; the API refuses it unless public."""
        return self.authenticate_client(request)

    def _credentials(self, request) -> ClientCredentials:
        credentials = getattr(request, "client_credentials", None)
        if credentials is None:
            credentials = request.client_credentials = client_credentials(request)
        return credentials

    def validate_grant_type(self, client_id, grant_type, client, request, *args, **kwargs):
        return grant_type in GRANT_TYPES

    def validate_code(self, client_id, code, client, request, *args, **kwargs):
        """Open the sealed code and check whom, and with what proof, it was issued for.

        PKCE is checked here rather than left to oauthlib, which answers a
        missing verifier with ``invalid_request`` and accepts a verifier for
        a code issued without a challenge; both must be ``invalid_grant``
        (RFC 7636 §4.6, RFC 9700 §2.1.1 downgrade defence).
        """
        sealed = self.sealed.open(code)
        if sealed is None or not _same(sealed.client_id, client_id):
            return self._refuse_grant(request)
        if not _pkce_ok(sealed, request.code_verifier):
            return self._refuse_grant(request)
        request.sealed_grant = sealed
        request.scopes = list(sealed.scope or DEFAULT_SCOPES)
        return True

    def get_code_challenge(self, code, request):
        return request.sealed_grant.code_challenge

    def get_code_challenge_method(self, code, request):
        return request.sealed_grant.code_challenge_method

    def confirm_redirect_uri(self, client_id, code, redirect_uri, client, request, *args, **kwargs):
        """RFC 6749 §5.2 names this case ``invalid_grant``; oauthlib would say invalid_request."""
        if not _same(redirect_uri, request.sealed_grant.redirect_uri):
            self._refuse_grant(request, "Mismatching redirect URI.")
        return True

    def _refuse_grant(
        self, request, description: str | None = None, error=oauth_errors.InvalidGrantError
    ):
        """``invalid_grant`` (or *error*), but only for a client that proved itself: RFC 6749 §5.2
        names a failed client authentication ``invalid_client`` whatever the grant.

        Identity cannot check a secret, so the API does: by the client
        authentication extension, or without it by the client's existence
        (a wrong secret then meets the API at the exchange, which checks the
        client before it spends anything).  A good grant needs no extra call:
        the exchange authenticates first.
        """
        credentials = self._credentials(request)
        try:
            if self.extensions:
                self.api.authenticate_client(credentials.client_id, credentials.secret)
                proved = True
            else:
                client = self._client(credentials.client_id)
                proved = client is not None and (client.public or credentials.secret is not None)
        except errors.Unauthorized:
            proved = False
        except errors.UpstreamError as exc:
            raise UpstreamRefused(oauth_error(exc), request) from None
        if not proved:
            raise oauth_errors.InvalidClientError(request=request)
        raise error(description=description, request=request)

    def validate_refresh_token(self, refresh_token, client, request, *args, **kwargs):
        """Open a sealed (OpenID) refresh token; the API checks the token inside in ``exchange``.

        A token that is not sealed is an upstream refresh token as issued
        for plain OAuth grants, and goes to the API as it is.
        """
        sealed = self.refresh_tokens.open(refresh_token) if self.refresh_tokens else None
        if sealed is not None:
            if not _same(sealed.client_id, request.client.client_id):
                return self._refuse_grant(request)
            request.sealed_refresh = sealed
        return True

    def get_original_scopes(self, refresh_token, request, *args, **kwargs):
        """The scope the refresh token was granted, when a refresh asks for one.

        The API cannot narrow a token, so a requested scope is only checked
        (RFC 6749 §6: nothing beyond the original) and the answer names the
        scope the token really has.  The API's introspection tells it; an
        API without the extension tells nothing, so there any known scope
        is accepted and the answer carries no ``scope`` ("unchanged").
        """
        if not request.scope:
            return []
        requested = [s for s in request.scopes if known(s)]
        if not self.extensions:
            return requested
        credentials = self._credentials(request)
        sealed = getattr(request, "sealed_refresh", None)
        try:
            info = self.api.introspect_token(
                credentials.client_id, credentials.secret, sealed.token if sealed else refresh_token
            )
        except errors.Unauthorized:
            raise oauth_errors.InvalidClientError(request=request) from None
        except errors.UpstreamError as exc:
            raise UpstreamRefused(oauth_error(exc), request) from None
        if info is None:
            # Not active, or a rotated token inside its grace: the exchange decides.
            return requested
        request.original_scopes = sorted(set(info.scope) | set(sealed.scope if sealed else ()))
        return request.original_scopes

    def is_within_original_scope(self, request_scopes, refresh_token, request, *args, **kwargs):
        """Beyond the original (or unknown): ``invalid_scope``, for a client that proved itself."""
        self._refuse_grant(request, error=oauth_errors.InvalidScopeError)

    def validate_device_code(self, client_id, code, request, *args, **kwargs):
        """Nothing to check here: the API answers for the device code in ``exchange``.

        Its pending, slow-down, denied and expired answers become RFC 8628
        §3.5 errors there; the scope is the one the person approved, kept
        at the API.
        """
        request.scopes = []
        return DeviceCodeGrant.DEVICE_CODE_AUTHORIZED

    def exchange(self, request) -> None:
        """Spend the code or refresh token at the API (#7), after every local check.

        Runs last among the token checks (oauthlib's ``post_token`` hook):
        the upstream code works once, so nothing may fail after it is spent.
        """
        credentials: ClientCredentials = request.client
        if request.grant_type == "authorization_code":
            kwargs = {"code": request.sealed_grant.code}
        elif request.grant_type == DEVICE_CODE:
            kwargs = {"code": request.device_code}
        else:
            sealed = getattr(request, "sealed_refresh", None)
            kwargs = {"refresh_token": sealed.token if sealed else request.refresh_token}
        try:
            request.upstream_tokens = self.api.exchange_token(
                request.grant_type,
                client_id=credentials.client_id,
                client_secret=credentials.secret,
                **kwargs,
            )
        except errors.UpstreamError as exc:
            if request.grant_type == DEVICE_CODE and exc.id in DEVICE_CODE_ERRORS:
                raise DEVICE_CODE_ERRORS[exc.id](request=request) from None
            # Other refusals (400, 403, 404, 422 and kin): the code or token
            # is unknown, used, expired or not this client's.
            raise UpstreamRefused(oauth_error(exc, refused="invalid_grant"), request) from None

    def save_bearer_token(self, token, request, *args, **kwargs):
        """Nothing to store: the API made the tokens and keeps them."""

    def invalidate_authorization_code(self, client_id, code, request, *args, **kwargs):
        """Nothing to do: the API spent the inner code in ``exchange``."""


def _pkce_ok(sealed: SealedGrant, verifier: str | None) -> bool:
    if sealed.code_challenge is None:
        return verifier is None
    if verifier is None or not _CODE_VERIFIER.fullmatch(verifier):
        return False
    return code_challenge_method_s256(verifier, sealed.code_challenge)
