"""Spent ``/login/external`` tokens: each ``jti`` is remembered until its ``exp``,
so that a token logs someone in once.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "spent_login_tokens",
        sa.Column("jti", sa.Text, primary_key=True),
        sa.Column("expires_at", sa.Float, nullable=False),
    )
