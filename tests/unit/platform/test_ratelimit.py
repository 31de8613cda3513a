import pytest

from identity.platform.domain import ratelimit
from identity.platform.domain.errors import RateLimited
from identity.platform.store import housekeeping, users
from tests import sql


def test_pair_limit_and_retry_after(tx):
    for _ in range(5):
        ratelimit.record_login_failure(tx, "u1", "1.1.1.1")
        tx.now += 60
    with pytest.raises(RateLimited) as raised:
        ratelimit.check_login(tx, "u1", "1.1.1.1", "u1")
    # The oldest failure is 300 s old; it leaves the 900 s window in 600 s.
    assert raised.value.retry_after == 600
    ratelimit.check_login(tx, "u1", "2.2.2.2", "u1")
    tx.now += 600
    ratelimit.check_login(tx, "u1", "1.1.1.1", "u1")


def test_success_clears_the_pair(tx):
    for _ in range(5):
        ratelimit.record_login_failure(tx, "u1", "1.1.1.1")
    users.insert(tx, "u1", "a@b.c", None, None)
    ratelimit.record_login_success(tx, "u1", "1.1.1.1")
    ratelimit.check_login(tx, "u1", "1.1.1.1", "u1")


def test_account_lockdown_spares_known_ips(tx):
    users.insert(tx, "u1", "a@b.c", None, None)
    ratelimit.record_login_success(tx, "u1", "9.9.9.9")
    for n in range(100):
        ratelimit.record_login_failure(tx, "u1", f"10.0.{n // 200}.{n % 200}")
    ratelimit.check_login(tx, "u1", "9.9.9.9", "u1")
    with pytest.raises(RateLimited):
        ratelimit.check_login(tx, "u1", "8.8.8.8", "u1")


def test_old_events_are_pruned(tx):
    ratelimit.hit(tx, "b")
    tx.now += ratelimit.RETENTION + 1
    ratelimit.hit(tx, "b")
    assert housekeeping.prune_rate_events(tx, ratelimit.RETENTION) == 1
    assert sql.value(tx, "SELECT count(*) FROM rate_events") == 1


def test_generic_enforce(tx):
    limit = ratelimit.Limit(2, 60)
    ratelimit.hit(tx, "x")
    ratelimit.enforce(tx, "x", limit, "slow")
    ratelimit.hit(tx, "x")
    with pytest.raises(RateLimited) as raised:
        ratelimit.enforce(tx, "x", limit, "slow")
    assert raised.value.message == "slow"
