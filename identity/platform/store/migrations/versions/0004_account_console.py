"""What the account pages show: where a login came from, when an authorization was last used.

- ``sessions.ip`` and ``sessions.user_agent``: the caller's address and
  ``User-Agent`` when the login was made (NULL for logins made before).
- ``authorizations.last_used_at``: the last time one of its tokens was used
  or refreshed, to the minute (NULL: not since this revision).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("sessions", sa.Column("ip", sa.Text))
    op.add_column("sessions", sa.Column("user_agent", sa.Text))
    op.add_column("authorizations", sa.Column("last_used_at", sa.Float))
