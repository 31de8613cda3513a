"""Second factors: TOTP, single-use recovery codes and SMS codes.

- TOTP (RFC 6238 via ``cryptography``): SHA-1, 6 digits, 30 s steps, one step
  of clock drift accepted either way.  The secret is kept Fernet-encrypted
  with ``platform_encryption_key``.  The last accepted step is remembered per
  user and no step up to it is accepted again, so an observed code cannot be
  replayed, not even within its 30 s.
- Recovery codes: 10 codes of 16 hex characters, shown once, stored hashed;
  making new ones deletes the old ones.
- SMS codes: 8 digits, stored hashed, short-lived (``sms_code_expires_in``).

Each code is spent with one conditional UPDATE and a rowcount check, so two
parallel requests can never both use it.  The caller counts failures
(ratelimit.py): a wrong code is a failed login.
"""

from __future__ import annotations

import base64
import os
import re
import secrets

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.hashes import SHA1
from cryptography.hazmat.primitives.twofactor.totp import TOTP

from identity.logs import audit
from identity.platform.domain.secrets import digest, new_digits
from identity.platform.store import codes, users
from identity.platform.store.database import Transaction
from identity.platform.store.users import User

TOTP_DIGITS = 6
TOTP_STEP = 30
TOTP_DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10
SMS_CODE_DIGITS = 8


def cipher(platform_encryption_key: str) -> Fernet:
    return Fernet(platform_encryption_key)


def new_totp_secret() -> str:
    """20 random bytes in base32: 32 characters, no padding, as authenticator apps take it."""
    return base64.b32encode(os.urandom(20)).decode()


def totp_code(secret: str, at: float) -> str:
    """The code an authenticator shows at time *at* (tests use it too)."""
    return _totp(secret).generate(int(at)).decode()


def _totp(secret: str) -> TOTP:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    # SHA-1 is what RFC 6238 and every authenticator app use; HMAC-SHA1 is not broken.
    return TOTP(key, TOTP_DIGITS, SHA1(), TOTP_STEP, enforce_key_length=False)  # noqa: S303


def normalize_code(code: str) -> str:
    """Codes may be typed with spaces or dashes, recovery codes in any case."""
    return re.sub(r"[\s-]", "", code).lower()


def check_second_factor(tx: Transaction, user: User, code: str, fernet: Fernet) -> bool:
    """True, and the code spent, when *code* is a valid TOTP, SMS or recovery code."""
    code = normalize_code(code)
    if re.fullmatch(rf"\d{{{TOTP_DIGITS}}}", code):
        return _use_totp(tx, user, code, fernet)
    if re.fullmatch(rf"\d{{{SMS_CODE_DIGITS}}}", code):
        return codes.spend_sms_code(tx, user.id, digest(code))
    if re.fullmatch(r"[0-9a-f]{16}", code):
        spent = codes.spend_recovery_code(tx, user.id, digest(code))
        if spent:
            tx.after_commit(lambda: audit("two_factor.recovery_code_used", user_id=user.id))
        return spent
    return False


def _use_totp(tx: Transaction, user: User, code: str, fernet: Fernet) -> bool:
    if not user.totp_secret:
        return False
    try:
        secret = fernet.decrypt(user.totp_secret.encode()).decode()
    except InvalidToken:
        return False
    step = totp_step(secret, code, tx.now)
    # Only a step later than every step accepted before may pass.
    return step is not None and users.accept_totp_step(tx, user.id, step)


def totp_step(secret: str, code: str, now: float) -> int | None:
    """The time step (within the drift allowed) at which *code* is *secret*'s code, or None."""
    totp = _totp(secret)
    current = int(now) // TOTP_STEP
    for step in range(current - TOTP_DRIFT_STEPS, current + TOTP_DRIFT_STEPS + 1):
        expected = totp.generate(step * TOTP_STEP).decode()
        if secrets.compare_digest(expected, code):
            return step
    return None


def enable_totp(
    tx: Transaction,
    user_id: str,
    fernet: Fernet,
    secret: str | None = None,
    step: int | None = None,
) -> str:
    """Give the user a TOTP secret (*secret*, or a new one); return it in base32 (shown once).

    *step* is a step already accepted for it (enrolment's confirming code), never accepted again.
    """
    secret = secret or new_totp_secret()
    encrypted = fernet.encrypt(secret.encode()).decode()
    users.update(tx, user_id, totp_secret=encrypted, totp_last_step=step)
    return secret


def disable_totp(tx: Transaction, user_id: str) -> None:
    """Turn two-factor off: no TOTP secret, no recovery codes."""
    users.update(tx, user_id, totp_secret=None, totp_last_step=None)
    codes.replace_recovery_codes(tx, user_id, [])


def new_recovery_codes(tx: Transaction, user_id: str) -> list[str]:
    """Replace the user's recovery codes with 10 new ones; return them (shown once)."""
    fresh = [secrets.token_hex(8) for _ in range(RECOVERY_CODE_COUNT)]
    codes.replace_recovery_codes(tx, user_id, [digest(code) for code in fresh])
    return fresh


def new_sms_code(tx: Transaction, user_id: str, expires_in: int) -> str:
    """Issue an SMS code; earlier unused ones stop working."""
    code = new_digits(SMS_CODE_DIGITS)
    codes.replace_sms_code(tx, user_id, digest(code), expires_in)
    return code


def mask_sms_number(number: str | None) -> str | None:
    """``+15551231234`` -> ``+1 ***-***-1234``; other numbers keep their last 4 digits."""
    if not number:
        return None
    digits = re.sub(r"\D", "", number)
    if number.startswith("+1") and len(digits) == 11:
        return f"+1 ***-***-{digits[-4:]}"
    return "+" + "*" * (len(digits) - 4) + digits[-4:]
