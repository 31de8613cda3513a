"""Security events of the embedded API, on the same ``identity.audit`` log as Identity's.

A success is logged once its transaction has committed (a rollback undoes
it); a refusal at once, since an error answer commits its counters but runs
no after-commit action.  Fields are ids and outcomes, never a secret, and
never the email typed at a failed login (people type passwords there).
"""

from __future__ import annotations

from identity.logs import audit
from identity.platform.store.database import Transaction


def committed(tx: Transaction, event: str, **fields) -> None:
    tx.after_commit(lambda: audit(event, **fields))


def refused(event: str, **fields) -> None:
    audit(event, **fields)
