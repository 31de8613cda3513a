"""Single-use second-factor codes: ``recovery_codes`` and ``sms_codes`` (digests only)."""

from __future__ import annotations

import sqlalchemy as sa

from identity.platform.store.database import Transaction
from identity.platform.store.tables import recovery_codes, sms_codes


def replace_recovery_codes(tx: Transaction, user_id: str, code_hashes: list[str]) -> None:
    tx.execute(sa.delete(recovery_codes).where(recovery_codes.c.user_id == user_id))
    if not code_hashes:
        return
    tx.execute(
        sa.insert(recovery_codes),
        [{"user_id": user_id, "code_hash": h, "created_at": tx.now} for h in code_hashes],
    )


def spend_recovery_code(tx: Transaction, user_id: str, code_hash: str) -> bool:
    """Use the code once: one conditional UPDATE, so parallel uses give one success."""
    statement = (
        sa.update(recovery_codes)
        .where(
            recovery_codes.c.user_id == user_id,
            recovery_codes.c.code_hash == code_hash,
            recovery_codes.c.used_at.is_(None),
        )
        .values(used_at=tx.now)
    )
    return tx.execute(statement).rowcount == 1


def replace_sms_code(tx: Transaction, user_id: str, code_hash: str, lifetime: float) -> None:
    """The user's one SMS code from now on: earlier unused ones stop working."""
    tx.execute(sa.delete(sms_codes).where(sms_codes.c.user_id == user_id))
    tx.execute(
        sa.insert(sms_codes).values(
            user_id=user_id,
            code_hash=code_hash,
            created_at=tx.now,
            expires_at=tx.now + lifetime,
        )
    )


def spend_sms_code(tx: Transaction, user_id: str, code_hash: str) -> bool:
    statement = (
        sa.update(sms_codes)
        .where(
            sms_codes.c.user_id == user_id,
            sms_codes.c.code_hash == code_hash,
            sms_codes.c.used_at.is_(None),
            sms_codes.c.expires_at > tx.now,
        )
        .values(used_at=tx.now)
    )
    return tx.execute(statement).rowcount == 1
