"""Unit-test fixtures: a migrated temporary database and a transaction on it."""

import pytest

from identity.platform.store import schema
from identity.platform.store.database import Database


@pytest.fixture
def db(tmp_path):
    database = Database(str(tmp_path / "unit.sqlite3"), clock=lambda: 1_800_000_000.0)
    schema.upgrade(database)
    yield database
    database.close()


@pytest.fixture
def tx(db):
    with db.transaction(write=True) as transaction:
        yield transaction
