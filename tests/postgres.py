"""The database engines the tests run on: SQLite, and a throwaway PostgreSQL server.

A test (or a fixture it uses) that takes ``database_url`` runs once per
engine, with ids ``[sqlite]`` and ``[postgresql]``; ``@pytest.mark.engines("sqlite")``
keeps a test that is about one engine to that one.  On PostgreSQL each test
gets a new, empty database of its own, dropped afterwards.

The server is ``TEST_DATABASE_URL`` when set (any database on a server where
that role may ``CREATE DATABASE``).  Otherwise this module makes a temporary
cluster with Debian's server binaries (``/usr/lib/postgresql/*/bin``):
``initdb`` into a temporary folder, trust authentication, listening on a free
loopback port only, ``fsync`` off (a crash of a throwaway cluster loses
nothing anyone wants); stopped and removed at the end of the session.  As
root (CI runs as root) PostgreSQL refuses to run, so the cluster belongs to,
and its commands run as, the ``postgres`` user.

With no server to be had, the PostgreSQL runs are skipped and say why; with
``CI=true`` they fail instead, since there they must run.
"""

from __future__ import annotations

import contextlib
import getpass
import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import sqlalchemy
from psycopg import sql

ENGINES = ("sqlite", "postgresql")
#: Seconds the server may take to start or stop.
SERVER_TIMEOUT = 60


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "engines(*names): run only on these database engines (sqlite, postgresql)"
    )


#: The fixtures that give a database URL: the engine is their parameter.
URL_FIXTURES = ("database_url", "module_database_url")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    for name in URL_FIXTURES:
        if name in metafunc.fixturenames:
            metafunc.parametrize(name, _engine_params(metafunc), indirect=True)


def _engine_params(metafunc: pytest.Metafunc) -> list:
    marker = metafunc.definition.get_closest_marker("engines")
    engines = marker.args if marker else ENGINES
    unknown = set(engines) - set(ENGINES)
    if unknown:
        raise pytest.UsageError(f"unknown engines {sorted(unknown)} on {metafunc.definition}")
    return [pytest.param(engine, id=engine) for engine in engines]


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """``DATABASE_URL`` of a new, empty database on this test's engine."""
    if request.param == "sqlite":
        return str(tmp_path / "platform.sqlite3")
    return request.getfixturevalue("postgres_database")


@pytest.fixture(scope="module")
def module_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """``database_url`` shared by a module's tests (a server process they all talk to)."""
    if request.param == "sqlite":
        yield str(tmp_path_factory.mktemp("sqlite") / "platform.sqlite3")
        return
    with request.getfixturevalue("postgres_server").database() as url:
        yield url


