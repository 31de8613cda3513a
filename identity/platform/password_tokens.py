"""Mailed single-use links that set a password: password resets and invitations.

Both store the link's token hashed with an expiry; redeeming one checks the
new password (the one policy, passwords.py) and then spends the token with
one conditional UPDATE, so ten parallel redemptions give one success.
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


def redeem(ctx: Context, table: str, token: str, what: str):
    """Set the password from the body via *token*; return the user.  404 / 422 on failure."""
    assert table in TABLES
    tx = ctx.tx
    row = tx.one(
        f"SELECT * FROM {table} WHERE token_hash = ? AND used_at IS NULL"  # noqa: S608
        " AND expires_at > ?",
        (digest(token), tx.now),
    )
    if row is None:
        raise not_found(what)
    user = tx.one("SELECT * FROM users WHERE id = ?", (row["user_id"],))
    password = text(ctx.body, "password", required=True)
    confirmation = text(ctx.body, "password_confirmation", label="password_confirmation")
    if confirmation != password:
        raise invalid_params("Password confirmation doesn't match password.")
    problem = password_problem(password, user["email"])
    if problem:
        raise invalid_params(problem)
    spent = tx.execute(
        f"UPDATE {table} SET used_at = ? WHERE id = ?"  # noqa: S608
        " AND used_at IS NULL AND expires_at > ?",
        (tx.now, row["id"], tx.now),
    ).rowcount
    if not spent:
        raise not_found(what)
    tx.execute(
        "UPDATE users SET password_hash = ?, password_expired = 0, updated_at = ? WHERE id = ?",
        (ctx.platform.hasher.hash(password), tx.now, user["id"]),
    )
    return user
