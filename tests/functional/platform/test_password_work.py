"""Password hashing happens before the write lock, and the answers stay exact.

The app's hasher here can be held inside a verify (a gate the test opens),
which stands for the ~70 ms of a real Argon2id check, and counts its calls.
"""

import threading

import pytest
import webob

from identity.platform.domain.passwords import PasswordHasher
from tests import sql
from tests.functional.platform.conftest import CHEAP_HASHER, PASSWORD, basic, bearer, login_body
from tests.functional.platform.test_tokens import exchange, grant_code, refresh

#: Generous: only reached when something is blocked (the busy timeout is 10 s).
TIMEOUT = 5
NEW_PASSWORD = "a quite different passphrase"


class GatedHasher(PasswordHasher):
    """CHEAP_HASHER's cost; counts calls; ``close()`` holds every verify at the gate."""

    def __init__(self) -> None:
        super().__init__(memory_cost=8, iterations=1, lanes=1)
        self.verifies = 0
        self.hashes = 0
        self.inside = threading.Event()
        self.gate = threading.Event()
        self.gate.set()
        #: Run (once) inside the next verify, before it checks.
        self.during_verify = None

    def close(self) -> None:
        self.gate.clear()
        self.inside.clear()

    def verify(self, password: str, stored: str | None) -> bool:
        self.verifies += 1
        self.inside.set()
        assert self.gate.wait(TIMEOUT)
        action, self.during_verify = self.during_verify, None
        if action is not None:
            action()
        return super().verify(password, stored)

    def hash(self, password: str) -> str:
        self.hashes += 1
        return super().hash(password)


@pytest.fixture
def hasher() -> GatedHasher:
    return GatedHasher()


def in_thread(action) -> threading.Thread:
    thread = threading.Thread(target=action)
    thread.start()
    return thread


def login_request(identity_client, password: str = PASSWORD) -> webob.Request:
    request = webob.Request.blank("/oauth/authorizations", method="POST")
    request.json = login_body(identity_client["id"])
    request.headers.update(basic("alice@example.test", password))
    return request


def test_token_exchange_is_not_blocked_behind_a_login(
    api, platform_app, hasher, login, user, identity_client, third_party
):
    me = login()
    secret = {"secret": third_party["secret"]}
    refresh_token = exchange(api, grant_code(api, me, third_party), secret).json["refresh_token"]
    code = grant_code(api, me, third_party)

    hasher.close()
    login_statuses = []
    login_thread = in_thread(
        lambda: login_statuses.append(
            login_request(identity_client).get_response(platform_app).status_int
        )
    )
    try:
        assert hasher.inside.wait(TIMEOUT)
        # The login is inside its password check now.  Writes must still go through.
        exchange_statuses = []
        exchanges = in_thread(
            lambda: exchange_statuses.extend(
                [
                    exchange(api, code, secret).status_int,
                    refresh(api, refresh_token["token"], secret).status_int,
                ]
            )
        )
        exchanges.join(TIMEOUT)
        finished_first = not exchanges.is_alive()
    finally:
        hasher.gate.set()
    login_thread.join()
    exchanges.join()
    assert finished_first, "the token exchange waited for the login's hashing"
    assert exchange_statuses == [201, 201]
    assert login_statuses == [201]


def test_password_changed_while_verifying_is_checked_again(api, db, hasher, user, identity_client):
    def change_password():
        # Another request's password change commits between the two phases.
        def write():
            with db.transaction(write=True) as tx:
                sql.execute(
                    tx,
                    "UPDATE users SET password_hash = :hash WHERE id = :id",
                    hash=CHEAP_HASHER.hash(NEW_PASSWORD),
                    id=user["id"],
                )

        in_thread(write).join()

    hasher.during_verify = change_password
    api.post_json(
        "/oauth/authorizations",
        login_body(identity_client["id"]),
        headers=basic("alice@example.test", PASSWORD),
        status=401,
    )
    assert hasher.verifies == 2  # once ahead of the lock, once more against the new hash
    api.post_json(
        "/oauth/authorizations",
        login_body(identity_client["id"]),
        headers=basic("alice@example.test", NEW_PASSWORD),
        status=201,
    )


def test_login_verifies_once(api, hasher, login, user):
    login()
    assert hasher.verifies == 1


def test_over_the_limit_no_hashing_and_failures_still_count(api, hasher, user, identity_client):
    for _ in range(5):
        api.post_json(
            "/oauth/authorizations",
            login_body(identity_client["id"]),
            headers=basic("alice@example.test", "wrong password"),
            status=401,
        )
    assert hasher.verifies == 5
    api.post_json(
        "/oauth/authorizations",
        login_body(identity_client["id"]),
        headers=basic("alice@example.test", PASSWORD),
        status=429,
    )
    assert hasher.verifies == 5


def test_parallel_failures_are_limited_exactly(platform_app, hasher, user, identity_client):
    """Attempts that all passed the limit ahead of the lock are judged again under it."""
    hasher.close()
    statuses = []
    threads = [
        in_thread(
            lambda: statuses.append(
                login_request(identity_client, "wrong password")
                .get_response(platform_app)
                .status_int
            )
        )
        for _ in range(8)
    ]
    hasher.gate.set()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [401] * 5 + [429] * 3


def test_account_password_change_hashes_once(api, hasher, login, user):
    token = login()["access_token"]["token"]
    hashes = hasher.hashes
    api.patch_json(
        "/account", {"password": PASSWORD, "new_password": NEW_PASSWORD}, headers=bearer(token)
    )
    assert hasher.hashes == hashes + 1
    api.patch_json(
        "/account",
        {"password": PASSWORD, "new_password": "yet another passphrase"},
        headers=bearer(token),
        status=401,
    )


def test_reset_finalize_hashes_once_and_sets_the_password(api, hasher, user, outbox, login):
    api.post_json("/password-resets", {"email": "alice@example.test"})
    token = outbox.last_body().split("/account/password/reset/")[1].split()[0]
    hashes = hasher.hashes
    body = {"password": NEW_PASSWORD, "password_confirmation": NEW_PASSWORD}
    api.post_json(f"/password-resets/{token}/actions/finalize", body)
    assert hasher.hashes == hashes + 1
    login(password=NEW_PASSWORD)
    api.post_json(f"/password-resets/{token}/actions/finalize", body, status=404)
