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

    #: The known parameters as received, duplicates included: what a replay sends.
    pairs: tuple[tuple[str, str], ...]
    #: One value per known parameter, scope normalised; a duplicated state is
    #: dropped, since there is no telling which one the client meant.
    params: dict[str, str]
    duplicates: tuple[str, ...]
    prompt: str | None

    @classmethod
    def parse(cls, pairs: Iterable[tuple[str, str]]) -> AuthorizeRequest:
        pairs = tuple(pairs)
        known = tuple((k, v) for k, v in pairs if k in AUTHORIZE_PARAMS)
        params, duplicates = form_params(known)
        if "state" in duplicates:
            del params["state"]
        if "scope" in params:
            scope = " ".join(normalize(params["scope"]))
            if scope:
                params["scope"] = scope
            else:
                del params["scope"]
        prompt = form_params(p for p in pairs if p[0] == "prompt")[0].get("prompt")
        return cls(known, params, tuple(duplicates), prompt)

    @property
    def query(self) -> str:
        return urlencode(self.params)

    @property
    def replay_query(self) -> str:
        """The request to send again after login: as received, minus ``prompt``."""
        return urlencode(self.pairs)

    @property
    def too_long(self) -> bool:
        return len(self.replay_query) > MAX_STORED_REQUEST
