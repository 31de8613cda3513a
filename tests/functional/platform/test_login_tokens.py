"""POST /login-tokens/actions/spend: a ``/login/external`` token's ``jti`` is spent once,
remembered until its ``exp``, then pruned by housekeeping."""

from __future__ import annotations

from identity.platform.domain import housekeeping
from identity.platform.store import housekeeping as batches
from tests import sql
from tests.functional.platform.conftest import bearer

SPEND = "/login-tokens/actions/spend"


def spend(api, token: str, jti: str, expires_at: float, **options):
    body = {"jti": jti, "expires_at": int(expires_at)}
    return api.post_json(SPEND, body, headers=bearer(token), **options)


def test_a_jti_is_spent_once(api, clock, login, user):
    token = login()["access_token"]["token"]
    assert spend(api, token, "jti-1", clock() + 300).json == {"first_use": True}
    assert spend(api, token, "jti-1", clock() + 300).json == {"first_use": False}
    assert spend(api, token, "jti-2", clock() + 300).json == {"first_use": True}


def test_spending_needs_a_real_access_token(api, clock):
    answer = spend(api, "not-a-token", "jti-1", clock() + 300, status=401)
    assert 'error="invalid_token"' in answer.headers["WWW-Authenticate"]
    api.post_json(SPEND, {"jti": "jti-1", "expires_at": 1}, status=401)


def test_malformed_spends_are_invalid_params(api, clock, login, user):
    token = login()["access_token"]["token"]
    for body in ({"expires_at": 1}, {"jti": "j"}, {"jti": "j", "expires_at": "soon"}):
        answer = api.post_json(SPEND, body, headers=bearer(token), status=422)
        assert answer.json["id"] == "invalid_params"
    spend(api, token, "j" * 201, clock() + 300, status=422)


def test_a_spent_jti_is_pruned_once_expired(api, db, clock, login, user):
    token = login()["access_token"]["token"]
    spend(api, token, "old", clock() + 300)
    housekeeping.prune(db)
    assert sql.read(db, "SELECT count(*) FROM spent_login_tokens") == 1
    clock.advance(300 + batches.MARGIN + 1)
    housekeeping.prune(db)
    assert sql.read(db, "SELECT count(*) FROM spent_login_tokens") == 0
