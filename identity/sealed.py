"""Sealed authorization codes: what the upstream grant lacks, carried in the code.

The Platform API knows nothing of PKCE or of the redirect URI a code was
issued for, so the code Identity hands a client is a Fernet token (encrypted
and authenticated under its own key, with a short lifetime) of the upstream
grant code plus those facts.  The token endpoint opens it, checks it, and
only then spends the inner code at the API, which enforces single use.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


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
        payload = dataclasses.asdict(grant)
        payload["scope"] = list(grant.scope)
        data = json.dumps(payload, separators=(",", ":")).encode()
        return self._fernet.encrypt_at_time(data, int(self._clock())).decode("ascii")

    def open(self, sealed: str) -> SealedGrant | None:
        """The grant inside *sealed*, or None when it is forged, altered or expired."""
        try:
            data = self._fernet.decrypt_at_time(
                sealed.encode("ascii"), self.expires_in, int(self._clock())
            )
            payload = json.loads(data)
            payload["scope"] = tuple(payload["scope"])
            return SealedGrant(**payload)
        except (InvalidToken, UnicodeError, ValueError, TypeError, KeyError):
            return None
