"""Outgoing mail and SMS: one ``.eml`` file per message, or SMTP when configured.

Password-reset, email-change and invitation mails, and SMS recovery codes,
are built as ``email.message.EmailMessage`` with ``From: mail_from``.
Without ``smtp_url`` each is written to ``outbox_dir`` as
``<UTC time>-<uuid>-<kind>.eml``, so a listing sorts by time.  With
``smtp_url`` (``smtp://user:pass@host:port``, ``smtps://`` for TLS from the
start; ``smtp://`` upgrades with STARTTLS when the server offers it) mail is
sent with stdlib ``smtplib``.

There is no SMS provider: an SMS is an outbox file addressed to
``sms:<number>`` (never sent by SMTP), for an operator or a test to read.

Sending never holds the database's write lock: ``send_mail`` and
``send_sms`` build the message at once but only queue its delivery on the
request's transaction (``Transaction.after_commit``), so it happens after the
``COMMIT``, and not at all when the transaction rolls back or the request
answers an error (api/app.py).  A delivery that fails with an SMTP or OS error
is logged and raised as ``503 unavailable``; the committed link or code
stays, unreceived (harmless: the person asks again).

Every message sent is logged by kind and recipient, never with its body,
which holds the secret link or code.
"""

from __future__ import annotations

import datetime
import email.message
import email.utils
import logging
import os
import smtplib
import ssl
import urllib.parse
import uuid

from identity.platform.domain.errors import Unavailable
from identity.platform.store.database import Transaction

log = logging.getLogger(__name__)

#: Seconds to wait for the SMTP server.
SMTP_TIMEOUT = 10


class Outbox:
    """Delivers messages to the outbox folder, or by SMTP when *smtp_url* is set."""

    def __init__(self, outbox_dir: str, mail_from: str, smtp_url: str = "") -> None:
        self.outbox_dir = outbox_dir
        self.mail_from = mail_from
        self.smtp_url = smtp_url

    @classmethod
    def from_settings(cls, settings) -> Outbox:
        return cls(settings.outbox_dir, settings.mail_from, settings.smtp_url)

    def send_mail(self, tx: Transaction, kind: str, to: str, subject: str, body: str) -> None:
        """Mail *body* to *to* once *tx* has committed (by SMTP or as an outbox file)."""
        message = self._message(to, subject, body)
        tx.after_commit(lambda: self._deliver(kind, message, smtp=bool(self.smtp_url)))

    def send_sms(self, tx: Transaction, number: str, text: str) -> None:
        """Put an SMS to *number* in the outbox once *tx* has committed."""
        # compat32 Message: the modern policy would parse "sms:+1555..." as an
        # address group and rewrite it.
        message = email.message.Message()
        self._address(message, f"sms:{number}", "SMS")
        message.set_payload(text, "utf-8")
        tx.after_commit(lambda: self._deliver("sms", message, smtp=False))

    def _deliver(self, kind: str, message: email.message.Message, *, smtp: bool) -> None:
        """Send *message* now; an SMTP or OS error is logged (never the body) and is a 503."""
        to = message["To"]
        try:
            if smtp:
                self._send_smtp(message)
            else:
                self._write(kind, message)
        except (OSError, smtplib.SMTPException) as exc:
            log.error("could not send %s message to %s: %s", kind, to, exc)
            raise Unavailable("The message could not be sent; please try again.") from None
        log.info("sent %s message to %s", kind, to)

    def _message(self, to: str, subject: str, body: str) -> email.message.EmailMessage:
        message = email.message.EmailMessage()
        self._address(message, to, subject)
        message.set_content(body)
        return message

    def _address(self, message: email.message.Message, to: str, subject: str) -> None:
        message["From"] = self.mail_from
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = email.utils.formatdate(localtime=False)
        message["Message-ID"] = email.utils.make_msgid(domain="identity.invalid")

    def _write(self, kind: str, message: email.message.Message) -> str:
        os.makedirs(self.outbox_dir, exist_ok=True)
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S%f")
        path = os.path.join(self.outbox_dir, f"{stamp}-{uuid.uuid4()}-{kind}.eml")
        # Write then rename, so a reader never sees half a message.
        partial = path + ".part"
        with open(partial, "wb") as file:
            file.write(message.as_bytes())
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
