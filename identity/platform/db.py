"""SQLite access: one connection per thread, one transaction per request.

Durability: WAL journal with ``synchronous=FULL``.  In WAL mode ``NORMAL``
survives a crash of this process but can lose the last commits on a power
loss or OS crash; ``FULL`` fsyncs the WAL on every commit, so nothing that
was answered as done is ever lost.  The write volume here (logins, token
grants) is small enough that the extra fsync does not matter.

Writes take ``BEGIN IMMEDIATE``: the write lock is taken up front, so two
writers queue on ``busy_timeout`` instead of both reading and then failing to
upgrade (the classic SQLite deadlock).  Reads use a deferred ``BEGIN`` and, in
WAL mode, never wait for writers.

Since every writer queues on that one lock, nothing slow may run while it is
held.  Work that belongs to a transaction but must not hold the lock (sending
mail: an SMTP round trip can take seconds) is registered with
``Transaction.after_commit`` and runs once the ``COMMIT`` has released the
lock, and never when the transaction rolls back.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from identity.platform.migrations import migrate

#: How long a writer waits for another writer's lock before giving up, ms.
BUSY_TIMEOUT_MS = 10_000


def database_path(database_url: str) -> str:
    """Accept a plain path or a ``sqlite:///path`` URL."""
    prefix = "sqlite:///"
    return database_url[len(prefix) :] if database_url.startswith(prefix) else database_url


class Transaction:
    """One open transaction, the moment it started (its ``now``), and what
    to do once it has committed."""

    def __init__(self, conn: sqlite3.Connection, now: float) -> None:
        self.conn = conn
        self.now = now
        self._after_commit: list[Callable[[], None]] = []

    def after_commit(self, action: Callable[[], None]) -> None:
        """Run *action* after this transaction commits, outside the lock; never on rollback.

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

    def execute(self, sql: str, params: tuple | dict = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def one(self, sql: str, params: tuple | dict = ()) -> sqlite3.Row | None:
        return self.conn.execute(sql, params).fetchone()

    def all(self, sql: str, params: tuple | dict = ()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, params).fetchall()

    def value(self, sql: str, params: tuple | dict = ()) -> Any:
        row = self.conn.execute(sql, params).fetchone()
        return None if row is None else row[0]


class Database:
    """The embedded API's SQLite file; *clock* gives the time in epoch seconds."""

    def __init__(self, path: str, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self.clock = clock
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        migrate(self._connection())

    def _connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            # check_same_thread=False only so that close() may close every
            # thread's connection; each connection is still used by one thread.
            conn = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=0
            )
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    @contextlib.contextmanager
    def transaction(self, *, write: bool) -> Iterator[Transaction]:
        """Commit on normal exit, roll back on an exception; after a commit, run
        the transaction's ``after_commit`` actions (their errors propagate)."""
        conn = self._connection()
        conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        tx = Transaction(conn, self.clock())
        try:
            yield tx
        except BaseException:
            conn.rollback()
            raise
        conn.commit()
        tx.run_after_commit()

    def close(self) -> None:
        """Close every thread's connection (tests and shutdown)."""
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()
