"""The one table from upstream failures to OAuth errors (RFC 6749 §5.2, RFC 6750 §3.1).

Every endpoint that clients call directly (token, revocation, introspection,
device authorization, userinfo) answers an ``identity.errors`` exception
through ``oauth_error``, so the same upstream answer is the same OAuth error
everywhere.  What the upstream refused for a reason of its own (400, 403,
404, 422 and kin) means something per endpoint: the caller names it as
*refused* (``invalid_grant`` at the token endpoint, where the code or
refresh token is unknown, used, expired or not this client's).
"""

from __future__ import annotations

import dataclasses

from identity import errors


@dataclasses.dataclass(frozen=True)
class OAuthError:
    error: str
    description: str
    status: int


#: Upstream exception -> the OAuth error, most specific first.  A None
#: description means: pass on the API's own message.
TABLE: tuple[tuple[type[errors.UpstreamError], OAuthError], ...] = (
    (errors.Unauthorized, OAuthError("invalid_client", "Client authentication failed.", 401)),
    # The original answered a suspended account's token request with 403.
    (errors.Suspended, OAuthError("access_denied", "", 403)),
    (
        errors.RateLimited,
        OAuthError("temporarily_unavailable", "Too many requests, please wait a few minutes.", 429),
    ),
    (
        errors.UpstreamUnavailable,
        OAuthError(
            "temporarily_unavailable", "The API is unavailable, please try again later.", 503
        ),
    ),
)


#: At a resource endpoint (userinfo, RFC 6750 §3.1) the credential the API
#: refused is the access token, not a client: these rows come first there.
RESOURCE_TABLE: tuple[tuple[type[errors.UpstreamError], OAuthError], ...] = (
    (errors.Unauthorized, OAuthError("invalid_token", "The access token is not valid.", 401)),
    (errors.Suspended, OAuthError("invalid_token", "The account is suspended.", 401)),
    (errors.NotFound, OAuthError("invalid_token", "The access token is not valid.", 401)),
)


def oauth_error(
    exc: errors.UpstreamError, refused: str = "invalid_request", *, resource: bool = False
) -> OAuthError:
    """The OAuth error for *exc*; *refused* is the code for the API's other 4xx refusals,
    and *resource* says the caller presented an access token rather than a client."""
    for kind, answer in (RESOURCE_TABLE if resource else ()) + TABLE:
        if isinstance(exc, kind):
            if answer.description:
                return answer
            return dataclasses.replace(answer, description=exc.message)
    return OAuthError(refused, exc.message or "The request was refused.", 400)
