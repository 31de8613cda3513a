"""Prometheus metrics, served on their own port (``METRICS_PORT``, off by default).

One registry for the whole process: in embedded mode Identity and the
Platform API run in one process, and their request metrics differ by the
``app`` label, not by registry.  Metric objects are made once, here, because
Prometheus metrics are process-wide by nature; building an app twice (as the
tests do) only adds to the same series.

Labels are bounded sets: route *patterns* (never raw paths, which carry
secrets and are unbounded), call templates, status codes, grant types.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator, Mapping
from typing import Any

from prometheus_client import (
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    start_http_server,
)

REGISTRY = CollectorRegistry()
for _collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
    REGISTRY.register(_collector)

HTTP_REQUESTS = Counter(
    "identity_http_requests",
    "HTTP requests served, by app, method, route pattern and status.",
    ["app", "method", "route", "status"],
    registry=REGISTRY,
)
HTTP_SECONDS = Histogram(
    "identity_http_request_duration_seconds",
    "Time to answer an HTTP request, by app, route pattern and status.",
    ["app", "route", "status"],
    registry=REGISTRY,
)
UPSTREAM_CALLS = Counter(
    "identity_upstream_calls",
    "Calls to the Platform API, by call and status ('error' when nothing answered).",
    ["call", "status"],
    registry=REGISTRY,
)
UPSTREAM_SECONDS = Histogram(
    "identity_upstream_call_duration_seconds",
    "Time of a call to the Platform API, by call.",
    ["call"],
    registry=REGISTRY,
)
UPSTREAM_ERRORS = Counter(
    "identity_upstream_errors",
    "Failed calls to the Platform API: no answer (the exception's name) or a 5xx.",
    ["call", "kind"],
    registry=REGISTRY,
)
LOGINS = Counter(
    "identity_logins",
    "Login attempts by app and outcome (succeeded, failed, throttled).",
    ["app", "outcome"],
    registry=REGISTRY,
)
TOKENS_ISSUED = Counter(
    "identity_tokens_issued",
    "Tokens issued, by app and grant type.",
    ["app", "grant_type"],
    registry=REGISTRY,
)
RATE_LIMIT_HITS = Counter(
    "identity_rate_limit_hits",
    "Requests refused by a rate limit, by app and limit (login, two_factor, password_reset).",
    ["app", "limit"],
    registry=REGISTRY,
)
SECURITY_EVENTS = Counter(
    "identity_security_events",
    "Security events (the audit log's event field), by app.",
    ["app", "event"],
    registry=REGISTRY,
)
CIRCUIT_BREAKER_STATE = Gauge(
    "identity_circuit_breaker_state",
    "State of a circuit breaker: 0 closed, 1 half-open, 2 open.",
    ["breaker"],
    registry=REGISTRY,
)
#: For the storage layer to observe (``database_time``): the Platform API's database time.
PLATFORM_DB_SECONDS = Histogram(
    "identity_platform_database_duration_seconds",
    "Time the Platform API spent in its database, by operation.",
    ["operation"],
    registry=REGISTRY,
)

BREAKER_STATES = {"closed": 0, "half-open": 1, "half_open": 1, "open": 2}


def set_breaker_state(breaker: str, state: str) -> None:
    """Record that circuit breaker *breaker* is now *state* (pybreaker's state names)."""
    CIRCUIT_BREAKER_STATE.labels(breaker).set(BREAKER_STATES[state])


def count_event(app: str, event: str, fields: Mapping[str, Any]) -> None:
    """The metrics a security event of *app* moves (called by ``identity.logs.audit``).

    By app, because in embedded mode both apps run in one process and may
    each see the same login (Identity's form, then the API's password check).
    """
    SECURITY_EVENTS.labels(app, event).inc()
    family, _, outcome = event.partition(".")
    if outcome == "throttled":
        # The event's family names the limit: login, two_factor, password_reset.
        RATE_LIMIT_HITS.labels(app, family).inc()
    if family == "login":
        LOGINS.labels(app, outcome).inc()
    elif event == "token.issued":
        TOKENS_ISSUED.labels(app, str(fields.get("grant_type", "unknown"))).inc()


class _UpstreamCall:
    status: int | None = None


@contextlib.contextmanager
def upstream_call(call: str) -> Iterator[_UpstreamCall]:
    """Time one upstream call; set ``.status`` to the answer's status inside the block."""
    observed = _UpstreamCall()
    started = time.perf_counter()
    try:
        yield observed
    except Exception as exc:
        UPSTREAM_CALLS.labels(call, "error").inc()
        UPSTREAM_ERRORS.labels(call, type(exc).__name__).inc()
        raise
    finally:
        UPSTREAM_SECONDS.labels(call).observe(time.perf_counter() - started)
    status = observed.status or 0
    UPSTREAM_CALLS.labels(call, str(status)).inc()
    if status >= 500:
        UPSTREAM_ERRORS.labels(call, "5xx").inc()


@contextlib.contextmanager
def database_time(operation: str) -> Iterator[None]:
    """Observe the time of the block in ``PLATFORM_DB_SECONDS`` (e.g. "read", "write")."""
    started = time.perf_counter()
    try:
        yield
    finally:
        PLATFORM_DB_SECONDS.labels(operation).observe(time.perf_counter() - started)


#: Methods counted by name; anything else a client invents is "other" (bounded labels).
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def observe_request(app: str, method: str, route: str, status: int, seconds: float) -> None:
    method = method if method in METHODS else "other"
    HTTP_REQUESTS.labels(app, method, route, str(status)).inc()
    HTTP_SECONDS.labels(app, route, str(status)).observe(seconds)


def serve(host: str, port: int):
    """Serve ``/metrics`` on *host*:*port* in a daemon thread; returns the server."""
    server, _thread = start_http_server(port, addr=host, registry=REGISTRY)
    return server
