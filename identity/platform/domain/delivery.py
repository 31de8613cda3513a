"""Building and delivering one message: an ``.eml`` file in the outbox folder, or SMTP.

Mail (a ``Letter``: a text and an HTML part, letters.py) and SMS recovery
codes are built as ``email.message`` objects with ``From: mail_from``.  The
bodies are 8bit, never quoted-printable, so a link stays whole on one line
of the ``.eml`` file and of the SMTP message.  Without
``smtp_url`` each is written to ``outbox_dir`` as
``<UTC time>-<uuid>-<kind>.eml``, so a listing sorts by time.  With
``smtp_url`` (``smtp://user:pass@host:port``, ``smtps://`` for TLS from the
start; ``smtp://`` upgrades with STARTTLS when the server offers it) mail is
sent with stdlib ``smtplib``.  There is no SMS provider: an SMS is an outbox
file addressed to ``sms:<number>`` (never sent by SMTP).

What to deliver and when is the outbox's business (mail.py); a delivery
that fails raises ``DeliveryFailed``, logged without the message, whose body
holds a secret link or code.
"""

from __future__ import annotations

import datetime
import email.message
import email.policy
import email.utils
import logging
import os
import smtplib
import ssl
import urllib.parse
import uuid

from identity.platform.domain.letters import Letter

log = logging.getLogger(__name__)

#: Seconds to wait for the SMTP server.
SMTP_TIMEOUT = 10


class DeliveryFailed(Exception):
    """The SMTP server or the outbox folder refused the message."""


class Delivery:
    """Builds messages, and hands one to the outbox folder or, with *smtp_url*, to SMTP."""

    def __init__(self, outbox_dir: str, mail_from: str, smtp_url: str = "") -> None:
        self.outbox_dir = outbox_dir
        self.mail_from = mail_from
        self.smtp_url = smtp_url

    @classmethod
    def from_settings(cls, settings) -> Delivery:
        return cls(settings.outbox_dir, settings.mail_from, settings.smtp_url)

    def mail(self, to: str, letter: Letter) -> email.message.Message:
        message = email.message.EmailMessage()
        self._address(message, to, letter.subject)
        message.set_content(letter.text, cte="8bit")
        message.add_alternative(letter.html, subtype="html", cte="8bit")
        return message

    def sms(self, number: str, text: str) -> email.message.Message:
        # compat32 Message: the modern policy would parse "sms:+1555..." as an
        # address group and rewrite it.
        message = email.message.Message()
        self._address(message, f"sms:{number}", "SMS")
        message.set_payload(text, "utf-8")
        return message

    def deliver(self, kind: str, recipient: str, data: bytes) -> None:
        """Send the message *data* now; ``DeliveryFailed`` (logged, never the body) if refused."""
        try:
            if self.smtp_url and kind != "sms":
                self._send_smtp(email.message_from_bytes(data, policy=email.policy.default))
            else:
                self._write(kind, data)
        except (OSError, ValueError, smtplib.SMTPException) as exc:
            log.error("could not send %s message to %s: %s", kind, recipient, exc)
            raise DeliveryFailed(str(exc)) from None
        log.info("sent %s message to %s", kind, recipient)

    def _address(self, message: email.message.Message, to: str, subject: str) -> None:
        message["From"] = self.mail_from
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = email.utils.formatdate(localtime=False)
        message["Message-ID"] = email.utils.make_msgid(domain="identity.invalid")

    def _write(self, kind: str, data: bytes) -> str:
        os.makedirs(self.outbox_dir, exist_ok=True)
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S%f")
        path = os.path.join(self.outbox_dir, f"{stamp}-{uuid.uuid4()}-{kind}.eml")
        # Write then rename, so a reader never sees half a message.
        partial = path + ".part"
        with open(partial, "wb") as file:
            file.write(data)
        os.replace(partial, path)
        return path

    def _send_smtp(self, message: email.message.Message) -> None:
        url = urllib.parse.urlsplit(self.smtp_url)
        context = ssl.create_default_context()
        if url.scheme == "smtps":
            client = smtplib.SMTP_SSL(
                url.hostname, url.port or 465, timeout=SMTP_TIMEOUT, context=context
            )
        elif url.scheme == "smtp":
            client = smtplib.SMTP(url.hostname, url.port or 25, timeout=SMTP_TIMEOUT)
        else:
            raise ValueError(f"SMTP_URL must be smtp:// or smtps://, not {url.scheme}://")
        with client:
            if url.scheme == "smtp":
                client.ehlo()
                if client.has_extn("starttls"):
                    client.starttls(context=context)
            if url.username:
                client.login(
                    urllib.parse.unquote(url.username), urllib.parse.unquote(url.password or "")
                )
            client.send_message(message)
