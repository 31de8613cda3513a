"""The schema under Alembic: new databases, repeated and concurrent upgrades, and
a database of the numbered migrations upgraded with its data still working."""

from __future__ import annotations

import hashlib
import threading

import pytest
import sqlalchemy
import webtest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from identity.platform import make_app
from identity.platform.domain.passwords import PasswordHasher
from identity.platform.store import schema
from identity.platform.store.database import Database
from identity.platform.store.tables import metadata
from tests.functional.platform.conftest import PASSWORD, START, basic, login_body
from tests.functional.platform.legacy_schema import create_legacy_database


@pytest.fixture
def database(database_url):
    db = Database(database_url)
    yield db
    db.close()


def differences(db: Database, **options) -> list:
    with db.engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn, opts=options), metadata)


def test_a_new_database_is_upgraded_to_head(database):
    assert schema.current(database) is None
    assert schema.upgrade(database) == (None, schema.head())
    assert schema.current(database) == schema.head()


def test_upgrading_twice_changes_nothing(database):
    schema.upgrade(database)
    with database.engine.connect() as conn:
        before = sqlalchemy.inspect(conn).get_table_names()
    assert schema.upgrade(database) == (schema.head(), schema.head())
    with database.engine.connect() as conn:
        assert sqlalchemy.inspect(conn).get_table_names() == before
        assert conn.exec_driver_sql("SELECT count(*) FROM alembic_version").scalar() == 1


def test_the_upgraded_database_is_the_schema_the_store_describes(database):
    schema.upgrade(database)
    assert differences(database, compare_type=True) == []


def test_the_server_defaults_are_the_ones_the_store_describes(database):
    schema.upgrade(database)
    assert differences(database, compare_type=True, compare_server_default=True) == []


def test_processes_starting_together_upgrade_one_new_database_once(database_url, request):
    """Each thread has an engine of its own, as a process would: only the
    database's own lock (BEGIN IMMEDIATE, the advisory lock) keeps them apart."""
    starters = 4
    databases = [Database(database_url) for _ in range(starters)]
    barrier = threading.Barrier(starters, timeout=30)
    results, errors = [], []

    def start(db: Database) -> None:
        try:
            barrier.wait()
            results.append(schema.upgrade(db))
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(db,)) for db in databases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    try:
        assert errors == []
        assert sorted(results, key=str) == sorted(
            [(None, schema.head())] + [(schema.head(), schema.head())] * (starters - 1), key=str
        )
        assert differences(databases[0], compare_type=True) == []
    finally:
        for db in databases:
            db.close()


# -- a database made by the numbered migrations, with data -----------------------

IDENTITY_SECRET = "identity-secret-of-the-old-database"
DASHBOARD_SECRET = "dashboard-secret-of-the-old-database"
OLD_REFRESH_TOKEN = "HRKU-old-refresh-token-of-the-old-database"
OLD_PUBLIC_REFRESH_TOKEN = "HRKU-old-public-refresh-token-of-the-old-database"


def digest(secret: str) -> str:
    """How the old schema stores a secret: SHA-256, hex."""
    return hashlib.sha256(secret.encode()).hexdigest()


