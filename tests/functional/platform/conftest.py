"""Fixtures for the embedded Platform API's contract tests: an app on a new database
(on each engine: ``tests/postgres.py``) and a temporary outbox, a clock the tests
move, cheap Argon2 parameters."""

from __future__ import annotations

import base64
import email
import pathlib

import pytest
import webtest
from cryptography.fernet import Fernet

from identity.platform import make_app
from identity.platform.domain.accounts import create_user
from identity.platform.domain.clients import create_client
from identity.platform.domain.passwords import PasswordHasher
from identity.settings import load_settings

#: Argon2id at its minimum cost: tests check behaviour, not hashing strength.
CHEAP_HASHER = PasswordHasher(memory_cost=8, iterations=1, lanes=1)
PASSWORD = "correct horse battery staple"
START = 1_800_000_000.0


class Clock:
    """A settable clock: ``clock.advance(seconds)`` instead of sleeping."""

    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def basic(user: str, password: str) -> dict[str, str]:
    encoded = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {encoded}"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def settings(tmp_path: pathlib.Path, database_url: str):
    keys = {
        name: Fernet.generate_key().decode()
        for name in (
            "cookie_encryption_key",
            "heroku_root_domain_cookie_encryption_key",
            "sealed_code_key",
            "platform_encryption_key",
        )
    }
    return load_settings(
        {
            "identity_env": "test",
            "database_url": database_url,
            "outbox_dir": str(tmp_path / "outbox"),
            "identity_url": "https://id.example.test",
            **keys,
        },
        environ={},
    )


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def hasher() -> PasswordHasher:
    """The app's hasher; a test module may override it (test_password_work.py)."""
    return CHEAP_HASHER


@pytest.fixture
def platform_app(settings, clock, hasher):
    app = make_app(settings, clock=clock, hasher=hasher)
    yield app
    app.close()


@pytest.fixture
def db(platform_app):
    return platform_app.database


@pytest.fixture
def api(platform_app) -> webtest.TestApp:
    # Identity calls from loopback, the default trusted proxy (PLATFORM_TRUSTED_PROXIES).
    return webtest.TestApp(platform_app, extra_environ={"REMOTE_ADDR": "127.0.0.1"})


@pytest.fixture
def identity_client(db):
    """Identity's own, privileged client."""
    return create_client(
        db, "Identity", "https://id.example.test/callback", trusted=True, privileged=True
    )


@pytest.fixture
def third_party(db):
    return create_client(db, "Dashboard", "https://dashboard.example.test/callback")


@pytest.fixture
def public_client(db):
    return create_client(db, "CLI", "http://127.0.0.1/callback", public=True)


@pytest.fixture
def user(db, settings):
    return create_user(
        db, settings, "alice@example.test", name="Alice", password=PASSWORD, hasher=CHEAP_HASHER
    )


@pytest.fixture
def two_factor_user(db, settings):
    return create_user(
        db,
        settings,
        "bob@example.test",
        password=PASSWORD,
        two_factor=True,
        sms_number="+15551234567",
        hasher=CHEAP_HASHER,
    )


class Outbox:
    """The messages written to the outbox folder, oldest first."""

    def __init__(self, folder: pathlib.Path) -> None:
        self.folder = folder

    def files(self) -> list[pathlib.Path]:
        return sorted(self.folder.glob("*.eml")) if self.folder.exists() else []

    def messages(self) -> list[email.message.Message]:
        # compat32, as the SMS files are written: "sms:+1555..." is no address.
        return [email.message_from_bytes(path.read_bytes()) for path in self.files()]

    def last_body(self) -> str:
        """The text part of the newest message."""
        return text_of(self.messages()[-1])


def part_of(message: email.message.Message, content_type: str) -> str:
    [part] = [p for p in message.walk() if p.get_content_type() == content_type]
    return part.get_payload(decode=True).decode()


def text_of(message: email.message.Message) -> str:
    return part_of(message, "text/plain")


def html_of(message: email.message.Message) -> str:
    return part_of(message, "text/html")


@pytest.fixture
def outbox(settings) -> Outbox:
    return Outbox(pathlib.Path(settings.outbox_dir))


def login_body(client_id: str) -> dict:
    return {
        "client": {"id": client_id},
        "create_session": True,
        "create_tokens": True,
        "response_type": "code",
    }


@pytest.fixture
def login(api, identity_client):
    """Run the login dance (#1); return the 201 JSON body."""

    def run(email: str = "alice@example.test", password: str = PASSWORD, **headers):
        response = api.post_json(
            "/oauth/authorizations",
            login_body(identity_client["id"]),
            headers={**basic(email, password), **headers},
        )
        return response.json

    return run
