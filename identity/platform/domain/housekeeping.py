"""Keeping tables from growing without limit: expired rows are pruned in batches.

``prune(db)`` deletes bounded batches until a round finds nothing (or
``MAX_ROUNDS`` passed), each batch its own short write transaction so that
no request waits long behind it.  ``Housekeeper`` runs it every
``INTERVAL`` seconds on a daemon thread of each serving process; any number
of processes may do so at once (deleting what another just deleted is a no-op).
"""

from __future__ import annotations

import logging
import threading

from identity.platform.domain import ratelimit
from identity.platform.store import housekeeping
from identity.platform.store.database import Database

log = logging.getLogger(__name__)

INTERVAL = 300
#: Seconds ``stop`` waits for a round in progress.
STOP_TIMEOUT = 15.0
MAX_ROUNDS = 20


def prune(db: Database) -> int:
    """Prune what has expired; the number of rows deleted."""
    total = 0
    for _ in range(MAX_ROUNDS):
        with db.transaction(write=True) as tx:
            deleted = (
                housekeeping.prune_expired(tx)
                + housekeeping.prune_codes(tx)
                + housekeeping.prune_spent_login_tokens(tx)
                + housekeeping.prune_empty_authorizations(tx)
                + housekeeping.prune_rate_events(tx, ratelimit.RETENTION)
                + housekeeping.prune_known_ips(tx, ratelimit.KNOWN_IP_TTL)
            )
        total += deleted
        if not deleted:
            break
    if total:
        log.info("housekeeping pruned %d expired rows", total)
    return total


class Housekeeper:
    """Runs ``prune`` every *interval* seconds until stopped."""

    def __init__(self, db: Database, interval: float = INTERVAL) -> None:
        self.db = db
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="housekeeping", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(STOP_TIMEOUT)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                prune(self.db)
            except Exception:
                # Fails open on purpose: pruning is hygiene, and the next round retries.
                log.exception("housekeeping failed")