@pytest.fixture
def postgres_database(postgres_server: PostgresServer) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped after the test."""
    with postgres_server.database() as url:
        yield url


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresServer]:
    external = os.environ.get("TEST_DATABASE_URL", "").strip()
    if external:
        server = PostgresServer(external)
        yield server
        server.close()
        return
    bin_dir, reason = _server_binaries()
    if bin_dir is None:
        _unavailable(reason)
    cluster = TemporaryCluster(bin_dir)
    try:
        cluster.start()
    except ClusterError as exc:
        cluster.remove()
        _unavailable(str(exc))
    try:
        yield PostgresServer(cluster.url)
    finally:
        cluster.remove()


def _unavailable(reason: str) -> None:
    message = f"no PostgreSQL server for the tests: {reason}"
    if os.environ.get("CI") == "true":
        pytest.fail(message + " (CI must run them: set TEST_DATABASE_URL or install postgresql)")
    pytest.skip(message + " (set TEST_DATABASE_URL or install Debian's postgresql)")


class PostgresServer:
    """A server the tests may create databases on; *url* is any database of it.

    A database a test is done with is emptied (its schemas dropped, its
    connections ended) and handed to the next test: ten times faster than
    ``CREATE DATABASE``, and as empty.
    """

    _numbers = itertools.count(1)

    def __init__(self, url: str) -> None:
        scheme, _, rest = url.partition("://")
        if scheme not in ("postgres", "postgresql", "postgresql+psycopg"):
            raise pytest.UsageError("TEST_DATABASE_URL must be postgresql://USER@HOST:PORT/DB")
        self.url = sqlalchemy.make_url(f"postgresql://{rest}")
        # The URL psycopg itself takes (no SQLAlchemy driver name).
        self.conninfo = self.url.render_as_string(hide_password=False)
        self._free: list[str] = []
        self._made: list[str] = []

    def url_of(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def _admin(self, statement: sql.Composable, dbname: str | None = None) -> None:
        conninfo = self.conninfo if dbname is None else self.url_of(dbname)
        with psycopg.connect(conninfo, autocommit=True, connect_timeout=10) as conn:
            conn.execute(statement)

    @contextlib.contextmanager
    def database(self) -> Iterator[str]:
        """An empty database for the block."""
        if self._free:
            name = self._free.pop()
        else:
            name = f"identity_test_{os.getpid()}_{next(self._numbers)}"
            self._admin(
                sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name))
            )
            self._made.append(name)
        try:
            yield self.url_of(name)
        finally:
            self._empty(name)
            self._free.append(name)

    def _empty(self, name: str) -> None:
        """Drop everything in database *name*; end the connections a server left open."""
        with psycopg.connect(self.conninfo, autocommit=True, connect_timeout=10) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )
        with psycopg.connect(self.url_of(name), autocommit=True, connect_timeout=10) as conn:
            schemas = [
                row[0]
                for row in conn.execute(
                    "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%'"
                    " AND nspname <> 'information_schema'"
                )
            ]
            with conn.transaction():
                for schema in schemas:
                    conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))
                conn.execute("CREATE SCHEMA public")

    def close(self) -> None:
        """Drop the databases made here (on a server of one's own, they would stay)."""
        while self._made:
            name = self._made.pop()
            self._admin(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        self._free.clear()


class ClusterError(RuntimeError):
    """The temporary cluster could not be made or started."""


def _server_binaries() -> tuple[Path | None, str]:
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
        key=lambda path: int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit() else 0,
    )
    if candidates:
        return Path(candidates[-1]).parent, ""
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent, ""
    return None, "no initdb/pg_ctl in /usr/lib/postgresql/*/bin or on PATH"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class TemporaryCluster:
    """A PostgreSQL cluster in a temporary folder, on a loopback port, trust auth."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="identity-pg-"))
        self.data = self.root / "data"
        self.sockets = self.root / "sockets"
        self.log = self.root / "server.log"
        self.port = 0
        self.started = False
        # PostgreSQL will not run as root: then it runs as the postgres user.
        self.owner = "postgres" if os.geteuid() == 0 else getpass.getuser()

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> subprocess.CompletedProcess:
        command = [str(self.bin_dir / tool), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", self.owner, "--", *command]
        return subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=SERVER_TIMEOUT,
            check=False,
            cwd=self.root,
        )

    def start(self) -> None:
        if os.geteuid() == 0:
            try:
                owner = pwd.getpwnam(self.owner)
            except KeyError:
                raise ClusterError("running as root and there is no postgres user") from None
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
        self.sockets.mkdir()
        if os.geteuid() == 0:
            os.chown(self.sockets, owner.pw_uid, owner.pw_gid)
        done = self._run(
            "initdb",
            "--pgdata", str(self.data),
            "--username", "postgres",
            "--auth", "trust",
            "--encoding", "UTF8",
            "--locale", "C",
            "--no-sync",
        )  # fmt: skip
        if done.returncode != 0:
            raise ClusterError(f"initdb failed: {done.stderr.strip() or done.stdout.strip()}")
        # A port found free may be taken before the server binds it: try a few.
        for _attempt in range(3):
            self.port = _free_port()
            options = " ".join(
                (
                    "-c listen_addresses=127.0.0.1",
                    f"-c port={self.port}",
                    f"-c unix_socket_directories={self.sockets}",
                    "-c fsync=off",
                    "-c synchronous_commit=off",
                    "-c full_page_writes=off",
                    # Two platform processes' pools, two Identities', the tests' own.
                    "-c max_connections=300",
                )
            )
            done = self._run(
                "pg_ctl", "start", "--pgdata", str(self.data), "--wait",
                "--timeout", str(SERVER_TIMEOUT), "--log", str(self.log), "-o", options,
            )  # fmt: skip
            if done.returncode == 0:
                self.started = True
                return
        log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
        raise ClusterError(f"pg_ctl start failed: {done.stderr.strip()}\n{log}")

    def remove(self) -> None:
        if self.started:
            self._run("pg_ctl", "stop", "--pgdata", str(self.data), "--mode", "immediate", "--wait")
            self.started = False
        shutil.rmtree(self.root, ignore_errors=True)


def tables_in(database_url: str) -> set[str]:
    """The names of the tables in the database at *database_url* (none if it is no file yet)."""
    if not database_url.startswith(("postgres://", "postgresql://")):
        path = database_url.removeprefix("sqlite:///")
        if not Path(path).exists():
            return set()
        url = sqlalchemy.URL.create("sqlite", database=path)
    else:
        url = sqlalchemy.make_url("postgresql+psycopg://" + database_url.partition("://")[2])
    engine = sqlalchemy.create_engine(url, poolclass=sqlalchemy.pool.NullPool)
    try:
        with engine.connect() as conn:
            return set(sqlalchemy.inspect(conn).get_table_names())
    finally:
        engine.dispose()
