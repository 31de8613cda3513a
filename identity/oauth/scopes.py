"""The API's OAuth scopes (heroku-api.md §4) and how the consent page words them."""

from __future__ import annotations

import re

#: Scope -> the consent page's description (the original's texts; create-apps from §4).
SCOPES: dict[str, str] = {
    "global": "Read and write access to all your apps and your account.",
    "identity": "Read and write access to your account (but none of your apps).",
    "read": "Read access to all your apps.",
    "read-protected": "Protected read access to all your apps.",
    "write": "Write access to all your apps.",
    "write-protected": "Protected write access to all your apps.",
    "create-apps": "Create new apps, with access only to the apps it creates.",
}
#: No scope requested means this, at the API and here.
DEFAULT_SCOPES = ("global",)


def normalize(raw: str | None) -> tuple[str, ...]:
    """Split on spaces or commas (as the original did), sort and dedupe.

    The API stores and lists scopes this way, so a requested scope compares
    equal to an earlier authorization's only in this form.
    """
    return tuple(sorted({s for s in re.split(r"[\s,]+", raw or "") if s}))


def describe(scope: str) -> str:
    return SCOPES.get(scope, "Unknown scope")
