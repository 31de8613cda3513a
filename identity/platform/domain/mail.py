"""The outbox: mail and SMS queued in the database with the change that sends them.

``send_mail`` and ``send_sms`` build the message and insert it, encrypted
(a reset link is as good as a password), into the ``outbox`` table inside
the request's transaction: the link and its mail commit together or not at
all, and a request that fails or answers an error sends nothing.

Delivery is off the request path.  A serving process runs a ``MailWorker``
that the commit wakes; it takes due messages one at a time (each leased, so
several processes never send one twice), delivers them (delivery.py) and
deletes them, or on failure tries again later with a growing delay, up to
``MAX_ATTEMPTS``.  Every address therefore gets the same answer in the same
time, whether or not it has an account, and whether the SMTP server is slow,
down or fine.  Where no worker runs (the CLI, tests) the message is
delivered right after the commit instead, and stays queued if that fails.
"""

from __future__ import annotations

import base64
import logging
import threading

from cryptography.fernet import Fernet, InvalidToken

from identity.platform.domain.delivery import Delivery, DeliveryFailed
from identity.platform.domain.letters import Letter
from identity.platform.domain.secrets import derive_key, new_id
from identity.platform.store import outbox as queue
from identity.platform.store.database import Database, Transaction

log = logging.getLogger(__name__)

#: Seconds a message is leased to the process delivering it.
LEASE = 120
#: Attempts before a message is given up (about two hours with the backoff below).
MAX_ATTEMPTS = 8
#: Seconds a worker waits for a wake-up before it looks again (mail of other processes).
POLL = 5.0
#: Seconds ``stop`` waits for a delivery in progress.
STOP_TIMEOUT = 15.0


def backoff(attempts: int) -> float:
    """Seconds before the next attempt after *attempts* failed ones: 30 s, 1 min, 2 min..."""
    return min(3600.0, 30.0 * 2 ** (attempts - 1))


class Outbox:
    """Queues messages on a transaction, and delivers what is due."""

    def __init__(self, delivery: Delivery, key: str) -> None:
        self.delivery = delivery
        raw = derive_key(key, "outbox")
        self._fernet = Fernet(base64.urlsafe_b64encode(raw))
        self.db: Database | None = None
        self.worker: MailWorker | None = None

    @classmethod
    def from_settings(cls, settings) -> Outbox:
        return cls(Delivery.from_settings(settings), settings.platform_encryption_key)

    def bind(self, db: Database) -> Outbox:
        """Deliver from *db*'s outbox (the database the messages are queued in)."""
        self.db = db
        return self

    # -- queueing ----------------------------------------------------------------

    def send_mail(self, tx: Transaction, kind: str, to: str, letter: Letter) -> None:
        """Queue a mail to *to*, delivered once *tx* has committed."""
        self._queue(tx, kind, to, self.delivery.mail(to, letter).as_bytes())

    def send_sms(self, tx: Transaction, number: str, text: str) -> None:
        """Queue an SMS (an outbox file: there is no SMS provider)."""
        self._queue(tx, "sms", f"sms:{number}", self.delivery.sms(number, text).as_bytes())

    def _queue(self, tx: Transaction, kind: str, recipient: str, data: bytes) -> None:
        message_id = new_id()
        queue.insert(tx, message_id, kind, recipient, self._fernet.encrypt(data).decode("ascii"))
        tx.after_commit(lambda: self._committed(message_id))

    def _committed(self, message_id: str) -> None:
        if self.worker is not None:
            self.worker.wake()
        else:
            self.drain(message_id)

    # -- delivering ----------------------------------------------------------------

    def drain(self, message_id: str | None = None) -> int:
        """Deliver every due message (or only *message_id*); the number sent."""
        sent = 0
        while True:
            with self.db.transaction(write=True) as tx:
                found = queue.claim(tx, LEASE, message_id)
            if found is None:
                return sent
            sent += self._deliver(found)
            if message_id is not None:
                return sent

    def _deliver(self, found: queue.Queued) -> int:
        try:
            data = self._fernet.decrypt(found.message.encode("ascii"))
            self.delivery.deliver(found.kind, found.recipient, data)
        except InvalidToken:
            log.error("outbox message %s can't be read (another key?); dropped", found.id)
        except DeliveryFailed as failure:
            with self.db.transaction(write=True) as tx:
                if found.attempts >= MAX_ATTEMPTS:
                    log.error(
                        "gave up on %s message to %s after %d attempts",
                        found.kind,
                        found.recipient,
                        found.attempts,
                    )
                    queue.delete(tx, found.id)
                else:
                    queue.retry_at(tx, found.id, tx.now + backoff(found.attempts), str(failure))
            return 0
        with self.db.transaction(write=True) as tx:
            queue.delete(tx, found.id)
        return 1

    def waiting_for(self, recipient: str) -> bool:
        """Is a message to *recipient* still queued?"""
        with self.db.transaction(write=False) as tx:
            return queue.waiting_for(tx, recipient)

    def start_worker(self) -> None:
        if self.worker is None:
            self.worker = MailWorker(self)
            self.worker.start()

    def stop_worker(self) -> None:
        if self.worker is not None:
            self.worker.stop()
            self.worker = None


class MailWorker:
    """Delivers the outbox on a daemon thread: when woken by a commit, and every ``POLL`` s."""

    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox
        self._wake = threading.Event()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="outbox", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        """Stop after the delivery in progress, if any (waiting for it a while)."""
        self._stopped = True
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(STOP_TIMEOUT)

    def _run(self) -> None:
        while not self._stopped:
            self._wake.wait(POLL)
            self._wake.clear()
            try:
                self.outbox.drain()
            except Exception:
                # Fails open on purpose: the messages stay queued for the next round.
                log.exception("outbox delivery failed")
