"""Accounts: the ``users`` table."""

from __future__ import annotations

import dataclasses

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from identity.platform.store.database import Transaction
from identity.platform.store.rows import row_as, rows_as
from identity.platform.store.tables import users


class EmailTaken(Exception):
    """Another account has this address (raised by a racing insert or update)."""


@dataclasses.dataclass(frozen=True)
class User:
    id: str
    email: str
    name: str | None
    password_hash: str | None = dataclasses.field(repr=False)
    password_expired: bool
    totp_secret: str | None = dataclasses.field(repr=False)
    totp_last_step: int | None
    sms_number: str | None
    suspended_at: float | None
    delinquent_at: float | None
    last_login: float | None
    created_at: float
    updated_at: float


def email_key(email: str) -> str:
    """The form in which addresses are compared: one account per address, in any case."""
    return email.strip().lower()


# Built once: logins and token requests read their account (see store.rate_events).
_BY_ID = sa.select(users).where(users.c.id == sa.bindparam("id"))
_BY_EMAIL_KEY = sa.select(users).where(users.c.email_key == sa.bindparam("email_key"))
_TOUCH_LOGIN = (
    sa.update(users)
    .where(users.c.id == sa.bindparam("target_id"))
    .values(last_login=sa.bindparam("now"))
)


def get(tx: Transaction, user_id: str) -> User | None:
    return row_as(User, tx.execute(_BY_ID, {"id": user_id}).first())


def find_by_email(tx: Transaction, email: str) -> User | None:
    return row_as(User, tx.execute(_BY_EMAIL_KEY, {"email_key": email_key(email)}).first())


def find(tx: Transaction, id_or_email: str) -> User | None:
    """The user with this id, or else with this email."""
    return get(tx, id_or_email) or find_by_email(tx, id_or_email)


def page(tx: Transaction, limit: int, after: str | None = None) -> list[User]:
    """Users ordered by email, *limit* of them, after the address *after*."""
    query = sa.select(users).order_by(users.c.email_key).limit(limit)
    if after is not None:
        query = query.where(users.c.email_key > email_key(after))
    return rows_as(User, tx.execute(query))


def insert(tx: Transaction, user_id: str, email: str, name: str | None, password_hash) -> None:
    """Add an account; ``EmailTaken`` when the address is in use (also under a race)."""
    values = dict(
        id=user_id,
        email=email,
        email_key=email_key(email),
        name=name,
        password_hash=password_hash,
        password_expired=False,
        created_at=tx.now,
        updated_at=tx.now,
    )
    _write_unique(tx, sa.insert(users).values(**values))


def update(tx: Transaction, user_id: str, **values) -> None:
    """Change the given columns (``email`` also moves ``email_key``)."""
    if "email" in values:
        values["email_key"] = email_key(values["email"])
    statement = sa.update(users).where(users.c.id == user_id).values(updated_at=tx.now, **values)
    _write_unique(tx, statement)


def touch_login(tx: Transaction, user_id: str) -> None:
    tx.execute(_TOUCH_LOGIN, {"target_id": user_id, "now": tx.now})


def accept_totp_step(tx: Transaction, user_id: str, step: int) -> bool:
    """Remember *step* as the last accepted TOTP step, if it is later than every one before.

    One conditional UPDATE: two requests with the same code can't both pass.
    """
    last = users.c.totp_last_step
    statement = (
        sa.update(users)
        .where(users.c.id == user_id, sa.or_(last.is_(None), last < step))
        .values(totp_last_step=step)
    )
    return tx.execute(statement).rowcount == 1


def delete(tx: Transaction, user_id: str) -> bool:
    """Delete the account and, by cascade, everything it owns."""
    return tx.execute(sa.delete(users).where(users.c.id == user_id)).rowcount == 1


def _write_unique(tx: Transaction, statement) -> None:
    # A savepoint: on PostgreSQL a failed statement would otherwise abort
    # the whole transaction, and the caller still wants to answer 422.
    try:
        with tx.conn.begin_nested():
            tx.execute(statement)
    except IntegrityError:
        raise EmailTaken from None
