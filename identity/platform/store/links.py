"""Mailed single-use links: ``password_resets``, ``invitations``, ``email_changes``.

Each row holds the link token's digest, its owner, an expiry and when it was
used; a link is spent by one conditional UPDATE.
"""

from __future__ import annotations

import dataclasses
import enum

import sqlalchemy as sa

from identity.platform.store.database import Transaction
from identity.platform.store.tables import email_changes, invitations, password_resets, users


class Kind(enum.Enum):
    PASSWORD_RESET = password_resets
    INVITATION = invitations
    EMAIL_CHANGE = email_changes


@dataclasses.dataclass(frozen=True)
class Link:
    id: str
    user_id: str
    email: str  # the owner's current address
    new_email: str | None  # email changes only


def insert(
    tx: Transaction,
    kind: Kind,
    link_id: str,
    user_id: str,
    token_hash: str,
    lifetime: float,
    **extra,
) -> None:
    tx.execute(
        sa.insert(kind.value).values(
            id=link_id,
            user_id=user_id,
            token_hash=token_hash,
            created_at=tx.now,
            expires_at=tx.now + lifetime,
            **extra,
        )
    )


def find_live(tx: Transaction, kind: Kind, token_hash: str) -> Link | None:
    """The unused, unexpired link of *token_hash*, or None."""
    table = kind.value
    new_email = table.c.new_email if kind is Kind.EMAIL_CHANGE else sa.null()
    query = (
        sa.select(table.c.id, table.c.user_id, users.c.email, new_email.label("new_email"))
        .join(users, users.c.id == table.c.user_id)
        .where(table.c.token_hash == token_hash, *_live(tx, table))
    )
    row = tx.execute(query).first()
    return None if row is None else Link(**row._mapping)


def spend(tx: Transaction, kind: Kind, link_id: str) -> bool:
    """Use the link once; True for the one request that did."""
    table = kind.value
    statement = (
        sa.update(table).where(table.c.id == link_id, *_live(tx, table)).values(used_at=tx.now)
    )
    return tx.execute(statement).rowcount == 1


def spend_all_of_user(tx: Transaction, kind: Kind, user_id: str) -> None:
    table = kind.value
    statement = sa.update(table).where(table.c.user_id == user_id, table.c.used_at.is_(None))
    tx.execute(statement.values(used_at=tx.now))


def _live(tx: Transaction, table) -> tuple:
    return table.c.used_at.is_(None), table.c.expires_at > tx.now
