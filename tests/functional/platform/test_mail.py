"""Mail is sent after the commit: never under the write lock, never for a failed request.

``smtplib.SMTP`` is replaced by a server stub that records every message
handed to it, can be held inside a send (a gate the test opens, standing for
a slow SMTP round trip) and can fail it.
"""

from __future__ import annotations

import dataclasses
import email.message
import json
import logging
import re
import smtplib
import threading
from pathlib import Path

import pytest
import webob

from identity import cli
from identity.platform.api import app as app_module
from identity.platform.domain import mail
from identity.platform.domain.errors import InvalidParams
from tests import sql
from tests.functional.platform.conftest import PASSWORD, bearer
from tests.functional.platform.test_tokens import exchange, grant_code, refresh

#: Generous: only reached when something is blocked (the busy timeout is 10 s).
TIMEOUT = 5
NEW_PASSWORD = "a quite different passphrase"


class SMTPServer:
    """What ``smtplib.SMTP(host, port, timeout)`` connects to in these tests."""

    def __init__(self) -> None:
        #: Every message a send was attempted with; ``sent`` those that went out.
        self.attempts: list[email.message.Message] = []
        self.sent: list[email.message.Message] = []
        self.failure: Exception | None = None
        self.on_sent = lambda: None
        self.inside = threading.Event()
        self.gate = threading.Event()
        self.gate.set()

    def hold(self) -> None:
        self.gate.clear()
        self.inside.clear()

    def connect(self, host, port, timeout):
        return SMTPConnection(self)


class SMTPConnection:
    def __init__(self, server: SMTPServer) -> None:
        self.server = server

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def ehlo(self):
        pass

    def has_extn(self, name):
        return False

    def send_message(self, message):
        self.server.attempts.append(message)
        self.server.inside.set()
        assert self.server.gate.wait(TIMEOUT)
        if self.server.failure is not None:
            raise self.server.failure
        self.server.sent.append(message)
        self.server.on_sent()


@pytest.fixture
def settings(settings):
    return dataclasses.replace(settings, smtp_url="smtp://mail.test:2525")


@pytest.fixture
def smtp(monkeypatch) -> SMTPServer:
    server = SMTPServer()
    monkeypatch.setattr(smtplib, "SMTP", server.connect)
    return server


def body(message: email.message.Message) -> str:
    return message.get_body(("plain",)).get_content()


def link_token(message: email.message.Message) -> str:
    return re.search(r"https?://\S+", body(message))[0].rsplit("/", 1)[1]


def json_request(path: str, data: dict) -> webob.Request:
    request = webob.Request.blank(path, method="POST")
    request.json = data
    return request


def in_thread(action) -> threading.Thread:
    thread = threading.Thread(target=action)
    thread.start()
    return thread


def count(db, statement: str) -> int:
    return sql.read(db, statement)


def test_token_exchange_is_not_blocked_behind_a_reset_mail(
    api, platform_app, db, smtp, login, user, third_party
):
    me = login()
    secret = {"secret": third_party["secret"]}
    refresh_token = exchange(api, grant_code(api, me, third_party), secret).json["refresh_token"]
    code = grant_code(api, me, third_party)
    smtp.sent.clear()  # the notice of the newly authorized application

    smtp.hold()
    reset_statuses = []
    reset = in_thread(
        lambda: reset_statuses.append(
            json_request("/password-resets", {"email": "alice@example.test"})
            .get_response(platform_app)
            .status_int
        )
    )
    exchanges = None
    try:
        assert smtp.inside.wait(TIMEOUT)
        # The reset is inside its SMTP send, and its link is committed already.
        assert count(db, "SELECT count(*) FROM password_resets") == 1
        exchange_statuses = []
        exchanges = in_thread(
            lambda: exchange_statuses.extend(
                [
                    exchange(api, code, secret).status_int,
                    refresh(api, refresh_token["token"], secret).status_int,
                ]
            )
        )
        exchanges.join(TIMEOUT)
        finished_first = not exchanges.is_alive()
    finally:
        smtp.gate.set()
    reset.join()
    if exchanges is not None:
        exchanges.join()
    assert finished_first, "the token exchange waited for the reset's SMTP send"
    assert exchange_statuses == [201, 201]
    assert reset_statuses == [201]
    [message] = smtp.sent
    assert message["To"] == "alice@example.test"
    assert "/account/password/reset/" in body(message)


def test_with_a_worker_the_answer_does_not_wait_for_the_mail(api, platform_app, smtp, user):
    """A serving process delivers on its worker: a known address answers as fast as an
    unknown one, whatever the SMTP server does (no enumeration by timing or failure)."""
    platform_app.services.outbox.start_worker()
    smtp.hold()
    try:
        api.post_json("/password-resets", {"email": "alice@example.test"}, status=201)
        api.post_json("/password-resets", {"email": "nobody@example.test"}, status=201)
        # Both answered while the worker is still inside the (held) SMTP send.
        assert smtp.inside.wait(TIMEOUT)
        assert smtp.sent == []
    finally:
        smtp.gate.set()
    delivered = threading.Event()
    smtp.on_sent = delivered.set
    assert delivered.wait(TIMEOUT) or smtp.sent
    assert [m["To"] for m in smtp.sent] == ["alice@example.test"]


