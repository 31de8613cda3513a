"""``Transaction.after_commit``: work that must not hold the write lock."""

import threading

import pytest

from identity.platform.store.database import Database
from tests import sql


def test_actions_run_in_order_after_the_commit_outside_the_lock(db: Database):
    ran = []

    def other_writer():
        # Another thread (another connection) can take the write lock and
        # sees the committed row: the lock is released before the action.
        def write():
            with db.transaction(write=True) as tx:
                ran.append(sql.value(tx, "SELECT count(*) FROM rate_events WHERE bucket = 'b'"))

        thread = threading.Thread(target=write)
        thread.start()
        thread.join(5)
        assert not thread.is_alive()

    with db.transaction(write=True) as tx:
        sql.execute(tx, "INSERT INTO rate_events (bucket, at) VALUES ('b', 1)")
        tx.after_commit(lambda: ran.append("first"))
        tx.after_commit(other_writer)
        assert ran == []
    assert ran == ["first", 1]


def test_a_rollback_runs_no_action(db: Database):
    ran = []
    with pytest.raises(RuntimeError), db.transaction(write=True) as tx:
        tx.after_commit(lambda: ran.append("sent"))
        raise RuntimeError("failed")
    assert ran == []


def test_discarded_actions_do_not_run_but_the_writes_commit(db: Database):
    ran = []
    with db.transaction(write=True) as tx:
        sql.execute(tx, "INSERT INTO rate_events (bucket, at) VALUES ('b', 1)")
        tx.after_commit(lambda: ran.append("sent"))
        tx.discard_after_commit()
    assert ran == []
    with db.transaction(write=False) as tx:
        assert sql.value(tx, "SELECT count(*) FROM rate_events") == 1


def test_an_action_error_propagates_after_the_commit_and_the_other_actions(db: Database):
    ran = []

    def fail(message):
        raise ValueError(message)

    with pytest.raises(ValueError, match="first"), db.transaction(write=True) as tx:
        sql.execute(tx, "INSERT INTO rate_events (bucket, at) VALUES ('b', 1)")
        tx.after_commit(lambda: fail("first"))
        tx.after_commit(lambda: ran.append("second"))
        tx.after_commit(lambda: fail("third"))
    assert ran == ["second"]
    with db.transaction(write=False) as tx:
        assert sql.value(tx, "SELECT count(*) FROM rate_events") == 1
