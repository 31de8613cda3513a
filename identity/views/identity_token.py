"""Identity's own access token at the API, refreshed when it has expired (#6).

Shared by every view that acts for the logged-in person with that token:
authorize, the device verification page and email-change confirmation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from identity import errors

T = TypeVar("T")

#: The API's ways of saying "this refresh token is no good" (heroku-api.md §3.3).
REFRESH_REFUSED = (
    errors.Unauthorized,
    errors.Forbidden,
    errors.NotFound,
    errors.InvalidParams,
    errors.BadRequest,
)


def refresh(request) -> bool:
    """Swap the session's refresh token for a new access token; False when refused."""
    session = request.session
    if not session.get("refresh_token"):
        return False
    try:
        tokens = request.api.refresh_identity_token(session["refresh_token"])
    except REFRESH_REFUSED:
        return False
    session.store_tokens(tokens, request.now)
    return True


def usable(request) -> bool:
    """Logged in with an access token that has not expired, refreshing it if it has."""
    session = request.session
    return session.logged_in and (not session.token_expired(request.now) or refresh(request))


def call(request, action: Callable[[str], T]) -> T:
    """``action(access_token)``; on a 401, refresh Identity's token once and retry.

    Raises ``errors.Unauthorized`` when the retry fails too, or when the
    token can't be refreshed.
    """
    try:
        return action(request.session["access_token"])
    except errors.Unauthorized:
        if not refresh(request):
            raise
    return action(request.session["access_token"])


def works(request) -> bool:
    """Does Identity's token still work?  (A 401 also says "wrong password".)"""
    try:
        request.api.get_account(request.session["access_token"])
    except errors.Unauthorized:
        return False
    return True
