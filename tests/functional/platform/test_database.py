"""Migrations from an empty file, re-opening an existing one, durability settings."""

import sqlite3

import pytest

from identity.platform import open_database
from identity.platform.accounts import create_user
from identity.platform.migrations import MIGRATIONS
from tests.functional.platform.conftest import CHEAP_HASHER, PASSWORD

pytestmark = pytest.mark.engines("sqlite")  # the SQLite file and its pragmas


def test_empty_file_is_migrated(settings, tmp_path):
    path = tmp_path / "platform.sqlite3"
    path.touch()
    db = open_database(settings)
    try:
        with db.transaction(write=False) as tx:
            assert tx.value("PRAGMA user_version") == len(MIGRATIONS)
            assert tx.value("PRAGMA journal_mode") == "wal"
            assert tx.value("PRAGMA synchronous") == 2  # FULL
            assert tx.value("PRAGMA foreign_keys") == 1
            tables = {row[0] for row in tx.all("SELECT name FROM sqlite_master")}
        assert {"users", "clients", "authorizations", "tokens", "rate_events"} <= tables
    finally:
        db.close()


def test_existing_file_is_reopened_with_its_data(settings):
    db = open_database(settings)
    user = create_user(db, settings, "alice@example.test", password=PASSWORD, hasher=CHEAP_HASHER)
    db.close()
    db = open_database(settings)
    try:
        with db.transaction(write=False) as tx:
            assert tx.value("SELECT id FROM users") == user["id"]
            assert tx.value("PRAGMA user_version") == len(MIGRATIONS)
    finally:
        db.close()


def test_sqlite_url_prefix_is_accepted(settings, tmp_path):
    import dataclasses

    url_settings = dataclasses.replace(
        settings, database_url=f"sqlite:///{tmp_path / 'other.sqlite3'}"
    )
    open_database(url_settings).close()
    conn = sqlite3.connect(tmp_path / "other.sqlite3")
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    finally:
        conn.close()
