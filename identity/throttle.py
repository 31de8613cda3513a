"""A per-process sliding-window counter for limits Identity keeps itself.

Identity has no database, so this counts in memory: with N processes behind
a load balancer a client gets up to N times the limit.  That is enough for
its one use (password-reset mails per client IP, on top of the API's own
per-email limit); a hard, shared limit belongs to the API.
"""

from __future__ import annotations

import collections
import threading
import time
from collections.abc import Callable


class Throttle:
    """At most *limit* events per key within *window* seconds."""

    def __init__(
        self,
        limit: int,
        window: float,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 100_000,
    ):
        self.limit = limit
        self.window = window
        self.clock = clock
        self.max_keys = max_keys
        self._events: dict[str, collections.deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Count one event for *key*; False (and nothing counted) when over the limit."""
        now = self.clock()
        with self._lock:
            events = self._events.get(key)
            if events is None:
                self._make_room(now)
                events = self._events[key] = collections.deque()
            while events and events[0] <= now - self.window:
                events.popleft()
            if len(events) >= self.limit:
                return False
            events.append(now)
            return True

    def _make_room(self, now: float) -> None:
        """Keep memory bounded: forget idle keys, and everything if that is not enough."""
        if len(self._events) < self.max_keys:
            return
        cutoff = now - self.window
        for key in [k for k, events in self._events.items() if not events or events[-1] <= cutoff]:
            del self._events[key]
        if len(self._events) >= self.max_keys:
            # Fails open on purpose: under a flood of distinct addresses the
            # API's per-email limit still holds, and memory must not grow.
            self._events.clear()
