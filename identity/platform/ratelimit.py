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
``rate_events`` table, one row each, and are pruned after an hour.
"""

from __future__ import annotations

import dataclasses
import math

from identity.platform.db import Transaction
from identity.platform.errors import rate_limited


@dataclasses.dataclass(frozen=True)
class Limit:
    count: int  # events allowed within the window
    window: int  # seconds


PAIR_LIMIT = Limit(5, 15 * 60)
IP_LIMIT = Limit(50, 15 * 60)
ACCOUNT_LIMIT = Limit(100, 60 * 60)
#: How long a successful login keeps an IP "known" for its account, seconds.
KNOWN_IP_TTL = 90 * 24 * 3600
#: Events older than this are deleted; no limit may have a longer window.
RETENTION = 60 * 60

LOGIN_MESSAGE = "Account reached login rate limit, please wait a few minutes before trying again."


def retry_after(tx: Transaction, bucket: str, limit: Limit) -> int | None:
    """Seconds until *bucket* is under *limit* again, or None when it is under it now."""
    recent = tx.all(
        "SELECT at FROM rate_events WHERE bucket = ? AND at > ? ORDER BY at DESC LIMIT ?",
        (bucket, tx.now - limit.window, limit.count),
    )
    if len(recent) < limit.count:
        return None
    return max(1, math.ceil(recent[-1]["at"] + limit.window - tx.now))


def enforce(tx: Transaction, bucket: str, limit: Limit, message: str) -> None:
    """Raise 429 when *bucket* is at its limit."""
    wait = retry_after(tx, bucket, limit)
    if wait is not None:
        raise rate_limited(wait, message)


def hit(tx: Transaction, *buckets: str) -> None:
    """Count one event in each bucket (and forget events past retention)."""
    tx.execute("DELETE FROM rate_events WHERE at < ?", (tx.now - RETENTION,))
    tx.conn.executemany(
        "INSERT INTO rate_events (bucket, at) VALUES (?, ?)", [(b, tx.now) for b in buckets]
    )


def _buckets(account: str, ip: str) -> tuple[str, str, str]:
    return f"login-pair:{account} {ip}", f"login-ip:{ip}", f"login-account:{account}"


def check_login(tx: Transaction, account: str, ip: str, user_id: str | None) -> None:
    """Raise 429 when a login attempt for *account* from *ip* must not be tried now.

    *account* is the user id, or ``email:<address>`` for an unknown email.
    """
    pair, by_ip, by_account = _buckets(account, ip)
    waits = [retry_after(tx, pair, PAIR_LIMIT), retry_after(tx, by_ip, IP_LIMIT)]
    account_wait = retry_after(tx, by_account, ACCOUNT_LIMIT)
    if account_wait is not None and not _is_known_ip(tx, user_id, ip):
        waits.append(account_wait)
    waits = [w for w in waits if w is not None]
    if waits:
        raise rate_limited(max(waits), LOGIN_MESSAGE)


def record_login_failure(tx: Transaction, account: str, ip: str) -> None:
    hit(tx, *_buckets(account, ip))


def record_login_success(tx: Transaction, user_id: str, ip: str) -> None:
    pair, _, _ = _buckets(user_id, ip)
    tx.execute("DELETE FROM rate_events WHERE bucket = ?", (pair,))
    tx.execute(
        "INSERT INTO known_ips (user_id, ip, last_success_at) VALUES (?, ?, ?)"
        " ON CONFLICT (user_id, ip) DO UPDATE SET last_success_at = excluded.last_success_at",
        (user_id, ip, tx.now),
    )


def _is_known_ip(tx: Transaction, user_id: str | None, ip: str) -> bool:
    if user_id is None:
        return False
    return (
        tx.one(
            "SELECT 1 FROM known_ips WHERE user_id = ? AND ip = ? AND last_success_at > ?",
            (user_id, ip, tx.now - KNOWN_IP_TTL),
        )
        is not None
    )
