"""GET /.well-known/oauth-authorization-server: RFC 8414 metadata.

Generated, never written by hand: oauthlib's ``MetadataEndpoint`` reads the
response types, grant types and PKCE methods off the same oauthlib endpoints
that serve requests; endpoint URLs come from the route table, so an endpoint
that is not routed (the API's extensions are off) is not advertised either.
"""

from __future__ import annotations

import json

from oauthlib.oauth2 import MetadataEndpoint
from webob import Response

from identity.oauth.scopes import SCOPES
from identity.views import authorize, device, introspection, revocation, token
from identity.views.client_endpoint import AUTH_METHODS, CONFIDENTIAL_AUTH_METHODS

#: Metadata name -> the view that serves it, and its auth methods if any.
ENDPOINTS = {
    "authorization_endpoint": (authorize.authorize, None),
    "token_endpoint": (token.token, AUTH_METHODS),
    "revocation_endpoint": (revocation.revoke, AUTH_METHODS),
    "introspection_endpoint": (introspection.introspect, CONFIDENTIAL_AUTH_METHODS),
    "device_authorization_endpoint": (device.device_code, None),
}


def document(request) -> dict:
    """The metadata of this running Identity."""
    issuer = request.settings.public_url
    router = request.registry.router
    claims = {
        "issuer": issuer,
        "scopes_supported": list(SCOPES),
        # Codes go back in the query only (no fragment: no implicit flow).
        "response_modes_supported": ["query"],
        "authorization_response_iss_parameter_supported": True,
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
    # Public, identical for everyone: any web page may read it (RFC 8414 §3).
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.cache_control = "public, max-age=3600"
    return response
