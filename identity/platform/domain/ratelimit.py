"""Abuse limits: failed logins counted per account and per client IP.

A failed password or a wrong second-factor code is one failure, recorded
against three buckets: the (account, IP) pair, the IP, and the account.  The
IP is the last ``X-Forwarded-For`` value (the one Identity adds), else the
peer address.  Before any password is checked:

1. **(account, IP)**: 5 failures in 15 minutes -> 429 for that pair.  This
   stops guessing at one account from one place.
2. **IP**: 50 failures in 15 minutes over all accounts -> 429 for that IP.
   This stops one place from spraying many accounts.
3. **account**: 100 failures in 1 hour from all IPs -> the account only
   accepts attempts from IPs that logged in to it successfully in the last
   90 days; those still have their own per-pair limit.  This stops a
   distributed guess at one account, while the real user, at home or at
   work, is never locked out by strangers: an attacker elsewhere can only
   exhaust *their own* pair and IP buckets.

Over a limit the answer is 429 ``rate_limit`` with ``Retry-After``: the
seconds until the oldest counted failure leaves the window.  A 429 is not
itself counted, so waiting always works.  A success clears its pair's
failures and remembers the IP as known for the account.  Unknown emails are
counted like real ones (keyed by the email), so limits reveal nothing.

The same counter (``hit`` / ``enforce``) caps other guessable or costly
actions: wrong device user codes, SMS sends, reset mails.  Events live in the
``rate_events`` table, one row each, and are pruned after an hour
(housekeeping).  On PostgreSQL each bucket is locked while it is checked and
counted (``Transaction.lock``), so limits hold across processes.
"""

from __future__ import annotations

import dataclasses
import math

from identity.logs import audit
from identity.platform.domain.errors import RateLimited
from identity.platform.store import rate_events
from identity.platform.store.database import Transaction


@dataclasses.dataclass(frozen=True)
class Limit:
    count: int  # events allowed within the window
    window: int  # seconds


PAIR_LIMIT = Limit(5, 15 * 60)
IP_LIMIT = Limit(50, 15 * 60)
ACCOUNT_LIMIT = Limit(100, 60 * 60)
#: How long a successful login keeps an IP "known" for its account, seconds.
KNOWN_IP_TTL = 90 * 24 * 3600
#: Events older than this are pruned (housekeeping); no limit may have a longer window.
RETENTION = 60 * 60

LOGIN_MESSAGE = "Account reached login rate limit, please wait a few minutes before trying again."


def retry_after(tx: Transaction, bucket: str, limit: Limit, *, exact: bool = True) -> int | None:
    """Seconds until *bucket* is under *limit* again, or None when it is under it now.

    *exact* takes the bucket's lock first (``Transaction.lock``), so that on
    PostgreSQL the check and the hit that follows it are one step across
    processes; a limit on a hot path that may overshoot by a few concurrent
    requests passes False rather than serialise every request that is counted.
    """
    if exact:
        tx.lock(bucket)
    recent = rate_events.recent(tx, bucket, limit.window, limit.count)
    if len(recent) < limit.count:
        return None
    return max(1, math.ceil(recent[-1] + limit.window - tx.now))


def enforce(
    tx: Transaction,
    bucket: str,
    limit: Limit,
    message: str,
    *,
    exact: bool = True,
    event: str = "request.throttled",
) -> None:
    """Raise ``RateLimited`` (and log *event*) when *bucket* is at its limit."""
    wait = retry_after(tx, bucket, limit, exact=exact)
    if wait is not None:
        audit(event, limit=bucket.partition(":")[0])
        raise RateLimited(wait, message)


def hit(tx: Transaction, *buckets: str) -> None:
    """Count one event in each bucket."""
    rate_events.add(tx, buckets)


def _buckets(account: str, ip: str) -> tuple[str, str, str]:
    return f"login-pair:{account} {ip}", f"login-ip:{ip}", f"login-account:{account}"


def check_login(tx: Transaction, account: str, ip: str, user_id: str | None) -> None:
    """Raise ``RateLimited`` when a login attempt for *account* from *ip* must not be tried now.

    *account* is the user id, or ``email:<address>`` for an unknown email.
    """
    pair, by_ip, by_account = _buckets(account, ip)
    waits = [retry_after(tx, pair, PAIR_LIMIT), retry_after(tx, by_ip, IP_LIMIT)]
    account_wait = retry_after(tx, by_account, ACCOUNT_LIMIT)
    if account_wait is not None and not is_known_ip(tx, user_id, ip):
        waits.append(account_wait)
    waits = [w for w in waits if w is not None]
    if waits:
        audit("login.throttled", user_id=user_id)
        raise RateLimited(max(waits), LOGIN_MESSAGE)


def record_login_failure(tx: Transaction, account: str, ip: str) -> None:
    hit(tx, *_buckets(account, ip))


def record_login_success(tx: Transaction, user_id: str, ip: str) -> None:
    pair, _, _ = _buckets(user_id, ip)
    rate_events.clear(tx, pair)
    rate_events.remember_ip(tx, user_id, ip)


def is_known_ip(tx: Transaction, user_id: str | None, ip: str) -> bool:
    """Did *ip* log in to the account successfully in the last ``KNOWN_IP_TTL``?"""
    if user_id is None:
        return False
    return rate_events.is_known_ip(tx, user_id, ip, tx.now - KNOWN_IP_TTL)
