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
    """One open transaction and the moment it started (its ``now``)."""

    def __init__(self, conn: sqlite3.Connection, now: float) -> None:
        self.conn = conn
        self.now = now

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
        """Commit on normal exit, roll back on an exception."""
        conn = self._connection()
        conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            yield Transaction(conn, self.clock())
        except BaseException:
            conn.rollback()
            raise
        conn.commit()

    def close(self) -> None:
        """Close every thread's connection (tests and shutdown)."""
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()
