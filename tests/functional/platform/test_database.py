"""SQLite: migrations from an empty file, re-opening an existing one, durability settings."""

import dataclasses

import pytest

from identity.platform import open_database
from identity.platform.domain.accounts import create_user
from identity.platform.store import schema
from tests import sql
from tests.functional.platform.conftest import CHEAP_HASHER, PASSWORD

pytestmark = pytest.mark.engines("sqlite")  # the SQLite file and its pragmas


def test_empty_file_is_migrated_and_durable(settings, tmp_path):
    path = tmp_path / "platform.sqlite3"
    path.touch()
    db = open_database(settings)
    try:
        assert schema.current(db) == schema.head()
        with db.transaction(write=False) as tx:
            assert sql.value(tx, "PRAGMA journal_mode") == "wal"
            assert sql.value(tx, "PRAGMA synchronous") == 2  # FULL
            assert sql.value(tx, "PRAGMA foreign_keys") == 1
            names = {row[0] for row in sql.execute(tx, "SELECT name FROM sqlite_master")}
        assert {"users", "clients", "authorizations", "tokens", "rate_events"} <= names
    finally:
        db.close()


def test_existing_file_is_reopened_with_its_data(settings):
    db = open_database(settings)
    user = create_user(db, settings, "alice@example.test", password=PASSWORD, hasher=CHEAP_HASHER)
    db.close()
    db = open_database(settings)
    try:
        assert sql.read(db, "SELECT id FROM users") == user["id"]
        assert schema.current(db) == schema.head()
    finally:
        db.close()


def test_sqlite_url_prefix_is_accepted(settings, tmp_path):
    url_settings = dataclasses.replace(
        settings, database_url=f"sqlite:///{tmp_path / 'other.sqlite3'}"
    )
    db = open_database(url_settings)
    try:
        assert schema.current(db) == schema.head()
    finally:
        db.close()
    assert (tmp_path / "other.sqlite3").exists()
