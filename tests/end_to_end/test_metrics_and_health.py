"""Metrics scraped over HTTP, and readiness against an upstream started and stopped here.

The upstream is a real Platform API (the embedded one, built from the same
settings) served on a free loopback port by a real HTTP server, so
readiness sees exactly what a remote API would: an answer, or none.
"""

from __future__ import annotations

import socket
import threading
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
import requests
import webtest
from prometheus_client.parser import text_string_to_metric_families

from identity import metrics, platform
from identity.observe import Observed
from identity.settings import load_settings


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _scrape(port: int) -> dict[tuple, float]:
    """Every sample of ``/metrics`` as {(name, sorted labels): value}."""
    text = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


@pytest.fixture(scope="module")
def metrics_port():
    port = _free_port()
    server = metrics.serve("127.0.0.1", port)
    yield port
    server.shutdown()
    server.server_close()


def test_a_scrape_after_requests_shows_the_counters_moved(world, metrics_port):
    def requests_to(route: str, status: str) -> float:
        labels = (("app", "identity"), ("method", "GET"), ("route", route), ("status", status))
        return _scrape(metrics_port).get(("identity_http_requests_total", labels), 0.0)

    def sample(name: str, **labels) -> float:
        return _scrape(metrics_port).get((name, tuple(sorted(labels.items()))), 0.0)

    before = requests_to("/login", "200"), requests_to("-", "404")
    failed = sample("identity_logins_total", app="identity", outcome="failed")

    def issued() -> float:
        return sample(
            "identity_tokens_issued_total", app="identity", grant_type="authorization_code"
        )

    issued_before = issued()
    client_calls = sample(
        "identity_upstream_calls_total", call="GET /oauth/clients/{}", status="200"
    )
    world.user()
    browser = world.browser()
    for _ in range(3):
        browser.get("/login")
    browser.get("/nowhere", status=404)
    world.log_in(browser, "user@example.com", "not the password")
    client = world.client()
    world.log_in(browser, "user@example.com")
    world.exchange(client, world.code(browser, client), status=200)

    assert (requests_to("/login", "200"), requests_to("-", "404")) == (
        before[0] + 5,  # three here and the form of each log_in
        before[1] + 1,
    )
    assert sample("identity_logins_total", app="identity", outcome="failed") == failed + 1
    assert issued() == issued_before + 1
    assert (
        sample("identity_upstream_calls_total", call="GET /oauth/clients/{}", status="200")
        > client_calls
    )
    assert (
        sample(
            "identity_http_request_duration_seconds_count",
            app="identity",
            route="/login",
            status="200",
        )
        >= 4
    )
    assert ("process_cpu_seconds_total", ()) in _scrape(metrics_port)


def test_the_breaker_gauge_shows_what_it_is_set_to(metrics_port):
    metrics.set_breaker_state("upstream", "open")
    assert (
        _scrape(metrics_port)[("identity_circuit_breaker_state", (("breaker", "upstream"),))] == 2
    )
    metrics.set_breaker_state("upstream", "closed")
    assert (
        _scrape(metrics_port)[("identity_circuit_breaker_state", (("breaker", "upstream"),))] == 0
    )


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):  # the test's output is not an access log
        pass


class Upstream:
    """A Platform API served over HTTP on *port*, that can be stopped and started again."""

    def __init__(self, app, port: int):
        self.app, self.port, self.server = app, port, None

    def start(self) -> None:
        self.server = make_server("127.0.0.1", self.port, self.app, handler_class=QuietHandler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def upstream(identity_values):
    app = platform.make_app(load_settings(identity_values, environ={}))
    served = Upstream(app, _free_port())
    served.start()
    yield served
    served.stop()
    app.close()


def test_readiness_follows_a_remote_upstream_going_away_and_coming_back(make_testapp, upstream):
    app = make_testapp(heroku_api_url=f"http://127.0.0.1:{upstream.port}")
    assert app.get("/health/ready").json == {"status": "ok"}
    upstream.stop()
    stopped = app.get("/health/ready", status=503)
    assert stopped.json == {"status": "unavailable", "upstream": None}
    assert app.get("/health/live").json == {"status": "ok"}  # live asks nothing
    assert app.get("/health").json == {"status": "ok"}
    upstream.start()
    assert app.get("/health/ready").json == {"status": "ok"}


def test_a_remote_upstream_answering_5xx_is_not_ready(make_testapp):
    def failing(environ, start_response):
        start_response("503 Service Unavailable", [("Content-Type", "application/json")])
        return [b'{"id": "unavailable", "message": "database down"}']

    served = Upstream(failing, _free_port())
    served.start()
    try:
        app = make_testapp(heroku_api_url=f"http://127.0.0.1:{served.port}")
        assert app.get("/health/ready", status=503).json["upstream"] == 503
    finally:
        served.stop()


def test_a_remote_upstream_that_never_answers_is_not_ready_after_the_timeout(make_testapp):
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # connections wait in the backlog, never answered
        port = silent.getsockname()[1]
        app = make_testapp(heroku_api_url=f"http://127.0.0.1:{port}", health_timeout="0.2")
        assert app.get("/health/ready", status=503).json["upstream"] is None


def test_embedded_readiness_is_exactly_the_embedded_apis_own_health(world):
    """Ready only when the embedded API's GET /health answers 200 (its contract)."""
    api = platform.make_app(world.settings)
    try:
        own = webtest.TestApp(api).get("/health", expect_errors=True)
    finally:
        api.close()
    ready = webtest.TestApp(world.wsgi).get("/health/ready", expect_errors=True)
    assert ready.status_int == (200 if own.status_int == 200 else 503)


@pytest.fixture
def platform_app(identity_values):
    app = platform.make_app(load_settings(identity_values, environ={}))
    yield app
    app.close()


def test_the_platform_app_can_be_observed_like_identity(platform_app, metrics_port):
    app = webtest.TestApp(Observed(platform_app, "platform"))
    labels = (("app", "platform"), ("method", "GET"), ("route", "-"), ("status", "404"))
    before = _scrape(metrics_port).get(("identity_http_requests_total", labels), 0.0)
    app.get("/no-such-resource", status=404)
    assert _scrape(metrics_port)[("identity_http_requests_total", labels)] == before + 1
