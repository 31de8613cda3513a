"""The API's OAuth scopes (heroku-api.md §4), OpenID Connect's, and their wording.

The API knows only its own scopes, and grants ``global`` (full access) for
none at all.  So an OpenID-only request (``openid email``) must never reach
it as an empty scope: it asks for ``identity`` (the account and nothing
else), which is what userinfo reads with.  The OpenID scopes themselves are
sent too where the upstream stores them (the embedded API, or any with
``PLATFORM_EXTENSIONS``); against the real Heroku API Identity alone knows them.
"""

from __future__ import annotations

import re

#: Scope -> the consent page's description (what each really allows, heroku-api.md §4).
SCOPES: dict[str, str] = {
    "global": "Read and write access to your account and all your apps, like your API key.",
    "identity": "Read-only access to your account information (none of your apps).",
    "read": "Read access to all your apps, except config vars and your account information.",
    "read-protected": "Read access to all your apps, config vars included.",
    "write": "Read and write access to all your apps, except config vars and your account.",
    "write-protected": "Read and write access to all your apps, config vars included.",
    "create-apps": "Create new apps, with access only to the apps it creates.",
}
#: OpenID Connect Core §5.4 and §11: served by Identity itself.
OIDC_SCOPES: dict[str, str] = {
    "openid": "Sign you in: know your account's id.",
    "email": "Your email address.",
    "profile": "Your name.",
    "offline_access": "Keep this access after you log out, until you revoke it.",
}
#: No scope requested means this, at the API and here.
DEFAULT_SCOPES = ("global",)
#: What an OpenID-only request asks of the API: the account, read by userinfo.
ACCOUNT_SCOPE = "identity"
#: API scopes that read the account (GET /account), so reach what userinfo tells.
ACCOUNT_READING = frozenset({"global", "identity"})


def normalize(raw: str | None) -> tuple[str, ...]:
    """Split on spaces or commas (as the original did), sort and dedupe.

    The API stores and lists scopes this way, so a requested scope compares
    equal to an earlier authorization's only in this form.
    """
    return tuple(sorted({s for s in re.split(r"[\s,]+", raw or "") if s}))


def describe(scope: str) -> str:
    return SCOPES.get(scope) or OIDC_SCOPES.get(scope, "Unknown scope")


def known(scope: str) -> bool:
    return scope in SCOPES or scope in OIDC_SCOPES


def upstream_scope(scopes, *, extensions: bool) -> tuple[str, ...]:
    """What to ask of the API for the requested *scopes* (sorted, as the API stores them)."""
    api = [s for s in scopes if s in SCOPES]
    oidc = [s for s in scopes if s in OIDC_SCOPES]
    if oidc and not api:
        api = [ACCOUNT_SCOPE]
    return tuple(sorted(set(api + (oidc if extensions else []))))


def granted_scope(scopes, *, extensions: bool) -> tuple[str, ...]:
    """What the client holds: the API's scopes plus the OpenID ones Identity honours."""
    oidc = [s for s in scopes if s in OIDC_SCOPES]
    return tuple(sorted(set(upstream_scope(scopes, extensions=extensions)) | set(oidc)))


def oidc_scopes_of(upstream: tuple[str, ...], *, extensions: bool) -> tuple[str, ...]:
    """The OpenID scopes of a token whose authorization has the API scope *upstream*.

    An upstream with the extensions stores them.  The real Heroku API does
    not, so there a token that reads the account anyway (``global`` or
    ``identity``) gets the claims it could read at ``GET /account`` itself.
    """
    if extensions:
        return tuple(s for s in upstream if s in OIDC_SCOPES)
    if ACCOUNT_READING & set(upstream):
        return ("email", "openid", "profile")
    return ()
