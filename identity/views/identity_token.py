"""Identity's own access token at the API, refreshed when it has expired (#6).

Shared by every view that acts for the logged-in person with that token:
authorize, the device verification page and email-change confirmation.
"""

from __future__ import annotations

from identity import errors

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
