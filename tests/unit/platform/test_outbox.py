import email
import smtplib
import typing

import pytest
from cryptography.fernet import Fernet

from identity.platform.domain.delivery import Delivery
from identity.platform.domain.letters import Letter
from identity.platform.domain.mail import Outbox
from tests import sql

KEY = Fernet.generate_key().decode()


def make_outbox(db, folder: str, mail_from: str, smtp_url: str = "") -> Outbox:
    return Outbox(Delivery(folder, mail_from, smtp_url), KEY).bind(db)


def read(folder):
    return [(p.name, email.message_from_bytes(p.read_bytes())) for p in sorted(folder.iterdir())]


def test_mail_is_written_as_one_eml_file_after_the_commit(tmp_path, db):
    folder = tmp_path / "out"
    outbox = make_outbox(db, str(folder), "Identity <id@example.test>")
    with db.transaction(write=True) as tx:
        outbox.send_mail(
            tx,
            "password-reset",
            "a@example.test",
            Letter("Reset", "link: https://x/secret", "link: https://x/secret"),
        )
        outbox.send_mail(tx, "invitation", "b@example.test", Letter("Hi", "body", "body"))
        assert not folder.exists()  # queued on the transaction, not sent under its lock
    (first_name, first), (second_name, _) = read(folder)
    assert first_name.endswith("-password-reset.eml") and second_name.endswith("-invitation.eml")
    assert first_name < second_name
    assert first["From"] == "Identity <id@example.test>"
    assert first["To"] == "a@example.test"
    assert "https://x/secret" in first.get_payload(0).get_payload(decode=True).decode()


def test_sms_is_an_outbox_file(tmp_path, db):
    with db.transaction(write=True) as tx:
        make_outbox(db, str(tmp_path / "out"), "id@example.test").send_sms(
            tx, "+15551234567", "code 12345678"
        )
    [(name, message)] = read(tmp_path / "out")
    assert name.endswith("-sms.eml")
    assert message["To"] == "sms:+15551234567"


def test_a_rolled_back_transaction_sends_nothing(tmp_path, db):
    folder = tmp_path / "out"
    outbox = make_outbox(db, str(folder), "id@example.test")
    with pytest.raises(RuntimeError), db.transaction(write=True) as tx:
        outbox.send_mail(tx, "invitation", "a@example.test", Letter("Hi", "body", "body"))
        outbox.send_sms(tx, "+15551234567", "code 12345678")
        raise RuntimeError("the request failed")
    assert not folder.exists()


def test_log_does_not_contain_the_body(tmp_path, db, caplog):
    caplog.set_level("INFO")
    with db.transaction(write=True) as tx:
        make_outbox(db, str(tmp_path / "out"), "id@example.test").send_mail(
            tx, "reset", "a@example.test", Letter("S", "SECRET", "SECRET")
        )
    assert "a@example.test" in caplog.text and "SECRET" not in caplog.text


class FakeSMTP:
    sent: typing.ClassVar[list] = []

    def __init__(self, host, port, timeout):
        self.address = (host, port)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def ehlo(self):
        pass

    def has_extn(self, name):
        return False

    def login(self, user, password):
        self.credentials = (user, password)

    def send_message(self, message):
        FakeSMTP.sent.append((self.address, self.credentials, message["To"]))


def test_smtp_url_sends_with_smtplib_after_the_commit(tmp_path, db, monkeypatch):
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    FakeSMTP.sent = []
    outbox = make_outbox(
        db, str(tmp_path / "out"), "id@example.test", "smtp://me:p%40ss@mail.test:2525"
    )
    with db.transaction(write=True) as tx:
        outbox.send_mail(tx, "invitation", "a@example.test", Letter("Hi", "body", "body"))
        assert FakeSMTP.sent == []
    assert FakeSMTP.sent == [(("mail.test", 2525), ("me", "p@ss"), "a@example.test")]
    assert not (tmp_path / "out").exists()


def test_smtp_failure_after_the_commit_keeps_the_writes_and_the_message(
    tmp_path, db, monkeypatch, caplog
):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("no server")

    monkeypatch.setattr(smtplib, "SMTP", refuse)
    outbox = make_outbox(db, str(tmp_path / "out"), "id@example.test", "smtp://mail.test")
    with db.transaction(write=True) as tx:
        sql.execute(tx, "INSERT INTO rate_events (bucket, at) VALUES ('kept', 1)")
        outbox.send_mail(
            tx, "invitation", "a@example.test", Letter("Hi", "body with SECRET", "body with SECRET")
        )
    with db.transaction(write=False) as tx:
        assert sql.value(tx, "SELECT count(*) FROM rate_events WHERE bucket = 'kept'") == 1
        assert sql.value(tx, "SELECT count(*) FROM outbox") == 1
    assert outbox.waiting_for("a@example.test")
    assert "could not send invitation message to a@example.test" in caplog.text
    assert "SECRET" not in caplog.text


def test_an_unwritable_outbox_keeps_the_message(tmp_path, db):
    (tmp_path / "file").write_text("not a folder")
    outbox = make_outbox(db, str(tmp_path / "file" / "out"), "id@example.test")
    with db.transaction(write=True) as tx:
        outbox.send_sms(tx, "+15551234567", "code 12345678")
    assert outbox.waiting_for("sms:+15551234567")
