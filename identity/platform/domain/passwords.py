"""Argon2id password hashing, and one request's hashing work.

The policy (which passwords are acceptable) is ``identity.password_policy``,
shared with Identity's forms.

Hashing: Argon2id from ``cryptography``.  ``DEFAULT_HASHER`` uses 19 MiB of
memory, 3 passes and 1 lane (OWASP's minimum is 19 MiB x 2 passes): about
70 ms per hash on this project's 2-core machine.  The stored string carries
its own salt and parameters (``argon2id$m=..,t=..,p=..$salt$hash``), so
hashes made with other parameters (cheap ones in tests, stronger ones later)
keep verifying.

Hashing is slow on purpose, so it must not hold the database's write lock:
``PasswordWork`` remembers one request's hashing so that a route's
``prepare`` step (api/routes.py) can do it before the write transaction.
"""

from __future__ import annotations

import base64
import hmac
import os

from cryptography.hazmat.primitives.kdf.argon2 import Argon2id


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


class PasswordHasher:
    """Argon2id with fixed cost parameters; verifies hashes of any parameters."""

    def __init__(self, memory_cost: int = 19456, iterations: int = 3, lanes: int = 1) -> None:
        self.memory_cost = memory_cost  # KiB
        self.iterations = iterations
        self.lanes = lanes

    def hash(self, password: str) -> str:
        salt = os.urandom(16)
        key = _derive(password, salt, self.memory_cost, self.iterations, self.lanes)
        params = f"m={self.memory_cost},t={self.iterations},p={self.lanes}"
        return f"argon2id${params}${_b64(salt)}${_b64(key)}"

    def verify(self, password: str, stored: str | None) -> bool:
        """True when *password* matches *stored*; a missing hash costs the same time."""
        if not stored:
            # Spend the same work as a real check, so response time does not
            # tell whether an account exists or has a password.
            self.hash(password)
            return False
        try:
            _, params, salt, expected = stored.split("$")
            cost = dict(item.split("=") for item in params.split(","))
            key = _derive(password, _unb64(salt), int(cost["m"]), int(cost["t"]), int(cost["p"]))
        except (ValueError, KeyError):
            return False
        return hmac.compare_digest(key, _unb64(expected))


def _derive(password: str, salt: bytes, memory_cost: int, iterations: int, lanes: int) -> bytes:
    kdf = Argon2id(
        salt=salt, length=32, iterations=iterations, lanes=lanes, memory_cost=memory_cost
    )
    return kdf.derive(password.encode("utf-8"))


DEFAULT_HASHER = PasswordHasher()


class PasswordWork:
    """One request's hashing and verifying, each computation done at most once.

    A route's ``prepare`` step, run before the write transaction, hashes and
    verifies what the view will need; the view, under the write lock, then
    gets the remembered answers instead of spending ~70 ms there.  A verify is
    remembered together with the stored hash it was checked against: when the
    view reads a different hash (a password change raced this request), it is
    a miss and the view verifies again, against the current hash.
    """

    def __init__(self, hasher: PasswordHasher) -> None:
        self.hasher = hasher
        self._verified: dict[tuple[str, str | None], bool] = {}
        self._hashed: dict[str, str] = {}

    def verify(self, password: str, stored: str | None) -> bool:
        key = (password, stored)
        if key not in self._verified:
            self._verified[key] = self.hasher.verify(password, stored)
        return self._verified[key]

    def hash(self, password: str) -> str:
        if password not in self._hashed:
            self._hashed[password] = self.hasher.hash(password)
        return self._hashed[password]
