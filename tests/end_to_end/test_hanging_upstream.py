"""An API that accepts connections and never answers does not take Identity down.

A real `identity serve` points at a socket server that accepts and stays
silent.  Fifty logins at once: a bounded few wait on it (the bulkhead), the
rest get the 503 page at once, `/login` and `/health` keep answering within
a second, and after repeated timeouts the breaker stops calling the API.
"""

from __future__ import annotations

import base64
import concurrent.futures
import json
import socket
import threading
import time

import pytest

from tests.end_to_end.servers import Browser, identity_serve

READ_TIMEOUT = 4
MAX_CONCURRENCY = 6
LOGINS = 50


class SilentUpstream:
    """Accepts connections, reads nothing, answers nothing; counts what it accepted."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=128)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.accepted = 0
        self.changed = threading.Condition()
        self.connections = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return  # closed by stop()
            with self.changed:
                self.connections.append(connection)
                self.accepted += 1
                self.changed.notify_all()

    def wait_for(self, count: int, timeout: float) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: self.accepted >= count, timeout)

    def stop(self):
        self.listener.close()
        for connection in self.connections:
            connection.close()


@pytest.fixture
def silent():
    upstream = SilentUpstream()
    yield upstream
    upstream.stop()


@pytest.fixture
def identity(tmp_path, silent):
    server = identity_serve(
        tmp_path,
        silent.url,
        {"id": "00000000-0000-4000-8000-000000000000", "secret": "s" * 32},
        API_READ_TIMEOUT=str(READ_TIMEOUT),
        API_MAX_CONCURRENCY=str(MAX_CONCURRENCY),
    )
    yield server
    server.stop()


def timed(action):
    started = time.monotonic()
    result = action()
    return result, time.monotonic() - started


def test_fifty_logins_against_a_silent_api(identity, silent):
    browsers = [Browser(identity.port) for _ in range(LOGINS)]
    forms = [b.request("GET", "/login")[2] for b in browsers]

    def log_in(index):
        token = forms[index].split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        form = {"email": f"p{index}@example.com", "password": "pw", "csrf_token": token}
        return timed(lambda: browsers[index].request("POST", "/login", form, timeout=60)[0])

    with concurrent.futures.ThreadPoolExecutor(LOGINS) as pool:
        logins = [pool.submit(log_in, i) for i in range(LOGINS)]
        # The bulkhead is full: only now may the test judge the other pages.
        assert silent.wait_for(MAX_CONCURRENCY, timeout=30)
        for path in ("/login", "/health"):
            (status, _, _), took = timed(lambda p=path: Browser(identity.port).request("GET", p))
            assert status == 200
            assert took < 1.0, f"{path} took {took:.2f}s"
        results = [f.result(timeout=READ_TIMEOUT + 30) for f in logins]

    assert {status for status, _ in results} == {503}
    fast = [took for _, took in results if took < READ_TIMEOUT]
    assert len(fast) >= LOGINS - MAX_CONCURRENCY
    # Never more callers waiting on the API than the bulkhead allows.
    assert silent.accepted == MAX_CONCURRENCY

    # Six timeouts in a row opened the breaker: no call reaches the API now.
    status, took = log_in(0)
    assert status == 503
    assert took < 1.0
    status, _, body = Browser(
        identity.port,
        headers={"Authorization": "Basic " + base64.b64encode(b"client:secret").decode()},
    ).request("POST", "/oauth/token", {"grant_type": "refresh_token", "refresh_token": "x"})
    assert status == 503, body
    assert json.loads(body)["error"] == "temporarily_unavailable"
    assert silent.accepted == MAX_CONCURRENCY
    assert "Traceback" not in identity.log()
