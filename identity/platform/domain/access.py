"""Who is calling with a token: the access token, its authorization, client and user.

Identity's own client is *privileged* (Heroku's ``can_manage_authorizations``):
only it may create sessions, tokens and session links.  ``global`` reaches
everything; other scopes only what they name.
"""

from __future__ import annotations

import dataclasses

from identity.platform.domain.errors import Forbidden, Suspended, Unauthorized
from identity.platform.domain.secrets import digest
from identity.platform.store import authorizations, clients, tokens, users
from identity.platform.store.clients import Client
from identity.platform.store.database import Transaction
from identity.platform.store.rows import loads
from identity.platform.store.users import User


@dataclasses.dataclass(frozen=True)
class TokenAuth:
    """A valid access token, with its authorization's client (None: a direct one) and user."""

    token_id: str
    authorization_id: str
    session_id: str | None
    scope: tuple[str, ...]
    client: Client | None
    user: User
    #: When a token of its authorization was last recorded as used (None: never).
    last_used_at: float | None = None

    @property
    def privileged(self) -> bool:
        """The token belongs to Identity's own client (``can_manage_authorizations``)."""
        return bool(self.client and self.client.privileged)

    def require_scope(self, *accepted: str) -> None:
        """Forbidden unless the token carries one of the *accepted* scopes (or ``global``)."""
        if not {"global", *accepted} & set(self.scope):
            raise Forbidden("This token's scope does not reach this resource.")

    def require_privileged(self) -> None:
        if not self.privileged:
            raise Forbidden("Only a privileged client may do this.")


def check_not_suspended(user: User) -> None:
    if user.suspended_at is not None:
        raise Suspended()


def authenticate_token(tx: Transaction, token: str) -> TokenAuth:
    """The live access token *token*; ``Unauthorized`` otherwise, ``Suspended`` for a
    suspended user."""
    found = tokens.find_live_access(tx, digest(token))
    if found is None:
        raise Unauthorized()
    user = users.get(tx, found.user_id)
    check_not_suspended(user)
    return TokenAuth(
        token_id=found.token.id,
        authorization_id=found.token.authorization_id,
        session_id=found.session_id,
        scope=tuple(loads(found.scope)),
        client=clients.get(tx, found.client_id),
        user=user,
        last_used_at=found.last_used_at,
    )


#: Uses of one authorization closer together than this (seconds) are recorded once.
USE_GRANULARITY = 60


def record_use(work, auth: TokenAuth) -> None:
    """Note that *auth*'s token was used (what the account's applications page shows).

    At most one write a minute per authorization.  A write request records it
    in its own transaction; a read request never writes (on SQLite it would
    have to queue for the write lock), so a stale use is recorded after it
    commits, in a short transaction of its own.
    """
    tx = work.tx
    if auth.last_used_at is not None and auth.last_used_at > tx.now - USE_GRANULARITY:
        return
    if tx.write:
        authorizations.touch(tx, auth.authorization_id, USE_GRANULARITY)
    else:
        db, authorization_id = work.services.db, auth.authorization_id
        tx.after_commit(lambda: authorizations.touch_later(db, authorization_id, USE_GRANULARITY))
