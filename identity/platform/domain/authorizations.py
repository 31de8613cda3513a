"""OAuth authorizations: the login dance, third-party grants, list, info, revocation.

``POST /oauth/authorizations`` has two callers (heroku-api.md §3.1):

- *password* (the login dance, #1): email, password and maybe a second-factor
  code.  With Identity's privileged client, ``create_session`` opens a
  session and ``create_tokens`` issues access and refresh tokens at once.
- *token* (#2): Identity, with its own token, creates the authorization of a
  third-party client, linked to the person's session (``session_ref``), and
  gets a single-use grant code for the client.

Only a privileged caller (the password flow for the privileged client, or a
token of the privileged client) may create sessions, tokens or session
links.  Whatever a non-privileged token creates is bound to that token's own
session, so it ends when the person logs out, as the token itself does.
Without a client the authorization is "direct" (like the Heroku CLI's
login): it gets an access token and no grant.  Scopes are stored sorted and
unique; none means ``["global"]``.
"""

from __future__ import annotations

import dataclasses

from identity.platform.domain import logins, notices, sessions
from identity.platform.domain.access import TokenAuth
from identity.platform.domain.errors import BadRequest, Forbidden, InvalidParams, NotFound
from identity.platform.domain.secrets import digest, new_id, new_secret, new_token
from identity.platform.domain.work import Work
from identity.platform.store import authorizations, clients, tokens
from identity.platform.store.authorizations import Authorization, Listed
from identity.platform.store.clients import Client
from identity.platform.store.database import Transaction
from identity.platform.store.rows import IdRange
from identity.platform.store.users import User

#: heroku-api.md §4, and the OpenID Connect scopes Identity asks for (an extension).
SCOPES = frozenset(
    {
        "global",
        "identity",
        "read",
        "write",
        "read-protected",
        "write-protected",
        "create-apps",
        "openid",
        "email",
        "profile",
        "offline_access",
    }
)


@dataclasses.dataclass(frozen=True)
class Issued:
    """A secret just handed out: it exists only in this answer, the store keeps its hash."""

    id: str
    secret: str = dataclasses.field(repr=False)
    expires_at: float


@dataclasses.dataclass(frozen=True)
class Created:
    authorization: Authorization
    user: User
    client: Client | None
    grant: Issued | None = None
    access: Issued | None = None
    refresh: Issued | None = None


@dataclasses.dataclass(frozen=True)
class Request:
    """What ``POST /oauth/authorizations`` asks for."""

    client_id: str | None = None
    scope: list[str] | None = None
    description: str | None = None
    expires_in: int | None = None
    create_session: bool = False
    create_tokens: bool = False
    session_id: str | None = None
    #: The ``User-Agent`` of whoever logs in (Identity passes the browser's on).
    user_agent: str | None = None


def normalize_scope(value) -> list[str]:
    """Sorted, unique known scopes; None means ``["global"]``; InvalidParams otherwise."""
    if value is None:
        return ["global"]
    if not isinstance(value, list) or not value or not all(isinstance(s, str) for s in value):
        raise InvalidParams("scope must be a non-empty array of strings.")
    unknown = sorted(set(value) - SCOPES)
    if unknown:
        raise InvalidParams(f"Unknown scope: {', '.join(unknown)}.")
    return sorted(set(value))


def issue_grant(tx: Transaction, authorization_id: str, lifetime: int) -> Issued:
    grant_id, code = new_id(), new_secret()
    tokens.insert_grant(tx, grant_id, authorization_id, digest(code), lifetime)
    return Issued(grant_id, code, tx.now + lifetime)


def issue_token(
    tx: Transaction, authorization_id: str, kind: str, lifetime: int, token: str | None = None
) -> Issued:
    """A new access or refresh token (*token* when given, for rotation; else random)."""
    token_id, token = new_id(), token or new_token()
    expires_at = tokens.insert_token(tx, token_id, authorization_id, kind, digest(token), lifetime)
    return Issued(token_id, token, expires_at)


