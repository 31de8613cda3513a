"""The one password policy, shared by Identity's forms and the embedded Platform API.

NIST SP 800-63B: at least 8 and at most 256 characters, no composition
rules; refused when it is a commonly used password (the ``passwords``
frequency list bundled with zxcvbn, 30 000 entries) or contains the local
part of the account's email.  ``password_problem`` is the only place this is
decided: Identity shows its reason before calling the API, and the API
checks again, knowing the account's email.
"""

from __future__ import annotations

import functools

MIN_LENGTH = 8
MAX_LENGTH = 256
#: The local part of the email counts only from this length on ("jo" is too common).
MIN_LOCAL_PART = 3


@functools.cache
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str, email: str | None = None) -> str | None:
    """Why *password* is not acceptable for the account *email*, or None."""
    if len(password) < MIN_LENGTH:
        return f"Password is too short (minimum is {MIN_LENGTH} characters)."
    if len(password) > MAX_LENGTH:
        return f"Password is too long (maximum is {MAX_LENGTH} characters)."
    if password.lower() in _common_passwords():
        return "Password is too common: choose one that others are unlikely to use."
    local_part = (email or "").partition("@")[0].lower()
    if len(local_part) >= MIN_LOCAL_PART and local_part in password.lower():
        return "Password must not contain your email address."
    return None
