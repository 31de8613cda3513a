"""RFC 9700 §4.14.2: refresh token rotation with reuse detection, for public clients.

Rotation happens in the embedded API; these tests look at it through
Identity's token endpoint, as a client does.
"""

from __future__ import annotations

import threading
import time

import pytest
import webtest

from tests.conftest import World
from tests.functional.oauth.conftest import assert_oauth_error


def refresh(world, client, token, app=None):
    params = {"grant_type": "refresh_token", "refresh_token": token, **world.credentials(client)}
    return (app or world.client_app).post("/oauth/token", params, status="*")


@pytest.fixture
def native(world):
    return world.client("http://127.0.0.1/callback", public=True)


class TestPublicClients:
    def test_each_refresh_rotates_the_refresh_token(self, world, native):
        first = world.tokens(native)
        second = refresh(world, native, first["refresh_token"]).json
        third = refresh(world, native, second["refresh_token"]).json
        assert len({first["refresh_token"], second["refresh_token"], third["refresh_token"]}) == 3

    def test_a_retry_within_the_grace_window_gets_the_same_successor(self, world, native):
        first = world.tokens(native)
        a = refresh(world, native, first["refresh_token"]).json
        b = refresh(world, native, first["refresh_token"]).json
        assert (a["access_token"], a["refresh_token"]) == (b["access_token"], b["refresh_token"])

    def test_reuse_after_the_grace_window_revokes_the_whole_family(self, identity_values):
        world = World({**identity_values, "refresh_reuse_grace": "1"})
        try:
            native = world.client("http://127.0.0.1/callback", public=True)
            first = world.tokens(native)
            successor = refresh(world, native, first["refresh_token"]).json
            time.sleep(1.2)
            reused = refresh(world, native, first["refresh_token"])
            assert_oauth_error(reused, "invalid_grant")
            # The thief's or the victim's successor: either way, it is gone too.
            assert_oauth_error(refresh(world, native, successor["refresh_token"]), "invalid_grant")
        finally:
            world.close()

    def test_s5_2_a_revoked_refresh_token_is_invalid_grant(self, world, native):
        first = world.tokens(native)
        world.client_app.post(
            "/oauth/revoke", {"token": first["refresh_token"], **world.credentials(native)}
        )
        assert_oauth_error(refresh(world, native, first["refresh_token"]), "invalid_grant")


class TestConfidentialClients:
    def test_heroku_long_lived_refresh_tokens_are_kept(self, world):
        client = world.client()
        first = world.tokens(client)
        again = refresh(world, client, first["refresh_token"]).json
        assert again["refresh_token"] == first["refresh_token"]
        assert again["access_token"] != first["access_token"]


def test_parallel_refreshes_share_one_successor_and_never_500(world, native):
    first = world.tokens(native)
    barrier = threading.Barrier(10)
    results = []

    def run():
        app = webtest.TestApp(world.wsgi)
        barrier.wait()
        results.append(refresh(world, native, first["refresh_token"], app=app))

    threads = [threading.Thread(target=run) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r.status_int for r in results] == [200] * 10, [r.status for r in results]
    successors = {r.json["refresh_token"] for r in results if r.status_int == 200}
    assert len(successors) == 1
    (successor,) = successors
    # Exactly one live family: the original still yields only that successor,
    # and the successor goes on rotating.
    assert refresh(world, native, first["refresh_token"]).json["refresh_token"] == successor
    assert refresh(world, native, successor).status_int == 200
