"""POST /oauth/revoke: token revocation (RFC 7009), done by the API's revoke extension."""

from __future__ import annotations

from identity import logs
from identity.views.client_endpoint import ClientRequest, client_endpoint, upstream_token

#: RFC 7009 §2.1's hints; any other value is ignored, as the RFC allows.
TOKEN_TYPE_HINTS = ("access_token", "refresh_token")


@client_endpoint(public_clients=True)
def revoke(request, client_request: ClientRequest) -> dict:
    """Revoke the client's token; unknown tokens get the same 200 (RFC 7009 §2.2).

    Revoking a refresh token ends its whole authorization at the API, and
    a token of another client is left alone.
    """
    hint = client_request.params.get("token_type_hint")
    client = client_request.client
    request.api.revoke_token(
        client.client_id,
        client.secret,
        upstream_token(request, client_request.require("token")),
        hint if hint in TOKEN_TYPE_HINTS else None,
    )
    # Whether the token was known is the API's secret (RFC 7009 §2.2); this says it was asked.
    logs.audit(
        "token.revoked",
        client_id=client.client_id,
        token_type_hint=hint if hint in TOKEN_TYPE_HINTS else None,
    )
    return {}
