"""The id_token (OpenID Connect Core §2, §3.1.3.6, §12.2), signed by ``signing.SigningKeys``.

Made at the token endpoint when the grant included ``openid``: on the code
exchange from the sealed code's facts (nonce included), and on a refresh
from the sealed refresh token's (a new ``iat``, the same ``sub``,
``auth_time`` and ``amr``, no ``nonce``: a refresh authenticates no one).
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
from collections.abc import Callable

from identity.oauth.signing import SigningKeys

#: Every claim an id_token or userinfo may carry: discovery's claims_supported.
CLAIMS = (
    "iss",
    "sub",
    "aud",
    "exp",
    "iat",
    "auth_time",
    "nonce",
    "amr",
    "at_hash",
    "azp",
    "email",
    "email_verified",
    "name",
)


@dataclasses.dataclass(frozen=True)
class Subject:
    """Who the id_token is about, and how they authenticated."""

    user_id: str
    auth_time: int | None
    amr: tuple[str, ...]
    #: {email, full_name} for the email and profile claims; None on a refresh,
    #: whose id_token carries the authentication claims only (userinfo has the rest).
    user: dict | None = None


def at_hash(access_token: str) -> str:
    """§3.1.3.6: the left half of the SHA-256 of the token (RS256 and ES256 both hash so)."""
    digest = hashlib.sha256(access_token.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest[: len(digest) // 2]).decode().rstrip("=")


def user_claims(user: dict, scopes) -> dict:
    """§5.4: ``email`` gives email and email_verified, ``profile`` gives name.

    Every address an account has was confirmed by a mailed link (invitation,
    signup or email change) or set by the operator, hence email_verified.
    """
    claims: dict = {}
    if "email" in scopes and user.get("email"):
        claims["email"] = user["email"]
        claims["email_verified"] = True
    if "profile" in scopes and user.get("full_name"):
        claims["name"] = user["full_name"]
    return claims


class IdTokens:
    """Makes id_tokens for one issuer."""

    def __init__(self, keys: SigningKeys, issuer: str, expires_in: int, clock: Callable[[], float]):
        self.keys = keys
        self.issuer = issuer
        self.expires_in = expires_in
        self.clock = clock

    def make(
        self,
        subject: Subject,
        client_id: str,
        scopes,
        access_token: str,
        nonce: str | None = None,
    ) -> str:
        now = int(self.clock())
        claims = {
            "iss": self.issuer,
            "sub": subject.user_id,
            "aud": client_id,
            # One audience, the client that is also the authorized party.
            "azp": client_id,
            "exp": now + self.expires_in,
            "iat": now,
            "at_hash": at_hash(access_token),
        }
        if subject.auth_time is not None:
            claims["auth_time"] = subject.auth_time
        if subject.amr:
            claims["amr"] = list(subject.amr)
        if nonce is not None:
            claims["nonce"] = nonce
        if subject.user is not None:
            claims.update(user_claims(subject.user, scopes))
        return self.keys.sign(claims)
