"""The database: an SQLAlchemy engine for SQLite or PostgreSQL, one transaction per request.

``DATABASE_URL`` is ``sqlite:///PATH`` or a bare path (the zero-setup
default), or ``postgresql://…`` / ``postgres://…`` (what a platform such as
Heroku sets), driven by psycopg 3.

SQLite: WAL journal with ``synchronous=FULL`` (``NORMAL`` can lose the last
commits on a power loss; ``FULL`` fsyncs the WAL on every commit, so nothing
answered as done is ever lost).  Writes take ``BEGIN IMMEDIATE``: the write
lock is taken up front, so two writers queue on ``busy_timeout`` instead of
both reading and then failing to upgrade.  Writers of one process queue on a
lock of their own first: SQLite's busy handler polls, sleeping up to 100 ms
between tries, so under load a released write lock stood idle while the next
writer slept; a thread waiting on a Python lock wakes when it is released.
Reads use a deferred ``BEGIN`` and never wait for writers.

PostgreSQL: READ COMMITTED.  Every single-use or counted thing is one
conditional ``UPDATE … RETURNING`` (a concurrent transaction's row lock makes
the second one re-check its condition and find it false) or takes a
transaction-scoped advisory lock on what it counts (``Transaction.lock``),
so it stays exactly-once across any number of processes.

Work that belongs to a transaction but must not hold its locks (sending
mail) is registered with ``Transaction.after_commit``: it runs once the
``COMMIT`` is done, and never when the transaction rolls back.
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator

import sqlalchemy
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from identity import metrics

#: How long a SQLite writer waits for another writer's lock before giving up, ms.
BUSY_TIMEOUT_MS = 10_000
#: Seconds a PostgreSQL connection attempt may take.
CONNECT_TIMEOUT = 5


class DatabaseURLError(ValueError):
    """``DATABASE_URL`` names no database this service can use."""


def engine_url(database_url: str) -> sqlalchemy.URL:
    """The SQLAlchemy URL of *database_url* (a path, ``sqlite:///``, ``postgres[ql]://``)."""
    value = database_url.strip()
    if value.startswith(("postgres://", "postgresql://", "postgresql+psycopg://")):
        rest = value.partition("://")[2]
        return sqlalchemy.make_url(f"postgresql+psycopg://{rest}")
    if value.startswith("sqlite:///"):
        return sqlalchemy.URL.create("sqlite", database=value[len("sqlite:///") :])
    if "://" in value:
        raise DatabaseURLError(
            "DATABASE_URL must be sqlite:///PATH, a file path, or postgres://USER:PASS@HOST/DB"
        )
    if not value:
        raise DatabaseURLError("DATABASE_URL is empty")
    return sqlalchemy.URL.create("sqlite", database=value)


def create_engine(database_url: str) -> Engine:
    engine = _engine(engine_url(database_url))
    _timed(engine)
    return engine


def _engine(url: sqlalchemy.URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        engine = sqlalchemy.create_engine(
            url,
            # Each connection is used by one thread at a time; the pool hands them out.
            connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
            pool_size=20,
            max_overflow=20,
        )
        _sqlite_transactions(engine)
        return engine
    return sqlalchemy.create_engine(
        url,
        connect_args={"connect_timeout": CONNECT_TIMEOUT},
        pool_size=10,
        max_overflow=10,
        pool_pre_ping=True,
    )


def _timed(engine: Engine) -> None:
    """Time every statement for the metrics, by its verb (SELECT, INSERT, ...)."""

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn, cursor, statement, parameters, context, executemany) -> None:
        conn.info.setdefault("started", []).append(time.perf_counter())

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn, cursor, statement, parameters, context, executemany) -> None:
        started = conn.info["started"].pop()
        verb = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else "?"
        metrics.PLATFORM_DB_SECONDS.labels(verb).observe(time.perf_counter() - started)


