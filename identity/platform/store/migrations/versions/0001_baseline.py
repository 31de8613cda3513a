"""The schema as the numbered SQLite migrations left it (``PRAGMA user_version`` 2).

A database made before Alembic is stamped with this revision instead of
running it (``store.migrations``); a new database gets it from here.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _id() -> sa.Column:
    return sa.Column("id", sa.Text, primary_key=True)


def _user_ref(nullable: bool = False) -> sa.Column:
    return sa.Column(
        "user_id", sa.Text, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=nullable
    )


def _times(*names: str) -> list[sa.Column]:
    return [sa.Column(name, sa.Float, nullable=False) for name in names]


def _flag(name: str) -> sa.Column:
    return sa.Column(name, sa.Boolean, nullable=False, server_default=sa.false())


def _link(name: str, *extra: sa.Column) -> None:
    op.create_table(
        name,
        _id(),
        _user_ref(),
        *extra,
        sa.Column("token_hash", sa.Text, nullable=False, unique=True),
        *_times("created_at", "expires_at"),
        sa.Column("used_at", sa.Float),
    )


def upgrade() -> None:
    op.create_table(
        "users",
        _id(),
        sa.Column("email", sa.Text, nullable=False, unique=True),
        sa.Column("name", sa.Text),
        sa.Column("password_hash", sa.Text),
        _flag("password_expired"),
        sa.Column("totp_secret", sa.Text),
        sa.Column("totp_last_step", sa.Integer),
        sa.Column("sms_number", sa.Text),
        sa.Column("suspended_at", sa.Float),
        sa.Column("delinquent_at", sa.Float),
        sa.Column("last_login", sa.Float),
        *_times("created_at", "updated_at"),
    )
    op.create_table(
        "recovery_codes",
        sa.Column("id", sa.Integer, primary_key=True),
        _user_ref(),
        sa.Column("code_hash", sa.Text, nullable=False),
        *_times("created_at"),
        sa.Column("used_at", sa.Float),
        sa.UniqueConstraint("user_id", "code_hash"),
    )
    op.create_table(
        "sms_codes",
        sa.Column("id", sa.Integer, primary_key=True),
        _user_ref(),
        sa.Column("code_hash", sa.Text, nullable=False),
        *_times("created_at", "expires_at"),
        sa.Column("used_at", sa.Float),
    )
    op.create_index("sms_codes_user", "sms_codes", ["user_id"])
    op.create_table(
        "clients",
        _id(),
        sa.Column("legacy_id", sa.Text, nullable=False, unique=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("description", sa.Text),
        sa.Column("secret_hash", sa.Text, unique=True),
        sa.Column("redirect_uri", sa.Text, nullable=False),
        _flag("trusted"),
        _flag("public"),
        _flag("ignores_delinquent"),
        _flag("privileged"),
        *_times("created_at", "updated_at"),
    )
    op.create_table(
        "sessions",
        _id(),
        _user_ref(),
        sa.Column("client_id", sa.Text, sa.ForeignKey("clients.id", ondelete="CASCADE")),
        sa.Column("description", sa.Text, nullable=False),
        *_times("created_at", "expires_at"),
    )
    op.create_table(
        "authorizations",
        _id(),
        _user_ref(),
        sa.Column("client_id", sa.Text, sa.ForeignKey("clients.id", ondelete="CASCADE")),
        sa.Column("session_id", sa.Text, sa.ForeignKey("sessions.id", ondelete="CASCADE")),
        sa.Column("scope", sa.Text, nullable=False),
        sa.Column("description", sa.Text),
        *_times("created_at", "updated_at"),
    )
    op.create_index("authorizations_user", "authorizations", ["user_id", "id"])
    op.create_index("authorizations_session", "authorizations", ["session_id"])
    authorization_ref = sa.ForeignKey("authorizations.id", ondelete="CASCADE")
    op.create_table(
        "grants",
        _id(),
        sa.Column("authorization_id", sa.Text, authorization_ref, nullable=False),
        sa.Column("code_hash", sa.Text, nullable=False, unique=True),
        *_times("created_at", "expires_at"),
        sa.Column("used_at", sa.Float),
    )
    op.create_index("grants_authorization", "grants", ["authorization_id"])
    op.create_table(
        "tokens",
        _id(),
        sa.Column(
            "authorization_id",
            sa.Text,
            sa.ForeignKey("authorizations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("token_hash", sa.Text, nullable=False, unique=True),
        *_times("created_at", "expires_at"),
        sa.Column("rotated_at", sa.Float),
        sa.CheckConstraint("kind IN ('access', 'refresh')", name="tokens_kind"),
    )
    op.create_index("tokens_authorization", "tokens", ["authorization_id", "kind"])
    _link("password_resets")
    _link("invitations")
    _link("email_changes", sa.Column("new_email", sa.Text, nullable=False))
    op.create_table(
        "device_authorizations",
        _id(),
        sa.Column(
            "client_id", sa.Text, sa.ForeignKey("clients.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("device_code_hash", sa.Text, nullable=False, unique=True),
        sa.Column("user_code_hash", sa.Text, nullable=False),
        sa.Column("scope", sa.Text, nullable=False),
        sa.Column("interval", sa.Integer, nullable=False),
        sa.Column("status", sa.Text, nullable=False, server_default="pending"),
        _user_ref(nullable=True),
        sa.Column("session_id", sa.Text, sa.ForeignKey("sessions.id", ondelete="CASCADE")),
        sa.Column("last_polled_at", sa.Float),
        *_times("created_at", "expires_at"),
        sa.Column("used_at", sa.Float),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'denied')", name="device_authorizations_status"
        ),
    )
    op.create_index("device_authorizations_user_code", "device_authorizations", ["user_code_hash"])
    op.create_table(
        "rate_events",
        sa.Column("bucket", sa.Text, nullable=False),
        sa.Column("at", sa.Float, nullable=False),
    )
    op.create_index("rate_events_bucket", "rate_events", ["bucket", "at"])
    op.create_index("rate_events_at", "rate_events", ["at"])
    op.create_table(
        "known_ips",
        _user_ref(),
        sa.Column("ip", sa.Text, nullable=False),
        sa.Column("last_success_at", sa.Float, nullable=False),
        sa.PrimaryKeyConstraint("user_id", "ip"),
    )
    # Legacy migration 2.
    op.create_index("sessions_user", "sessions", ["user_id"])
    op.create_index("device_authorizations_session", "device_authorizations", ["session_id"])
