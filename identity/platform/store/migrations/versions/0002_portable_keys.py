"""Email keys, several redirect URIs per client, indexes for housekeeping.

- ``users.email_key``: the address as compared (lower case), unique; it
  replaces SQLite's ``COLLATE NOCASE``, which PostgreSQL has not and which
  folds ASCII only.  Nullable in the schema because SQLite cannot add a
  NOT NULL column to a table others reference without copying it (and a
  copy would cascade-delete every referencing row); the store always sets it.
- ``clients.redirect_uris`` and ``post_logout_redirect_uris``: JSON arrays
  (OpenID Connect clients register several; the first redirect URI is the
  default and stays in ``redirect_uri`` for the Heroku-shaped answers).
- Indexes on ``expires_at`` for the pruning of expired rows.

Revision ID: 0002
Revises: 0001
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

EXPIRING = (
    "sessions",
    "grants",
    "tokens",
    "device_authorizations",
    "password_resets",
    "invitations",
    "email_changes",
    "sms_codes",
)


def upgrade() -> None:
    conn = op.get_bind()
    op.add_column("users", sa.Column("email_key", sa.Text))
    users = sa.table("users", sa.column("id"), sa.column("email"), sa.column("email_key"))
    for user_id, email in conn.execute(sa.select(users.c.id, users.c.email)).all():
        conn.execute(
            users.update().where(users.c.id == user_id).values(email_key=email.strip().lower())
        )
    op.create_index("users_by_email_key", "users", ["email_key"], unique=True)

    for name in ("redirect_uris", "post_logout_redirect_uris"):
        op.add_column("clients", sa.Column(name, sa.Text, nullable=False, server_default="[]"))
    clients = sa.table(
        "clients", sa.column("id"), sa.column("redirect_uri"), sa.column("redirect_uris")
    )
    for client_id, uri in conn.execute(sa.select(clients.c.id, clients.c.redirect_uri)).all():
        conn.execute(
            clients.update()
            .where(clients.c.id == client_id)
            .values(redirect_uris=json.dumps([uri]))
        )
    for table in EXPIRING:
        op.create_index(f"{table}_expires", table, ["expires_at"])
