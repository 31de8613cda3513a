"""The store's database on each engine: URLs, commit and rollback, after-commit
work, and the lock that makes a read-then-write count exactly once."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy

from identity.platform.store.database import Database, DatabaseURLError, engine_url

scratch = sqlalchemy.MetaData()
counters = sqlalchemy.Table(
    "test_counters",
    scratch,
    sqlalchemy.Column("name", sqlalchemy.Text, primary_key=True),
    sqlalchemy.Column("value", sqlalchemy.Integer, nullable=False),
)


@pytest.fixture
def database(database_url):
    db = Database(database_url, clock=lambda: 1_800_000_000.0)
    scratch.create_all(db.engine)
    with db.transaction(write=True) as tx:
        tx.execute(counters.insert().values(name="hits", value=0))
    yield db
    db.close()


def hits(db: Database) -> int:
    with db.transaction(write=False) as tx:
        return tx.execute(sqlalchemy.select(counters.c.value)).scalar_one()


@pytest.mark.parametrize(
    ("given", "backend", "database"),
    [
        ("/var/lib/identity.sqlite3", "sqlite", "/var/lib/identity.sqlite3"),
        ("sqlite:////var/lib/identity.sqlite3", "sqlite", "/var/lib/identity.sqlite3"),
        ("postgres://u:p@db.internal:5432/identity", "postgresql", "identity"),
        ("postgresql://u:p@db.internal/identity", "postgresql", "identity"),
    ],
)
def test_database_urls(given, backend, database):
    url = engine_url(given)
    assert (url.get_backend_name(), url.database) == (backend, database)
    if backend == "postgresql":
        assert url.get_driver_name() == "psycopg"


@pytest.mark.parametrize("given", ["", "  ", "mysql://u@db/identity", "http://example.com/db"])
def test_urls_of_no_usable_database_are_refused(given):
    with pytest.raises(DatabaseURLError):
        engine_url(given)


def test_a_transaction_commits_on_exit_and_then_runs_its_after_commit_work(database):
    seen = []
    with database.transaction(write=True) as tx:
        assert tx.dialect == database.dialect
        tx.execute(counters.update().values(value=counters.c.value + 1))
        tx.after_commit(lambda: seen.append(hits(database)))
        assert seen == []
    assert seen == [1]


def test_an_exception_rolls_back_and_runs_no_after_commit_work(database):
    seen = []
    with pytest.raises(LookupError), database.transaction(write=True) as tx:
        tx.execute(counters.update().values(value=counters.c.value + 1))
        tx.after_commit(lambda: seen.append("sent"))
        raise LookupError
    assert (hits(database), seen) == (0, [])


def test_locked_read_then_write_counts_every_one_of_concurrent_writers(database):
    """Read, then write the read value plus one: without the lock (or SQLite's
    BEGIN IMMEDIATE) two writers read the same value and one increment is lost."""
    writers = 8
    barrier = threading.Barrier(writers, timeout=30)
    errors = []

    def increment() -> None:
        try:
            barrier.wait()
            with database.transaction(write=True) as tx:
                tx.lock("test_counters:hits")
                value = tx.execute(sqlalchemy.select(counters.c.value)).scalar_one()
                tx.execute(counters.update().values(value=value + 1))
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=increment) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert (errors, hits(database)) == ([], writers)
