"""RFC 8414 metadata and OpenID Connect Discovery 1.0 §3: one document at both paths.

``/.well-known/oauth-authorization-server`` and
``/.well-known/openid-configuration`` serve the same document, with the same
issuer: every OpenID field is valid RFC 8414 metadata too.  Generated, never
written by hand: oauthlib's ``MetadataEndpoint`` reads the response types,
grant types and PKCE methods off the same oauthlib endpoints that serve
requests; endpoint URLs come from the route table, so an endpoint that is
not routed (the API's extensions are off) is not advertised either; the
signing algorithm is the signing key's.
"""

from __future__ import annotations

import json

from oauthlib.oauth2 import MetadataEndpoint
from webob import Response

from identity.oauth.id_token import CLAIMS
from identity.oauth.scopes import OIDC_SCOPES, SCOPES
from identity.views import (
    authorize,
    device,
    end_session,
    introspection,
    jwks,
    revocation,
    token,
    userinfo,
)
from identity.views.client_endpoint import AUTH_METHODS, CONFIDENTIAL_AUTH_METHODS

#: Metadata name -> the view that serves it, and its auth methods if any.
ENDPOINTS = {
    "authorization_endpoint": (authorize.authorize, None),
    "token_endpoint": (token.token, AUTH_METHODS),
    "revocation_endpoint": (revocation.revoke, AUTH_METHODS),
    "introspection_endpoint": (introspection.introspect, CONFIDENTIAL_AUTH_METHODS),
    "device_authorization_endpoint": (device.device_code, None),
    "userinfo_endpoint": (userinfo.userinfo, None),
    "jwks_uri": (jwks.jwks, None),
    "end_session_endpoint": (end_session.end_session, None),
}


def document(request) -> dict:
    """The metadata of this running Identity."""
    issuer = request.settings.public_url
    router = request.registry.router
    claims = {
        "issuer": issuer,
        "scopes_supported": [*SCOPES, *OIDC_SCOPES],
        # Codes go back in the query only (no fragment: no implicit flow).
        "response_modes_supported": ["query"],
        "authorization_response_iss_parameter_supported": True,
        # OpenID Connect Discovery 1.0 §3.
        "subject_types_supported": ["public"],
        # What the first key signs with (the development key and keygen's default: RS256).
        "id_token_signing_alg_values_supported": [request.registry.signing.current.alg],
        "claims_supported": list(CLAIMS),
        "prompt_values_supported": list(authorize.PROMPTS),
        # Not supported, said so: request_uri_parameter_supported defaults to true.
        "claims_parameter_supported": False,
        "request_parameter_supported": False,
        "request_uri_parameter_supported": False,
    }
    for name, (view, auth_methods) in ENDPOINTS.items():
        path = router.path_of(view)
        if path is None:
            continue
        claims[name] = issuer + path
        if auth_methods:
            claims[name.replace("_endpoint", "_endpoint_auth_methods_supported")] = list(
                auth_methods
            )
    server = request.oauth_server()
    # Only production insists on an https issuer; settings already enforce it there.
    endpoint = MetadataEndpoint(
        [server.authorization, server.token], claims, raise_errors=request.settings.production
    )
    return endpoint.claims


def metadata(request) -> Response:
    response = Response(
        body=json.dumps(document(request)).encode(),
        content_type="application/json",
        charset=None,
    )
    return jwks.public_json(response)
