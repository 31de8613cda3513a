"""Single use of ``/login/external`` tokens: Identity spends each token's ``jti`` here.

The API asks for the access token the login token carries (``api/login_tokens.py``),
so only holders of a real authorization can fill the table.  A ``jti`` is kept
until the token's ``exp`` (at most ``MAX_REMEMBERED`` from now, which is far
longer than Identity accepts such a token for); housekeeping prunes it after.
"""

from __future__ import annotations

from identity.platform.domain.errors import InvalidParams
from identity.platform.store import login_tokens
from identity.platform.store.database import Transaction

MAX_REMEMBERED = 24 * 3600
MAX_JTI_LENGTH = 200


def spend(tx: Transaction, jti: str, expires_at: float) -> bool:
    """True the first time *jti* is spent, False for every later time."""
    if not jti or len(jti) > MAX_JTI_LENGTH:
        raise InvalidParams(f"jti must be 1 to {MAX_JTI_LENGTH} characters.")
    return login_tokens.spend(tx, jti, min(expires_at, tx.now + MAX_REMEMBERED))
