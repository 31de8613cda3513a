"""The embedded API's schema before Alembic, frozen: what today's databases hold.

The statements of the numbered SQLite migrations (``identity/platform/migrations.py``
at ``PRAGMA user_version`` 2, the last), copied verbatim so that the upgrade
test keeps meeting a real old database after that module is gone.  Never edit.
"""

from __future__ import annotations

import sqlite3

#: Migration 1 (the initial schema) and 2 (two indexes), in order.
STATEMENTS: tuple[str, ...] = (
    # 1: the initial schema.
    """CREATE TABLE users (
        id TEXT PRIMARY KEY,
        email TEXT NOT NULL UNIQUE COLLATE NOCASE,
        name TEXT,
        password_hash TEXT,  -- NULL: cannot log in until reset or invited
        password_expired INTEGER NOT NULL DEFAULT 0,
        totp_secret TEXT,  -- Fernet token; NULL: no two-factor
        totp_last_step INTEGER,  -- last TOTP step accepted, never accepted again
        sms_number TEXT,
        suspended_at REAL,
        delinquent_at REAL,
        last_login REAL,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL)""",
    """CREATE TABLE recovery_codes (
        id INTEGER PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        code_hash TEXT NOT NULL,
        created_at REAL NOT NULL,
        used_at REAL,
        UNIQUE (user_id, code_hash))""",
    """CREATE TABLE sms_codes (
        id INTEGER PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        code_hash TEXT NOT NULL,
        created_at REAL NOT NULL,
        expires_at REAL NOT NULL,
        used_at REAL)""",
    "CREATE INDEX sms_codes_user ON sms_codes (user_id)",
    """CREATE TABLE clients (
        id TEXT PRIMARY KEY,
        legacy_id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        description TEXT,
        secret_hash TEXT UNIQUE,  -- NULL for public clients
        redirect_uri TEXT NOT NULL,
        trusted INTEGER NOT NULL DEFAULT 0,
        public INTEGER NOT NULL DEFAULT 0,
        ignores_delinquent INTEGER NOT NULL DEFAULT 0,
        privileged INTEGER NOT NULL DEFAULT 0,  -- can_manage_authorizations
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL)""",
    """CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        client_id TEXT REFERENCES clients(id) ON DELETE CASCADE,
        description TEXT NOT NULL,
        created_at REAL NOT NULL,
        expires_at REAL NOT NULL)""",
    """CREATE TABLE authorizations (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        client_id TEXT REFERENCES clients(id) ON DELETE CASCADE,
        session_id TEXT REFERENCES sessions(id) ON DELETE CASCADE,
        scope TEXT NOT NULL,  -- JSON array, sorted and unique
        description TEXT,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL)""",
    "CREATE INDEX authorizations_user ON authorizations (user_id, id)",
    "CREATE INDEX authorizations_session ON authorizations (session_id)",
    """CREATE TABLE grants (
        id TEXT PRIMARY KEY,
        authorization_id TEXT NOT NULL REFERENCES authorizations(id) ON DELETE CASCADE,
        code_hash TEXT NOT NULL UNIQUE,
        created_at REAL NOT NULL,
        expires_at REAL NOT NULL,
        used_at REAL)""",
    "CREATE INDEX grants_authorization ON grants (authorization_id)",
    """CREATE TABLE tokens (
        id TEXT PRIMARY KEY,
        authorization_id TEXT NOT NULL REFERENCES authorizations(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('access', 'refresh')),
        token_hash TEXT NOT NULL UNIQUE,
        created_at REAL NOT NULL,
        expires_at REAL NOT NULL,
        rotated_at REAL)  -- refresh tokens of public clients: when replaced""",
    "CREATE INDEX tokens_authorization ON tokens (authorization_id, kind)",
    """CREATE TABLE password_resets (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        token_hash TEXT NOT NULL UNIQUE,
        created_at REAL NOT NULL,
        expires_at REAL NOT NULL,
        used_at REAL)""",
    """CREATE TABLE invitations (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        token_hash TEXT NOT NULL UNIQUE,
        created_at REAL NOT NULL,
        expires_at REAL NOT NULL,
        used_at REAL)""",
    """CREATE TABLE email_changes (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        new_email TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        created_at REAL NOT NULL,
        expires_at REAL NOT NULL,
        used_at REAL)""",
    """CREATE TABLE device_authorizations (
        id TEXT PRIMARY KEY,
        client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
        device_code_hash TEXT NOT NULL UNIQUE,
        user_code_hash TEXT NOT NULL,
        scope TEXT NOT NULL,
        interval INTEGER NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending'
            CHECK (status IN ('pending', 'approved', 'denied')),
        user_id TEXT REFERENCES users(id) ON DELETE CASCADE,
        session_id TEXT REFERENCES sessions(id) ON DELETE CASCADE,
        last_polled_at REAL,
        created_at REAL NOT NULL,
        expires_at REAL NOT NULL,
        used_at REAL)""",
    "CREATE INDEX device_authorizations_user_code ON device_authorizations (user_code_hash)",
    # Abuse limits (ratelimit.py): one row per counted event.
    "CREATE TABLE rate_events (bucket TEXT NOT NULL, at REAL NOT NULL)",
    "CREATE INDEX rate_events_bucket ON rate_events (bucket, at)",
    "CREATE INDEX rate_events_at ON rate_events (at)",
    """CREATE TABLE known_ips (
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        ip TEXT NOT NULL,
        last_success_at REAL NOT NULL,
        PRIMARY KEY (user_id, ip)) WITHOUT ROWID""",
    # 2: indexes for the lookups by user and by session that ran as table scans.
    # Ending a user's other logins (sessions.revoke_all) finds them by user.
    "CREATE INDEX sessions_user ON sessions (user_id)",
    # Deleting a session (every logout) cascades to the device approvals made
    # under it; without this, SQLite scans every device authorization ever made.
    "CREATE INDEX device_authorizations_session ON device_authorizations (session_id)",
)

#: ``PRAGMA user_version`` after the last numbered migration.
USER_VERSION = 2


def create_legacy_database(path: str) -> sqlite3.Connection:
    """A new SQLite file at *path* with the old schema; the caller fills and closes it."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("BEGIN")
    for statement in STATEMENTS:
        conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {USER_VERSION}")
    conn.execute("COMMIT")
    return conn
