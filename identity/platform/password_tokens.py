"""Mailed single-use links that set a password: password resets and invitations.

Both store the link's token hashed with an expiry; redeeming one checks the
new password (the one policy, passwords.py) and then spends the token with
one conditional UPDATE, so ten parallel redemptions give one success.
The new password is hashed by ``prepare``, before the write lock (routes.py).
"""

from __future__ import annotations

from identity.platform.db import Transaction
from identity.platform.errors import invalid_params, not_found
from identity.platform.http import Context
from identity.platform.params import text
from identity.platform.passwords import password_problem
from identity.platform.tokens import digest, new_id, new_secret

#: The tables holding such tokens (never a name from a request).
TABLES = ("password_resets", "invitations")


def issue(tx: Transaction, table: str, user_id: str, lifetime: int) -> tuple[str, str]:
    """A new token for *user_id*: (row id, token)."""
    assert table in TABLES
    row_id, token = new_id(), new_secret()
    tx.execute(
        f"INSERT INTO {table} (id, user_id, token_hash, created_at, expires_at)"  # noqa: S608
        " VALUES (?, ?, ?, ?, ?)",
        (row_id, user_id, digest(token), tx.now, tx.now + lifetime),
    )
    return row_id, token


def _live(tx: Transaction, table: str, token: str):
    """The unused, unexpired row of *token* in *table* (``id``, ``user_id``, the user's
    ``email``), or None."""
    assert table in TABLES
    return tx.one(
        f"SELECT t.id, t.user_id, u.email FROM {table} t"  # noqa: S608
        " JOIN users u ON u.id = t.user_id"
        " WHERE t.token_hash = ? AND t.used_at IS NULL AND t.expires_at > ?",
        (digest(token), tx.now),
    )


def _new_password(ctx: Context, email: str) -> str:
    """The password in the body; 422 unless confirmed and acceptable."""
    password = text(ctx.body, "password", required=True)
    confirmation = text(ctx.body, "password_confirmation", label="password_confirmation")
    if confirmation != password:
        raise invalid_params("Password confirmation doesn't match password.")
    problem = password_problem(password, email)
    if problem:
        raise invalid_params(problem)
    return password


def prepare(ctx: Context, table: str, token: str) -> None:
    """Hash the new password ahead of the write lock (routes.py), if *token* is live."""
    row = _live(ctx.tx, table, token)
    if row is not None:
        ctx.passwords.hash(_new_password(ctx, row["email"]))


def redeem(ctx: Context, table: str, token: str, what: str) -> dict:
    """Set the password from the body via *token*; return the user's ``id`` and ``email``.
    404 / 422 on failure."""
    tx = ctx.tx
    row = _live(tx, table, token)
    if row is None:
        raise not_found(what)
    password = _new_password(ctx, row["email"])
    spent = tx.execute(
        f"UPDATE {table} SET used_at = ? WHERE id = ?"  # noqa: S608
        " AND used_at IS NULL AND expires_at > ?",
        (tx.now, row["id"], tx.now),
    ).rowcount
    if not spent:
        raise not_found(what)
    tx.execute(
        "UPDATE users SET password_hash = ?, password_expired = 0, updated_at = ? WHERE id = ?",
        (ctx.passwords.hash(password), tx.now, row["user_id"]),
    )
    return {"id": row["user_id"], "email": row["email"]}
