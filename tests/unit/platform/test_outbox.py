import email
import smtplib
import typing

import pytest

from identity.platform.errors import PlatformError
from identity.platform.outbox import Outbox


def read(folder):
    return [(p.name, email.message_from_bytes(p.read_bytes())) for p in sorted(folder.iterdir())]


def test_mail_is_written_as_one_eml_file(tmp_path):
    folder = tmp_path / "out"
    outbox = Outbox(str(folder), "Identity <id@example.test>")
    outbox.send_mail("password-reset", "a@example.test", "Reset", "link: https://x/secret")
    outbox.send_mail("invitation", "b@example.test", "Hi", "body")
    (first_name, first), (second_name, _) = read(folder)
    assert first_name.endswith("-password-reset.eml") and second_name.endswith("-invitation.eml")
    assert first_name < second_name
    assert first["From"] == "Identity <id@example.test>"
    assert first["To"] == "a@example.test"
    assert "https://x/secret" in first.get_payload(decode=True).decode()


def test_sms_is_an_outbox_file(tmp_path):
    Outbox(str(tmp_path), "id@example.test").send_sms("+15551234567", "code 12345678")
    [(name, message)] = read(tmp_path)
    assert name.endswith("-sms.eml")
    assert message["To"] == "sms:+15551234567"


def test_log_does_not_contain_the_body(tmp_path, caplog):
    caplog.set_level("INFO")
    Outbox(str(tmp_path), "id@example.test").send_mail("reset", "a@example.test", "S", "SECRET")
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


def test_smtp_url_sends_with_smtplib(tmp_path, monkeypatch):
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    FakeSMTP.sent = []
    outbox = Outbox(str(tmp_path / "out"), "id@example.test", "smtp://me:p%40ss@mail.test:2525")
    outbox.send_mail("invitation", "a@example.test", "Hi", "body")
    assert FakeSMTP.sent == [(("mail.test", 2525), ("me", "p@ss"), "a@example.test")]
    assert not (tmp_path / "out").exists()


def test_smtp_failure_is_503(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("no server")

    monkeypatch.setattr(smtplib, "SMTP", refuse)
    outbox = Outbox(str(tmp_path), "id@example.test", "smtp://mail.test")
    with pytest.raises(PlatformError) as raised:
        outbox.send_mail("invitation", "a@example.test", "Hi", "body")
    assert raised.value.status == 503
