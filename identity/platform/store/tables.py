"""The embedded Platform API's schema, as SQLAlchemy Core tables.

The one description of the tables that the store modules query; the
migrations (``store/migrations/versions``) build it, revision by revision,
and never import this module (a released migration must not change when
this file does).

Conventions: ids are text (UUIDs, or names a client was registered with);
times are epoch seconds (floats); secrets are stored only as SHA-256 hex
digests (``*_hash`` columns), the TOTP secret only Fernet-encrypted; scope
lists and URI lists are JSON arrays in text columns.  ``users.email_key`` is
the address as compared (``emails.key``): the unique one.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
    false,
)

metadata = MetaData()


def _user_ref(nullable: bool = False) -> Column:
    return Column("user_id", Text, ForeignKey("users.id", ondelete="CASCADE"), nullable=nullable)


users = Table(
    "users",
    metadata,
    Column("id", Text, primary_key=True),
    Column("email", Text, nullable=False, unique=True),
    # Always set by the store; nullable only for SQLite's sake (migration 0002).
    Column("email_key", Text),
    Column("name", Text),
    Column("password_hash", Text),  # NULL: cannot log in until reset or invited
    Column("password_expired", Boolean, nullable=False, server_default=false()),
    Column("totp_secret", Text),  # Fernet token; NULL: no two-factor
    Column("totp_last_step", Integer),  # last TOTP step accepted, never accepted again
    Column("sms_number", Text),
    Column("suspended_at", Float),
    Column("delinquent_at", Float),
    Column("last_login", Float),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
)

recovery_codes = Table(
    "recovery_codes",
    metadata,
    Column("id", Integer, primary_key=True),
    _user_ref(),
    Column("code_hash", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("used_at", Float),
    UniqueConstraint("user_id", "code_hash"),
)

sms_codes = Table(
    "sms_codes",
    metadata,
    Column("id", Integer, primary_key=True),
    _user_ref(),
    Column("code_hash", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False),
    Column("used_at", Float),
)

clients = Table(
    "clients",
    metadata,
    Column("id", Text, primary_key=True),
    Column("legacy_id", Text, nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("description", Text),
    Column("secret_hash", Text, unique=True),  # NULL for public clients
    Column("redirect_uri", Text, nullable=False),  # the first of redirect_uris
    Column("redirect_uris", Text, nullable=False, server_default="[]"),  # JSON array
    Column("post_logout_redirect_uris", Text, nullable=False, server_default="[]"),
    Column("trusted", Boolean, nullable=False, server_default=false()),
    Column("public", Boolean, nullable=False, server_default=false()),
    Column("ignores_delinquent", Boolean, nullable=False, server_default=false()),
    Column(
        "privileged", Boolean, nullable=False, server_default=false()
    ),  # can_manage_authorizations
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", Text, primary_key=True),
    _user_ref(),
    Column("client_id", Text, ForeignKey("clients.id", ondelete="CASCADE")),
    Column("description", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False),
    Column("ip", Text),  # the caller's address at login
    Column("user_agent", Text),  # its User-Agent, cut to USER_AGENT_LENGTH
)

authorizations = Table(
    "authorizations",
    metadata,
    Column("id", Text, primary_key=True),
    _user_ref(),
    Column("client_id", Text, ForeignKey("clients.id", ondelete="CASCADE")),
    Column("session_id", Text, ForeignKey("sessions.id", ondelete="CASCADE")),
    Column("scope", Text, nullable=False),  # JSON array, sorted and unique
    Column("description", Text),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Column("last_used_at", Float),  # a token of it used or refreshed, to the minute
)

grants = Table(
    "grants",
    metadata,
    Column("id", Text, primary_key=True),
    Column(
        "authorization_id",
        Text,
        ForeignKey("authorizations.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("code_hash", Text, nullable=False, unique=True),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False),
    Column("used_at", Float),
)

tokens = Table(
    "tokens",
    metadata,
    Column("id", Text, primary_key=True),
    Column(
        "authorization_id",
        Text,
        ForeignKey("authorizations.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("kind", Text, nullable=False),
    Column("token_hash", Text, nullable=False, unique=True),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False),
    Column("rotated_at", Float),  # refresh tokens of public clients: when replaced
    CheckConstraint("kind IN ('access', 'refresh')", name="tokens_kind"),
)


def _link_table(name: str, *extra: Column) -> Table:
    """A mailed single-use link: its token (hashed), owner, expiry and use."""
    return Table(
        name,
        metadata,
        Column("id", Text, primary_key=True),
        _user_ref(),
        *extra,
        Column("token_hash", Text, nullable=False, unique=True),
        Column("created_at", Float, nullable=False),
        Column("expires_at", Float, nullable=False),
        Column("used_at", Float),
    )


password_resets = _link_table("password_resets")
invitations = _link_table("invitations")
email_changes = _link_table("email_changes", Column("new_email", Text, nullable=False))

device_authorizations = Table(
    "device_authorizations",
    metadata,
    Column("id", Text, primary_key=True),
    Column("client_id", Text, ForeignKey("clients.id", ondelete="CASCADE"), nullable=False),
    Column("device_code_hash", Text, nullable=False, unique=True),
    Column("user_code_hash", Text, nullable=False),
    Column("scope", Text, nullable=False),
    Column("interval", Integer, nullable=False),
    Column("status", Text, nullable=False, server_default="pending"),
    _user_ref(nullable=True),
    Column("session_id", Text, ForeignKey("sessions.id", ondelete="CASCADE")),
    Column("last_polled_at", Float),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False),
    Column("used_at", Float),
    CheckConstraint(
        "status IN ('pending', 'approved', 'denied')", name="device_authorizations_status"
    ),
)

# Abuse limits (domain/ratelimit.py): one row per counted event.
rate_events = Table(
    "rate_events",
    metadata,
    Column("bucket", Text, nullable=False),
    Column("at", Float, nullable=False),
)

known_ips = Table(
    "known_ips",
    metadata,
    _user_ref(),
    Column("ip", Text, nullable=False),
    Column("last_success_at", Float, nullable=False),
    PrimaryKeyConstraint("user_id", "ip"),
)

#: ``/login/external`` tokens already used, kept until their ``exp`` (single use).
spent_login_tokens = Table(
    "spent_login_tokens",
    metadata,
    Column("jti", Text, primary_key=True),
    Column("expires_at", Float, nullable=False),
)

Index("sms_codes_user", sms_codes.c.user_id)
Index("users_by_email_key", users.c.email_key, unique=True)
Index("authorizations_user", authorizations.c.user_id, authorizations.c.id)
Index("authorizations_session", authorizations.c.session_id)
Index("grants_authorization", grants.c.authorization_id)
Index("tokens_authorization", tokens.c.authorization_id, tokens.c.kind)
Index("device_authorizations_user_code", device_authorizations.c.user_code_hash)
Index("device_authorizations_session", device_authorizations.c.session_id)
Index("rate_events_bucket", rate_events.c.bucket, rate_events.c.at)
Index("rate_events_at", rate_events.c.at)
Index("sessions_user", sessions.c.user_id)
# Housekeeping (store/housekeeping.py) finds what to prune by these.
Index("sessions_expires", sessions.c.expires_at)
Index("grants_expires", grants.c.expires_at)
Index("tokens_expires", tokens.c.expires_at)
Index("device_authorizations_expires", device_authorizations.c.expires_at)
Index("password_resets_expires", password_resets.c.expires_at)
Index("invitations_expires", invitations.c.expires_at)
Index("email_changes_expires", email_changes.c.expires_at)
Index("sms_codes_expires", sms_codes.c.expires_at)

# Mail and SMS to deliver (domain/mail.py); ``message`` is Fernet-encrypted:
# a reset link in it is as good as a password.
outbox = Table(
    "outbox",
    metadata,
    Column("id", Text, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("recipient", Text, nullable=False),
    Column("message", Text, nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", Float, nullable=False),
    Column("last_error", Text),
    Column("created_at", Float, nullable=False),
)
Index("outbox_due", outbox.c.next_attempt_at)