def _use_wal(cursor) -> None:
    """Switch a SQLite file to WAL (once: the mode is stored in the file).

    Switching needs the file to itself, and SQLite answers "database is locked"
    at once, without its busy handler, while another process starting on the
    same new file holds its write lock (migrating): so wait here, boundedly.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _sqlite_transactions(engine: Engine) -> None:
    """Let this module, not the sqlite3 driver, say when a transaction begins, and how.

    The driver's own implicit ``BEGIN`` is deferred and comes too late for DDL;
    SQLAlchemy's documented recipe turns it off and emits ``BEGIN`` itself.
    """

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _use_wal(cursor)
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("write") else "BEGIN")


class Transaction:
    """One open transaction: its connection, the moment it started (its ``now``),
    and what to do once it has committed."""

    def __init__(self, conn: Connection, now: float, *, write: bool) -> None:
        self.conn = conn
        self.now = now
        self.write = write
        self._after_commit: list[Callable[[], None]] = []

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.conn.dialect.name

    def execute(self, statement, params=None):
        return self.conn.execute(statement, params)

    def ping(self) -> None:
        """Ask the database something trivial (readiness)."""
        self.conn.execute(sqlalchemy.text("SELECT 1"))

    def lock(self, name: str) -> None:
        """Hold a lock on *name* until this transaction ends (a counted bucket, say).

        SQLite's writers are serialised already (``BEGIN IMMEDIATE``); on
        PostgreSQL this is a transaction-scoped advisory lock, so two
        processes checking and bumping the same counter take turns.  A read
        transaction (a ``prepare`` step) takes none: it changes nothing.
        """
        if self.write and self.dialect == "postgresql":
            key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
            self.conn.execute(sqlalchemy.select(sqlalchemy.func.pg_advisory_xact_lock(key)))

    def after_commit(self, action: Callable[[], None]) -> None:
        """Run *action* after this transaction commits, outside its locks; never on rollback.

        Actions run in the order given.  The transaction is committed by
        then, so an action's error cannot undo its writes: the error
        propagates from ``Database.transaction`` (after the other actions ran).
        """
        self._after_commit.append(action)

    def discard_after_commit(self) -> None:
        """Drop the actions registered so far: the transaction commits without them."""
        self._after_commit.clear()

    def run_after_commit(self) -> None:
        """Run the registered actions once; raise the first error after running them all."""
        actions, self._after_commit = self._after_commit, []
        error: Exception | None = None
        for action in actions:
            try:
                action()
            except Exception as exc:
                if error is None:
                    error = exc
        if error is not None:
            raise error


class Database:
    """The embedded API's database; *clock* gives the time in epoch seconds.

    Opening it does not migrate it: ``store.migrations.upgrade`` does, at
    start-up (``identity db upgrade``, and the serve commands).
    """

    def __init__(self, database_url: str, clock: Callable[[], float] = time.time) -> None:
        self.url = engine_url(database_url)
        self.engine = create_engine(database_url)
        self.clock = clock
        # Re-entrant: a nested write transaction waits on SQLite, as it would without it.
        self._sqlite_writer = threading.RLock() if self.dialect == "sqlite" else None

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextlib.contextmanager
    def transaction(self, *, write: bool) -> Iterator[Transaction]:
        """Commit on normal exit, roll back on an exception; after a commit, run
        the transaction's ``after_commit`` actions (their errors propagate)."""
        with self._writer_turn(write), self.engine.connect() as conn:
            conn.info["write"] = write
            with conn.begin():
                tx = Transaction(conn, self.clock(), write=write)
                yield tx
        tx.run_after_commit()

    @contextlib.contextmanager
    def _writer_turn(self, write: bool) -> Iterator[None]:
        """On SQLite, this process's writers one at a time; after ``BUSY_TIMEOUT_MS``
        a writer goes on without its turn, and SQLite's own lock decides."""
        lock = self._sqlite_writer if write else None
        held = lock is not None and lock.acquire(timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            yield
        finally:
            if held:
                lock.release()

    def close(self) -> None:
        """Close every pooled connection (tests and shutdown)."""
        self.engine.dispose()
