"""oauthlib's grants, tightened to the OAuth 2.1 profile Identity enforces."""

from __future__ import annotations

import re
from typing import ClassVar

from oauthlib.common import add_params_to_uri
from oauthlib.oauth2.rfc6749 import errors
from oauthlib.oauth2.rfc6749.grant_types import authorization_code

# BASE64URL(SHA256(verifier)) without padding: always 43 characters.
_S256_CHALLENGE = re.compile(r"[A-Za-z0-9_-]{43}")


def redirect_to_client(uri: str, params: list[tuple[str, str]], issuer: str) -> str:
    """*uri* with *params* and RFC 9207's ``iss``: every redirect back to a client."""
    return add_params_to_uri(uri, [*params, ("iss", issuer)])


def check_authorization_request(request) -> dict:
    """What oauthlib lets through but OAuth 2.1 does not (a ``pre_auth`` hook).

    oauthlib accepts any response_type containing "code" (OpenID hybrids)
    and "none", and a ``plain`` or absent PKCE method; here only ``code``
    and ``S256`` pass (RFC 9700 §2.1.1: plain protects nothing once the
    challenge leaks).
    """
    if request.response_type not in (None, "code"):
        raise errors.UnsupportedResponseTypeError(request=request)
    if request.code_challenge is None:
        if request.code_challenge_method is not None:
            raise errors.InvalidRequestError(
                description="code_challenge_method given without code_challenge.", request=request
            )
        return {}
    if request.code_challenge_method != "S256":
        raise errors.UnsupportedCodeChallengeMethodError(
            description="Only the S256 code_challenge_method is supported.", request=request
        )
    if not _S256_CHALLENGE.fullmatch(request.code_challenge):
        raise errors.InvalidRequestError(description="Malformed code_challenge.", request=request)
    return {}


class AuthorizationCodeGrant(authorization_code.AuthorizationCodeGrant):
    """The code grant with sealed codes, S256-only PKCE and ``iss`` on redirects."""

    _code_challenge_methods: ClassVar = {"S256": authorization_code.code_challenge_method_s256}

    def __init__(self, request_validator, issuer: str):
        super().__init__(
            request_validator,
            pre_auth=[check_authorization_request],
            post_token=[request_validator.exchange],
        )
        self.issuer = issuer

    def create_authorization_code(self, request):
        """The sealed code of a grant made at the API, instead of a random one."""
        grant = {"code": self.request_validator.issue_sealed_code(request)}
        if request.state:
            grant["state"] = request.state
        return grant

    def create_authorization_response(self, request, token_handler):
        headers, body, status = super().create_authorization_response(request, token_handler)
        headers["Location"] = redirect_to_client(headers["Location"], [], self.issuer)
        return headers, body, status
