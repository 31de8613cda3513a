"""Fault isolation for calls to the Platform API: a bulkhead and a circuit breaker.

An API that accepts connections and never answers holds each calling thread
for the whole read timeout.  Unbounded, that is every Waitress thread, and
pages that need no API (``/login``, ``/health``) stop answering too.  So:

* the **bulkhead** lets at most ``API_MAX_CONCURRENCY`` threads wait on the
  API at once; a call beyond that fails at once (the 503 page, or
  ``temporarily_unavailable`` for clients) and its thread is free again;
* the **circuit breaker** (pybreaker) opens after ``API_BREAKER_FAILURES``
  timeouts or connection failures in a row: for ``API_BREAKER_RESET``
  seconds calls fail at once without touching the network, then one is let
  through to see whether the API is back.

Both guard a remote API only (``Unguarded`` is the embedded one's).  Only
transport failures count: an HTTP answer, even a 500, means the API is
there.  Both fail closed (an error page), never open: nothing is decided
without the API.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import pybreaker
import requests

from identity import errors

log = logging.getLogger(__name__)

T = TypeVar("T")

UNAVAILABLE = "The API is unavailable. Please try again shortly."


def _answered(exc: BaseException) -> bool:
    """Not a breaker failure: anything but the network failing to answer."""
    return not isinstance(exc, requests.ConnectionError | requests.Timeout)


class Unguarded:
    """The in-process embedded API: its calls are the calling thread's own
    work, with no network to hang on, so there is nothing to isolate."""

    def call(self, send: Callable[..., T], *args, **kwargs) -> T:
        return send(*args, **kwargs)


class _OpenedAt(pybreaker.CircuitBreakerListener):
    """When the breaker last opened (monotonic seconds)."""

    at = 0.0

    def state_change(self, cb, old_state, new_state) -> None:
        if new_state.name == pybreaker.STATE_OPEN:
            self.at = time.monotonic()


def _replay(failure: Exception | None) -> None:
    if failure is not None:
        raise failure


class UpstreamGuard:
    """The bulkhead and the breaker around every call of one upstream.

    pybreaker's ``call`` holds the breaker's lock for the whole call, which
    would let one thread at a time talk to the API.  So the call runs
    outside it, and its outcome is replayed through ``breaker.call`` for
    pybreaker to count; a call is refused while the breaker is open and its
    reset time has not passed.
    """

    def __init__(self, max_concurrency: int = 6, failures: int = 5, reset_after: float = 30):
        self._slots = threading.BoundedSemaphore(max_concurrency)
        self._opened = _OpenedAt()
        self.breaker = pybreaker.CircuitBreaker(
            fail_max=failures,
            reset_timeout=reset_after,
            exclude=[_answered],
            listeners=[self._opened],
            name="platform-api",
        )

    @classmethod
    def from_settings(cls, settings) -> UpstreamGuard:
        return cls(
            settings.api_max_concurrency, settings.api_breaker_failures, settings.api_breaker_reset
        )

    @property
    def open(self) -> bool:
        """Refusing calls: opened, and the reset time not yet passed."""
        return (
            self.breaker.current_state == pybreaker.STATE_OPEN
            and time.monotonic() - self._opened.at < self.breaker.reset_timeout
        )

    def call(self, send: Callable[..., T], *args, **kwargs) -> T:
        """``send(*args, **kwargs)`` unless the bulkhead is full or the breaker open."""
        if not self._slots.acquire(blocking=False):
            log.warning("upstream bulkhead full: failing fast")
            raise errors.UpstreamUnavailable(UNAVAILABLE)
        try:
            if self.open:
                log.warning("upstream circuit breaker open: failing fast")
                raise errors.UpstreamUnavailable(UNAVAILABLE)
            try:
                result = send(*args, **kwargs)
            except Exception as exc:
                self._count(exc)
                raise
            self._count(None)
            return result
        finally:
            self._slots.release()

    def _count(self, failure: Exception | None) -> None:
        """Let pybreaker count *failure* (None: a success) and change state."""
        try:
            self.breaker.call(_replay, failure)
        except pybreaker.CircuitBreakerError:
            pass  # this failure opened it, or another thread already had
        except Exception:  # noqa: S110 - the replayed failure, raised by the caller
            pass
