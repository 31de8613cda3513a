"""Secrets handed to people and clients, and how they are stored.

Every secret (client secrets, access and refresh tokens, grant, device,
reset, invitation and email-change tokens, SMS and recovery codes) is random
from ``secrets`` and stored only as its SHA-256 hex digest.  These secrets
carry 128+ bits of entropy, so a plain fast hash is enough: there is nothing
to brute-force (the short SMS, recovery and user codes are guarded by the
abuse limits instead).  Passwords are different: see passwords.py.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

#: Prefix of access and refresh tokens, as Heroku's current tokens have.
TOKEN_PREFIX = "HRKU-"


def new_id() -> str:
    return str(uuid.uuid4())


def new_secret() -> str:
    """A URL-safe random secret of 256 bits."""
    return secrets.token_urlsafe(32)


def new_token() -> str:
    return TOKEN_PREFIX + new_secret()


def new_digits(count: int) -> str:
    return "".join(secrets.choice("0123456789") for _ in range(count))


def digest(secret: str) -> str:
    """The stored form of a secret: SHA-256, hex."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def derive_key(master_key: str, purpose: str) -> bytes:
    """A 32-byte key for one *purpose*, derived (HKDF) from a configured Fernet key."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode()).derive(
        master_key.encode()
    )


def derive_token(key: bytes, label: str, secret: str) -> str:
    """A token computed from *secret*: the same inputs always give the same token.

    Used for refresh-token rotation: the successor of a refresh token is a
    function of the old token, so a parallel retry within the grace window can
    be given the same successor although only its hash is stored.
    """
    mac = hmac.new(key, f"{label}\0{secret}".encode(), hashlib.sha256).digest()
    return TOKEN_PREFIX + base64.urlsafe_b64encode(mac).decode().rstrip("=")