def fill_old_database(path: str) -> dict:
    """An account, Identity's client, a confidential and a public client, and
    an authorization with tokens for each of those two, as the old code wrote them."""
    now = START - 3600
    later = START + 30 * 86400
    conn = create_legacy_database(path)
    password_hash = PasswordHasher(memory_cost=8, iterations=1).hash(PASSWORD)
    rows = [
        (
            "INSERT INTO users (id, email, name, password_hash, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            ("user-1", "Alice@Example.test", "Alice", password_hash, now, now),
        ),
    ]
    clients = [
        ("identity", IDENTITY_SECRET, "https://id.example.test/callback", 1, 0, 1),
        ("dashboard", DASHBOARD_SECRET, "https://dashboard.example.test/callback", 0, 0, 0),
        ("cli", None, "http://127.0.0.1/callback", 0, 1, 0),
    ]
    for client_id, secret, uri, trusted, public, privileged in clients:
        rows.append(
            (
                "INSERT INTO clients (id, legacy_id, name, secret_hash, redirect_uri, trusted,"
                " public, privileged, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    client_id,
                    f"legacy-{client_id}",
                    client_id.title(),
                    secret and digest(secret),
                    uri,
                    trusted,
                    public,
                    privileged,
                    now,
                    now,
                ),
            )
        )
    for client_id, token in (("dashboard", OLD_REFRESH_TOKEN), ("cli", OLD_PUBLIC_REFRESH_TOKEN)):
        rows += [
            (
                "INSERT INTO authorizations (id, user_id, client_id, scope, created_at,"
                " updated_at) VALUES (?, 'user-1', ?, '[\"global\"]', ?, ?)",
                (f"auth-{client_id}", client_id, now, now),
            ),
            (
                "INSERT INTO tokens (id, authorization_id, kind, token_hash, created_at,"
                " expires_at) VALUES (?, ?, 'access', ?, ?, ?)",
                (f"access-{client_id}", f"auth-{client_id}", digest(token + "a"), now, now + 7200),
            ),
            (
                "INSERT INTO tokens (id, authorization_id, kind, token_hash, created_at,"
                " expires_at) VALUES (?, ?, 'refresh', ?, ?, ?)",
                (f"refresh-{client_id}", f"auth-{client_id}", digest(token), now, later),
            ),
        ]
    try:
        conn.execute("BEGIN")
        for statement, params in rows:
            conn.execute(statement, params)
        conn.execute("COMMIT")
    finally:
        conn.close()
    return {"user_id": "user-1"}


def refresh(api, token: str, client: dict, status: int = 201):
    return api.post_json(
        "/oauth/tokens",
        {
            "client": client,
            "grant": {"type": "refresh_token"},
            "refresh_token": {"token": token},
        },
        status=status,
    )


@pytest.mark.engines("sqlite")  # the numbered migrations only ever made SQLite files
class TestADatabaseOfTheNumberedMigrations:
    @pytest.fixture
    def api(self, settings, clock):
        old = fill_old_database(settings.database_url)
        app = make_app(settings, clock=clock, hasher=PasswordHasher(memory_cost=8, iterations=1))
        yield webtest.TestApp(app, extra_environ={"REMOTE_ADDR": "127.0.0.1"}), old
        app.close()

    def test_is_adopted_and_upgraded_to_head(self, api, settings):
        db = Database(settings.database_url)
        try:
            assert schema.current(db) == schema.head()
            with db.engine.connect() as conn:
                keys = conn.exec_driver_sql("SELECT email_key FROM users").scalars().all()
            assert keys == ["alice@example.test"]
        finally:
            db.close()

    def test_the_user_logs_in_with_the_address_in_any_case(self, api):
        app, old = api
        for address in ("Alice@Example.test", "alice@example.TEST"):
            body = app.post_json(
                "/oauth/authorizations",
                login_body("identity"),
                headers=basic(address, PASSWORD),
                status=201,
            ).json
            assert body["user"]["id"] == old["user_id"]
            assert body["access_token"]["token"]

    def test_a_wrong_password_still_fails(self, api):
        app, _ = api
        app.post_json(
            "/oauth/authorizations",
            login_body("identity"),
            headers=basic("alice@example.test", "not the password"),
            status=401,
        )

    def test_the_old_refresh_token_of_a_confidential_client_still_refreshes(self, api):
        app, old = api
        body = refresh(app, OLD_REFRESH_TOKEN, {"secret": DASHBOARD_SECRET}).json
        assert body["user"] == {"id": old["user_id"]}
        assert body["refresh_token"]["token"] == OLD_REFRESH_TOKEN

    def test_the_old_refresh_token_of_a_public_client_rotates(self, api):
        app, _ = api
        first = refresh(app, OLD_PUBLIC_REFRESH_TOKEN, {"id": "cli"}).json
        successor = first["refresh_token"]["token"]
        assert successor != OLD_PUBLIC_REFRESH_TOKEN
        assert refresh(app, successor, {"id": "cli"}).status_int == 201