def prepare_login(work: Work, email: str, password: str) -> None:
    """The login dance's password check, ahead of the write lock."""
    logins.prepare(work, email, password)


def create_by_password(
    work: Work, email: str, password: str, code: str | None, request: Request
) -> Created:
    """The login dance (#1)."""
    client = _client(work.tx, request.client_id)
    user = logins.authenticate_password(work, email, password, second_factor=True, code=code)
    return _create(work, user, client, bool(client and client.privileged), None, request)


def create_by_token(work: Work, auth: TokenAuth, request: Request) -> Created:
    """A grant for a client, or a direct authorization, made with a token (#2)."""
    client = _client(work.tx, request.client_id)
    auth.require_scope()
    return _create(work, auth.user, client, auth.privileged, auth.session_id, request)


def _client(tx: Transaction, client_id: str | None) -> Client | None:
    client = clients.get(tx, client_id)
    if client_id and client is None:
        raise BadRequest("Unknown OAuth client.")
    return client


def _create(
    work: Work,
    user: User,
    client: Client | None,
    privileged: bool,
    caller_session: str | None,
    request: Request,
) -> Created:
    tx, settings = work.tx, work.settings
    scope = normalize_scope(request.scope)
    if (request.create_session or request.create_tokens or request.session_id) and not privileged:
        raise Forbidden("Only a privileged client may create sessions or tokens.")
    client_id = client.id if client else None
    # A person hears of an application the first time it gets access, not on
    # each login (Identity's own client) nor each later authorize of the same app.
    first_grant = (
        client is not None
        and not client.privileged
        and not authorizations.exists_of_client_for_user(tx, user.id, client.id)
    )
    if request.create_session:
        session_id = sessions.create(
            tx, user.id, client_id, work.ip, settings.session_expires_in, request.user_agent
        )
    elif request.session_id:
        session_id = sessions.find_live(tx, request.session_id, user.id).id
    else:
        # A privileged caller may make an authorization that outlives the session
        # (OpenID Connect offline access); anyone else's stays bound to theirs.
        session_id = None if privileged else caller_session
    authorization = authorizations.insert(
        tx, new_id(), user.id, client_id, session_id, scope, request.description
    )
    grant = access = refresh = None
    if client is not None:
        grant = issue_grant(tx, authorization.id, settings.grant_expires_in)
    if request.create_tokens:
        access = issue_token(tx, authorization.id, "access", settings.access_token_expires_in)
        refresh = issue_token(tx, authorization.id, "refresh", settings.refresh_token_expires_in)
    elif client is None:
        # A direct authorization (Heroku CLI style) is its token; its lifetime
        # may be asked for, up to the refresh-token lifetime.
        lifetime = min(
            request.expires_in or settings.access_token_expires_in,
            settings.refresh_token_expires_in,
        )
        access = issue_token(tx, authorization.id, "access", lifetime)
    if first_grant:
        notices.application_authorized(work, user, client, scope)
    return Created(authorization, user, client, grant, access, refresh)


def page(work: Work, auth: TokenAuth, ids: IdRange) -> list[Listed]:
    """The caller's authorizations in *ids* (one more than the page when there are more)."""
    auth.require_scope()
    return authorizations.page_of_user(work.tx, auth.user.id, ids)


def own(work: Work, auth: TokenAuth, authorization_id: str) -> Listed:
    """The caller's authorization (``~``: the calling token's own), or NotFound."""
    if authorization_id == "~":
        authorization_id = auth.authorization_id
    else:
        auth.require_scope()
    found = authorizations.page_of_user(
        work.tx, auth.user.id, IdRange(start=authorization_id, end=authorization_id, size=1)
    )
    if not found:
        raise NotFound("authorization")
    return found[0]


def revoke(work: Work, auth: TokenAuth, authorization_id: str) -> Listed:
    """Delete the caller's authorization with its grants and tokens."""
    found = own(work, auth, authorization_id)
    authorizations.delete(work.tx, found.authorization.id)
    return found
