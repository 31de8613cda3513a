"""Spent ``/login/external`` token ids (``spent_login_tokens``)."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite

from identity.platform.store.database import Transaction
from identity.platform.store.tables import spent_login_tokens


def spend(tx: Transaction, jti: str, expires_at: float) -> bool:
    """Remember *jti* until *expires_at*; False when it was already spent.

    One statement on the primary key, so two processes spending the same
    token at once cannot both succeed.
    """
    insert = (postgresql if tx.dialect == "postgresql" else sqlite).insert(spent_login_tokens)
    statement = (
        insert.values(jti=jti, expires_at=expires_at)
        .on_conflict_do_nothing(index_elements=["jti"])
        .returning(spent_login_tokens.c.jti)
    )
    return tx.execute(statement).first() is not None
