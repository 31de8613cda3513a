"""Building and upgrading the schema with Alembic (revisions in ``migrations/versions``).

``upgrade(db)`` applies every pending revision in one transaction that first
takes the migration lock: ``BEGIN IMMEDIATE`` on SQLite, a transaction-scoped
advisory lock on PostgreSQL.  Several processes starting together therefore
take turns: the first migrates, the others find nothing left to do.

A database made before Alembic (the numbered SQLite migrations, recorded in
``PRAGMA user_version``) is adopted: brought to that scheme's last version,
stamped with the baseline revision ``0001`` (which describes exactly that
schema) and upgraded from there, with its data.
"""

from __future__ import annotations

import logging
from pathlib import Path

import sqlalchemy
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from identity.platform.store.database import Database

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BASELINE = "0001"
#: The advisory lock every migrating PostgreSQL process takes (any fixed number).
MIGRATION_LOCK = 0x1D3A71
#: What the pre-Alembic scheme's second and last migration added.
LEGACY_V2 = (
    "CREATE INDEX IF NOT EXISTS sessions_user ON sessions (user_id)",
    "CREATE INDEX IF NOT EXISTS device_authorizations_session"
    " ON device_authorizations (session_id)",
)


def _quiet_alembic() -> None:
    # Alembic narrates every step at INFO; this module logs the one line that matters.
    logging.getLogger("alembic.runtime.migration").setLevel(logging.WARNING)


def _config(conn: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = conn
    return config


def head() -> str:
    """The newest revision."""
    return ScriptDirectory.from_config(_config()).get_current_head()


def current(db: Database) -> str | None:
    """The revision the database is at; None for a database never migrated."""
    _quiet_alembic()
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(db: Database) -> tuple[str | None, str]:
    """Apply the pending revisions; return (revision before, revision after)."""
    _quiet_alembic()
    with db.engine.connect() as conn:
        conn.info["write"] = True
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(
                    sqlalchemy.select(sqlalchemy.func.pg_advisory_xact_lock(MIGRATION_LOCK))
                )
            before = MigrationContext.configure(conn).get_current_revision()
            if before is None and _has_legacy_schema(conn):
                _adopt_legacy(conn)
            config = _config(conn)
            command.upgrade(config, "head")
            after = MigrationContext.configure(conn).get_current_revision()
    if before != after:
        log.info("database migrated from %s to %s", before or "empty", after)
    return before, after


def _has_legacy_schema(conn: Connection) -> bool:
    return conn.dialect.name == "sqlite" and "users" in sqlalchemy.inspect(conn).get_table_names()


def _adopt_legacy(conn: Connection) -> None:
    version = conn.exec_driver_sql("PRAGMA user_version").scalar()
    if version not in (1, 2):
        raise RuntimeError(f"unknown database schema (user_version {version})")
    for statement in LEGACY_V2:
        conn.exec_driver_sql(statement)
    command.stamp(_config(conn), BASELINE)
    log.info("adopted a database of the numbered migrations (version %s)", version)
