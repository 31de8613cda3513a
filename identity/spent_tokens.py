"""Single use of ``/login/external`` tokens against an API without the extension.

The Platform API remembers spent ``jti``s for every process
(``POST /login-tokens/actions/spend``).  An API that lacks the call (Heroku's)
leaves Identity this memory instead, which holds per process only: a token
replayed at another process of the same deployment within its few minutes of
life is not recognised (README, Security).
"""

from __future__ import annotations

import threading

#: Most ``jti``s remembered at once; when full, logins are refused (fail closed)
#: until the oldest expire.  Tokens live at most ``MAX_AGE`` of external_login.py.
MAX_REMEMBERED = 10_000


class SpentTokens:
    """``jti`` → ``exp`` of the tokens spent in this process, pruned as they expire."""

    def __init__(self, limit: int = MAX_REMEMBERED) -> None:
        self.limit = limit
        self._spent: dict[str, float] = {}
        self._lock = threading.Lock()

    def spend(self, jti: str, expires_at: float, now: float) -> bool:
        """True the first time *jti* is spent (and there is room to remember it)."""
        with self._lock:
            if len(self._spent) >= self.limit:
                self._spent = {k: exp for k, exp in self._spent.items() if exp >= now}
            if jti in self._spent or len(self._spent) >= self.limit:
                return False
            self._spent[jti] = expires_at
            return True
