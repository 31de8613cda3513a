"""Waitress's limits as `identity serve` sets them: a body over 64 KB is a 413,
headers over 32 KB a 431, before Identity parses anything; the environment
overrides both."""

from __future__ import annotations

import http.client

import pytest

from tests.end_to_end.servers import CONFIG, Server, base_env, free_port


@pytest.fixture(scope="module")
def identity(tmp_path_factory):
    folder = tmp_path_factory.mktemp("limits")
    port = free_port()
    env = base_env(
        folder,
        PORT=str(port),
        IDENTITY_URL=f"http://127.0.0.1:{port}",
        MAX_REQUEST_HEADER_SIZE="20000",
    )
    server = Server(["serve", CONFIG], env, port, folder / "identity.log")
    yield server
    server.stop()


def send(port: int, method: str, path: str, body: bytes | None = None, headers=None) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        return connection.getresponse().status
    finally:
        connection.close()


def test_a_200_kb_token_request_is_413(identity):
    body = b"grant_type=refresh_token&refresh_token=" + b"a" * 200_000
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    assert send(identity.port, "POST", "/oauth/token", body, headers) == 413


def test_an_honest_token_request_is_read(identity):
    body = b"grant_type=refresh_token&refresh_token=abc&client_id=x"
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    assert send(identity.port, "POST", "/oauth/token", body, headers) in (400, 401)


def test_headers_over_the_configured_limit_are_431(identity):
    assert send(identity.port, "GET", "/login", headers={"X-Padding": "a" * 25_000}) == 431
    assert send(identity.port, "GET", "/login", headers={"X-Padding": "a" * 5_000}) == 200
