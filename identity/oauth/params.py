"""Request parameters as RFC 6749 §3.1 and §3.2 want them read."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from urllib.parse import urlencode

from identity.oauth.scopes import normalize

#: The authorization request's parameters; any other is ignored (RFC 6749 §3.1).
AUTHORIZE_PARAMS = (
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
    # OpenID Connect Core §3.1.2.1.
    "nonce",
    "prompt",
    "max_age",
    "login_hint",
    "id_token_hint",
)
#: Duplicates of these make the request unsafe to answer by redirect.
FATAL_DUPLICATES = ("client_id", "redirect_uri")
#: Longest authorization request kept in the session cookie for replay.
MAX_STORED_REQUEST = 2048


def form_params(pairs: Iterable[tuple[str, str]]) -> tuple[dict[str, str], list[str]]:
    """Parameters without empty values (empty means absent), and the duplicated names."""
    params: dict[str, str] = {}
    duplicates: list[str] = []
    for name, value in pairs:
        if value == "":
            continue
        if name in params and name not in duplicates:
            duplicates.append(name)
        params.setdefault(name, value)
    return params, duplicates


@dataclasses.dataclass(frozen=True)
class AuthorizeRequest:
    """An authorization request, read once for every later step."""

    #: The known parameters as received, duplicates included, but ``prompt``
    #: without ``login``: what a replay after login sends.
    pairs: tuple[tuple[str, str], ...]
    #: One value per known parameter, scope normalised; a duplicated state is
    #: dropped, since there is no telling which one the client meant.
    params: dict[str, str]
    duplicates: tuple[str, ...]
    #: The prompt values as received (OIDC Core §3.1.2.1), ``login`` included.
    prompts: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, pairs: Iterable[tuple[str, str]]) -> AuthorizeRequest:
        pairs = tuple(pairs)
        known = tuple((k, v) for k, v in pairs if k in AUTHORIZE_PARAMS)
        prompts = frozenset(
            form_params(p for p in known if p[0] == "prompt")[0].get("prompt", "").split()
        )
        # Once the person has logged in, the replayed request must not ask again.
        after_login = " ".join(sorted(prompts - {"login"}))
        known = tuple(
            (k, after_login if k == "prompt" else v)
            for k, v in known
            if k != "prompt" or after_login
        )
        params, duplicates = form_params(known)
        if "state" in duplicates:
            del params["state"]
        if "scope" in params:
            scope = " ".join(normalize(params["scope"]))
            if scope:
                params["scope"] = scope
            else:
                del params["scope"]
        return cls(known, params, tuple(duplicates), prompts)

    @property
    def query(self) -> str:
        return urlencode(self.params)

    @property
    def replay_query(self) -> str:
        """The request to send again after login: as received, minus ``prompt=login``."""
        return urlencode(self.pairs)

    @property
    def too_long(self) -> bool:
        return len(self.replay_query) > MAX_STORED_REQUEST
