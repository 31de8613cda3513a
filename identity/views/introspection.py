"""POST /oauth/introspect: token introspection (RFC 7662), by the API's extension."""

from __future__ import annotations

from identity.views.client_endpoint import ClientRequest, client_endpoint, upstream_token


@client_endpoint(public_clients=False)
def introspect(request, client_request: ClientRequest) -> dict:
    """What the token is, for the client it was issued to; otherwise only inactive.

    RFC 7662 §2.2: an inactive token (unknown, expired, revoked, another
    client's) is ``{"active": false}`` and nothing more.  ``token_type`` is
    ``Bearer`` for access tokens only, so a resource server that checks it
    never takes a refresh token for an access token.
    """
    client = client_request.client
    info = request.api.introspect_token(
        client.client_id, client.secret, upstream_token(request, client_request.require("token"))
    )
    if info is None:
        return {"active": False}
    return {
        "active": True,
        "scope": " ".join(info.scope),
        "client_id": info.client_id,
        "username": info.email,
        "sub": info.user_id,
        "exp": info.expires_at,
        "iat": info.issued_at,
        "token_type": "Bearer" if info.kind == "access_token" else info.kind,
    }
