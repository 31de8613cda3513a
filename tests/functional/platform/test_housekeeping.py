"""Housekeeping: what has expired is pruned, in bounded batches; what is live stays."""

from __future__ import annotations

from identity.platform.domain import housekeeping
from identity.platform.store import housekeeping as batches
from tests import sql
from tests.functional.platform.conftest import basic, bearer
from tests.functional.platform.test_tokens import exchange, grant_code

DAY = 24 * 3600


def counts(db) -> dict[str, int]:
    tables = ("sessions", "authorizations", "tokens", "grants", "rate_events", "password_resets")
    return {table: sql.read(db, f"SELECT count(*) FROM {table}") for table in tables}


def test_expired_logins_go_with_everything_issued_under_them(
    api, db, clock, settings, login, user, third_party
):
    me = login()
    exchange(api, grant_code(api, me, third_party), {"secret": third_party["secret"]})
    api.post_json("/password-resets", {"email": user["email"]})
    api.get("/account", headers=basic(user["email"], "wrong password"), status=401)
    before = counts(db)
    assert housekeeping.prune(db) == 0  # nothing has expired yet
    assert counts(db) == before

    clock.advance(settings.session_expires_in + batches.MARGIN + 1)
    assert housekeeping.prune(db) > 0
    assert counts(db) == {
        "sessions": 0,
        "authorizations": 0,
        "tokens": 0,
        "grants": 0,
        "rate_events": 0,
        "password_resets": 0,
    }


def test_a_live_login_survives_pruning(api, db, clock, login, user):
    clock.advance(2 * DAY)
    me = login()  # made now, lives for the session's lifetime
    housekeeping.prune(db)
    api.get("/account", headers=bearer(me["access_token"]["token"]))


def test_pruning_runs_in_bounded_batches(db, clock, monkeypatch):
    monkeypatch.setattr(batches, "BATCH", 3)
    with db.transaction(write=True) as tx:
        for n in range(10):
            sql.execute(
                tx, "INSERT INTO rate_events (bucket, at) VALUES (:b, :at)", b=f"b{n}", at=n
            )
    clock.advance(2 * DAY)
    with db.transaction(write=True) as tx:
        assert batches.prune_rate_events(tx, 60) == 3
    assert housekeeping.prune(db) == 7
    assert sql.read(db, "SELECT count(*) FROM rate_events") == 0
