"""Sealed codes and refresh tokens: what the upstream lacks, carried in the credential.

The Platform API knows nothing of PKCE, of the redirect URI a code was
issued for, or of OpenID Connect (when and how the person authenticated,
the nonce), so the code Identity hands a client is a Fernet token (encrypted
and authenticated under its own key, with a short lifetime) of the upstream
grant code plus those facts.  The token endpoint opens it, checks it, and
only then spends the inner code at the API, which enforces single use.

An OpenID Connect grant's refresh token is sealed the same way, under a key
derived from the same ``SEALED_CODE_KEY`` (``OLD_SEALED_CODE_KEY`` still
opens it during a rotation): the upstream refresh token plus the subject,
``auth_time``, ``amr`` and OpenID scopes that a refreshed id_token repeats.
It has no lifetime of its own; the upstream token inside it expires.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import time
from collections.abc import Callable

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


@dataclasses.dataclass(frozen=True)
class SealedGrant:
    """What a sealed code asserts about the grant inside it."""

    code: str = dataclasses.field(repr=False)  # the upstream grant code
    client_id: str
    redirect_uri: str  # the URI the code was delivered to
    redirect_uri_sent: bool  # whether the authorization request named it (RFC 6749 §4.1.3)
    code_challenge: str | None
    code_challenge_method: str | None
    scope: tuple[str, ...]
    issued_at: int
    # OpenID Connect: who authenticated, when and how (OIDC Core §2), and the nonce.
    user: dict | None = None  # {id, email, full_name} of the person who approved
    auth_time: int | None = None
    amr: tuple[str, ...] = ()
    nonce: str | None = dataclasses.field(default=None, repr=False)
    #: What the client asked for, when ``scope`` left some of it out (offline_access
    #: without consent), so the token answer names the scope it got (RFC 6749 §5.1).
    requested_scope: tuple[str, ...] | None = None


@dataclasses.dataclass(frozen=True)
class SealedRefresh:
    """What a sealed refresh token asserts about its grant."""

    token: str = dataclasses.field(repr=False)  # the upstream refresh token
    client_id: str
    user_id: str
    scope: tuple[str, ...]  # the grant's OpenID scopes
    auth_time: int | None
    amr: tuple[str, ...]


def _load(cls, data: bytes):
    payload = json.loads(data)
    for name in ("scope", "amr", "requested_scope"):
        if payload.get(name) is not None:
            payload[name] = tuple(payload[name])
    return cls(**payload)


def _dump(value) -> bytes:
    return json.dumps(dataclasses.asdict(value), separators=(",", ":")).encode()


def derived_key(key: str, purpose: bytes) -> bytes:
    """A Fernet key for *purpose*, from *key*: one secret, no two uses of one key."""
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(
        key.encode("ascii")
    )
    return base64.urlsafe_b64encode(raw)


class SealedRefreshTokens:
    """Seals and opens OpenID Connect refresh tokens."""

    PURPOSE = b"identity sealed refresh token v1"

    def __init__(self, key: str, old_key: str = ""):
        self._fernet = MultiFernet(
            [Fernet(derived_key(k, self.PURPOSE)) for k in (key, old_key) if k]
        )

    def seal(self, refresh: SealedRefresh) -> str:
        return self._fernet.encrypt(_dump(refresh)).decode("ascii")

    def open(self, sealed: str) -> SealedRefresh | None:
        """The grant inside *sealed*, or None when it is not a sealed refresh token."""
        try:
            return _load(SealedRefresh, self._fernet.decrypt(sealed.encode("ascii")))
        except (InvalidToken, UnicodeError, ValueError, TypeError, KeyError):
            return None


class SealedCodes:
    """Seals under ``sealed_code_key``; opens under it or ``old_sealed_code_key``,
    so the key rotates with no code in flight refused."""

    def __init__(
        self,
        key: str,
        expires_in: int,
        clock: Callable[[], float] = time.time,
        old_key: str = "",
    ):
        self._fernet = MultiFernet([Fernet(k) for k in (key, old_key) if k])
        self.expires_in = expires_in
        self._clock = clock

    def seal(self, grant: SealedGrant) -> str:
        return self._fernet.encrypt_at_time(_dump(grant), int(self._clock())).decode("ascii")

    def open(self, sealed: str) -> SealedGrant | None:
        """The grant inside *sealed*, or None when it is forged, altered or expired."""
        try:
            data = self._fernet.decrypt_at_time(
                sealed.encode("ascii"), self.expires_in, int(self._clock())
            )
            return _load(SealedGrant, data)
        except (InvalidToken, UnicodeError, ValueError, TypeError, KeyError):
            return None