def test_a_failed_reset_mail_stays_queued_and_goes_out_later(
    api, platform_app, clock, smtp, user, login, caplog
):
    caplog.set_level(logging.DEBUG)
    smtp.failure = smtplib.SMTPDataError(451, b"try again later")
    # The same answer as when the mail goes out: nothing to learn from a failure.
    api.post_json("/password-resets", {"email": "alice@example.test"}, status=201)
    [message] = smtp.attempts
    assert smtp.sent == []
    token = link_token(message)
    assert "could not send password-reset message to alice@example.test" in caplog.text
    assert all(token not in record.getMessage() for record in caplog.records)
    outbox = platform_app.services.outbox
    assert outbox.drain() == 0  # not due again yet
    smtp.failure = None
    clock.advance(mail.backoff(1))
    assert outbox.drain() == 1
    assert link_token(smtp.sent[0]) == token
    password = {"password": NEW_PASSWORD, "password_confirmation": NEW_PASSWORD}
    api.post_json(f"/password-resets/{token}/actions/finalize", password)
    login(password=NEW_PASSWORD)


def test_a_message_is_given_up_after_its_attempts(api, platform_app, clock, smtp, user, db, caplog):
    smtp.failure = ConnectionRefusedError("no server")
    api.post_json("/password-resets", {"email": "alice@example.test"}, status=201)
    for attempt in range(1, mail.MAX_ATTEMPTS):
        clock.advance(mail.backoff(attempt))
        platform_app.services.outbox.drain()
    assert len(smtp.attempts) == mail.MAX_ATTEMPTS
    assert count(db, "SELECT count(*) FROM outbox") == 0
    assert "gave up on password-reset message to alice@example.test" in caplog.text


def test_queued_mail_is_stored_encrypted(api, db, smtp, user):
    smtp.failure = ConnectionRefusedError("no server")
    api.post_json("/password-resets", {"email": "alice@example.test"}, status=201)
    token = link_token(smtp.attempts[0])
    with db.transaction(write=False) as tx:
        assert token not in sql.dump(tx)
    assert count(db, "SELECT count(*) FROM outbox") == 1


def test_a_failed_email_change_mail_is_queued_and_keeps_the_change(
    api, db, smtp, user, login, caplog
):
    caplog.set_level(logging.DEBUG)
    token = login()["access_token"]["token"]
    smtp.failure = ConnectionRefusedError("no server")
    api.patch_json(
        "/account",
        {"email": "new@example.test", "password": PASSWORD},
        headers=bearer(token),
        status=200,
    )
    [message] = smtp.attempts
    assert message["To"] == "new@example.test"
    assert link_token(message) not in caplog.text
    assert count(db, "SELECT count(*) FROM email_changes WHERE used_at IS NULL") == 1
    assert count(db, "SELECT count(*) FROM outbox") == 1


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/password-resets", {}),
        ("/password-resets", {"email": ["alice@example.test"]}),
    ],
)
def test_a_reset_request_failing_validation_sends_nothing(api, db, smtp, user, path, data):
    api.post_json(path, data, status=422)
    assert smtp.attempts == []
    assert count(db, "SELECT count(*) FROM password_resets") == 0


def test_an_email_change_failing_validation_sends_nothing(
    api, db, smtp, user, two_factor_user, login
):
    token = login()["access_token"]["token"]
    api.patch_json(
        "/account",
        {"email": "not an address", "password": PASSWORD},
        headers=bearer(token),
        status=422,
    )
    api.patch_json(
        "/account",
        {"email": "new@example.test", "password": "wrong password"},
        headers=bearer(token),
        status=401,
    )
    assert smtp.attempts == []
    assert count(db, "SELECT count(*) FROM email_changes") == 0


@pytest.mark.parametrize(
    ("failure", "status", "rate_events"),
    [
        # An error answer commits what it wrote (here the rate-limit hit)...
        (InvalidParams("Changed my mind."), 422, 3),
        # ...a crash rolls everything back; neither sends the queued mail.
        (RuntimeError("a bug"), 500, 0),
    ],
)
def test_a_request_failing_after_the_send_call_sends_nothing(
    api, db, smtp, user, monkeypatch, failure, status, rate_events
):
    real_match = app_module.match

    def match(method, path):
        route, params = real_match(method, path)

        def view(ctx, **params):
            route.view(ctx, **params)  # queues the mail
            raise failure

        return dataclasses.replace(route, view=view), params

    monkeypatch.setattr(app_module, "match", match)
    api.post_json("/password-resets", {"email": "alice@example.test"}, status=status)
    assert smtp.attempts == []
    assert count(db, "SELECT count(*) FROM rate_events") == rate_events


def test_cli_invite_with_a_failed_send_says_it_is_queued(
    smtp, tmp_path, monkeypatch, capsys, caplog
):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("DATABASE_URL", str(tmp_path / "cli.sqlite3"))
    monkeypatch.setenv("OUTBOX_DIR", str(tmp_path / "cli-outbox"))
    monkeypatch.setenv("IDENTITY_URL", "http://identity.test")
    monkeypatch.setenv("SMTP_URL", "smtp://mail.test:2525")
    config = str(Path(__file__).resolve().parents[3] / "development.ini")
    smtp.failure = smtplib.SMTPServerDisconnected("gone")

    status = cli.main(["user", "invite", "new@example.test", "--config", config])

    out, err = capsys.readouterr()
    assert status == 0
    assert json.loads(out)["invitation_url"].startswith("http://identity.test/account/accept/")
    assert err.splitlines()[-1].startswith(
        "identity: the invitation mail could not be sent now; it stays queued"
    )
    [message] = smtp.attempts
    assert message["To"] == "new@example.test"
    assert link_token(message) not in caplog.text + err
    status = cli.main(["user", "invite", "new@example.test", "--config", config])
    assert status == 1
    assert "already taken" in capsys.readouterr().err
