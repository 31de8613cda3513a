"""What the Platform API's answers mean to Identity: frozen, typed values.

Secrets (tokens, codes) are kept out of ``repr`` so that no log line or
traceback ever shows one.
"""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class User:
    id: str
    email: str
    full_name: str | None


@dataclasses.dataclass(frozen=True)
class IdentityLogin:
    """Identity's own authorization, made by the login dance (#1)."""

    access_token: str = dataclasses.field(repr=False)
    expires_in: int
    refresh_token: str | None = dataclasses.field(repr=False)
    session_id: str
    user: User
    sso_entity: str | None = None


@dataclasses.dataclass(frozen=True)
class Client:
    """An OAuth client as GET /oauth/clients/{id} describes it (#4, #5)."""

    client_id: str
    name: str
    description: str
    redirect_uri: str
    trusted: bool = False
    public: bool = False
    ignores_delinquent: bool = False
    #: Pay-balance URL when the API flagged the account delinquent (§3.10).
    delinquent_location: str | None = None
    #: Every exact redirect URI, ``redirect_uri`` first (the embedded API's
    #: extension; Heroku's clients have ``redirect_uri`` alone).
    redirect_uris: tuple[str, ...] = ()
    #: Where RP-initiated logout may return to (extension; none at Heroku).
    post_logout_redirect_uris: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class Grant:
    """The grant code the API issued for a third-party client (#2)."""

    code: str = dataclasses.field(repr=False)
    redirect_uri: str | None


@dataclasses.dataclass(frozen=True)
class Authorization:
    """One entry of the user's authorizations (#3)."""

    client_id: str | None
    client_legacy_id: str | None
    scope: tuple[str, ...]
    user_id: str | None = None
    id: str | None = None
    client_name: str | None = None
    #: ISO-8601 times as the API sends them; ``last_used_at`` only the embedded API's.
    created_at: str | None = None
    last_used_at: str | None = None


@dataclasses.dataclass(frozen=True)
class TokenSet:
    """Tokens from POST /oauth/tokens (#6, #7)."""

    access_token: str = dataclasses.field(repr=False)
    expires_in: int
    refresh_token: str | None = dataclasses.field(repr=False)
    user_id: str | None
    session_id: str | None


@dataclasses.dataclass(frozen=True)
class TokenInfo:
    """An active token, as introspection describes it (times in epoch seconds)."""

    scope: tuple[str, ...]
    client_id: str
    user_id: str
    email: str
    expires_at: int
    issued_at: int
    kind: str  # "access_token" or "refresh_token"


@dataclasses.dataclass(frozen=True)
class DeviceAuthorization:
    """A new device authorization request (RFC 8628 §3.2)."""

    device_code: str = dataclasses.field(repr=False)
    user_code: str = dataclasses.field(repr=False)
    expires_in: int
    interval: int


@dataclasses.dataclass(frozen=True)
class DeviceRequest:
    """What a person entering a user code is asked to approve."""

    client_id: str
    client_name: str
    client_description: str
    scope: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class LoginSession:
    """One of the person's logins; ``created_at`` ISO-8601, it and the rest None when the
    API does not say (Heroku's sessions have an id and a description)."""

    id: str
    created_at: str | None
    ip: str | None
    user_agent: str | None
    description: str = ""
