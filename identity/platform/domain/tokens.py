"""The token endpoint's rules: exchange, refresh with rotation, revoke, introspect.

Grant types of ``POST /oauth/tokens`` (heroku-api.md §3.3):

- ``authorization_code``: the grant code, spent with one conditional UPDATE
  (unused, unexpired, issued to this client), so it works exactly once;
  unknown, used or expired -> NotFound.  A used code presented again by its
  client also revokes every token issued from it (RFC 6749 §4.1.2): one of
  the two presenters is not the client's rightful user.
- ``refresh_token``: a new access token.  Confidential clients keep their
  long-lived refresh token (returned unchanged, as Heroku does).  Public
  clients' refresh tokens rotate: each use returns a new one and marks the
  old one rotated.  Within ``refresh_reuse_grace`` seconds the old one yields
  the *same* successor again (parallel refreshes); after that, presenting it
  is treated as theft and the whole authorization is revoked.  The successor
  is derived from the old token by HMAC (secrets.derive_token), which is how
  it can be handed out twice while only its hash is stored.
- ``urn:ietf:params:oauth:grant-type:device_code``: see devices.py.
"""

from __future__ import annotations

import dataclasses
import logging

from identity.platform.domain import devices, events
from identity.platform.domain.access import USE_GRANULARITY, check_not_suspended
from identity.platform.domain.authorizations import Issued, issue_token
from identity.platform.domain.errors import DomainError, InvalidParams, NotFound
from identity.platform.domain.secrets import derive_token, digest
from identity.platform.domain.work import Work
from identity.platform.store import authorizations, tokens, users
from identity.platform.store.authorizations import Authorization
from identity.platform.store.clients import Client
from identity.platform.store.rows import loads
from identity.platform.store.tokens import ClientToken, Token
from identity.platform.store.users import User

log = logging.getLogger(__name__)

DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code"
NO_REFRESH_TOKEN = "refresh token (it may be revoked or expired)"


@dataclasses.dataclass(frozen=True)
class Exchanged:
    authorization: Authorization
    access: Issued
    refresh: Issued | None


def exchange(work: Work, client: Client, grant_type: str, secret: str) -> Exchanged:
    """Spend *secret* (a code, refresh token or device code) of *client* for tokens."""
    try:
        if grant_type == "authorization_code":
            exchanged = exchange_code(work, client, secret)
        elif grant_type == "refresh_token":
            exchanged = refresh(work, client, secret)
        elif grant_type == DEVICE_CODE:
            exchanged = Exchanged(*devices.exchange(work, client, secret))
        else:
            raise InvalidParams(f"Unsupported grant.type: {grant_type}.")
    except DomainError as error:
        events.refused("token.refused", grant_type=grant_type, client_id=client.id, error=error.id)
        raise
    authorizations.touch(work.tx, exchanged.authorization.id, USE_GRANULARITY)
    events.committed(
        work.tx,
        "token.issued",
        grant_type=grant_type,
        client_id=client.id,
        user_id=exchanged.authorization.user_id,
        authorization_id=exchanged.authorization.id,
    )
    return exchanged


def _check_user(work: Work, authorization: Authorization) -> None:
    check_not_suspended(users.get(work.tx, authorization.user_id))


def exchange_code(work: Work, client: Client, code: str) -> Exchanged:
    tx, settings = work.tx, work.settings
    authorization_id = tokens.spend_grant(tx, digest(code), client.id)
    if authorization_id is None:
        _revoke_if_replayed(work, client, code)
    authorization = authorization_id and authorizations.get_live(tx, authorization_id)
    if not authorization:
        raise NotFound("grant code (it may be used or expired)")
    _check_user(work, authorization)
    access = issue_token(tx, authorization.id, "access", settings.access_token_expires_in)
    refresh_token = issue_token(tx, authorization.id, "refresh", settings.refresh_token_expires_in)
    return Exchanged(authorization, access, refresh_token)


def _revoke_if_replayed(work: Work, client: Client, code: str) -> None:
    """When *code* is a used code of *client*, revoke the tokens issued from it.

    That is every token of the code's authorization: an authorization has one
    grant code, and its later access tokens come from the refresh token the
    code gave.  The authorization and the spent code stay, so that a further
    replay is recognised too; the NotFound that follows commits this.
    """
    replayed = tokens.spent_grant_authorization(work.tx, digest(code), client.id)
    if replayed is not None:
        log.warning("grant code used twice; revoking the tokens of authorization %s", replayed)
        tokens.delete_of_authorization(work.tx, replayed)
        events.refused(
            "token.reuse_detected",
            kind="authorization_code",
            client_id=client.id,
            authorization_id=replayed,
        )


def refresh(work: Work, client: Client, token: str) -> Exchanged:
    tx, settings = work.tx, work.settings
    found = tokens.find_of_client(tx, digest(token), client.id)
    live = (
        found is not None
        and found.token.kind == "refresh"
        and found.token.expires_at > tx.now
        and authorizations.get_live(tx, found.token.authorization_id)
    )
    if not live:
        raise NotFound(NO_REFRESH_TOKEN)
    _check_user(work, live)
    if not client.public:
        access = issue_token(tx, live.id, "access", settings.access_token_expires_in)
        return Exchanged(live, access, Issued(found.token.id, token, found.token.expires_at))
    return Exchanged(live, *_rotate(work, found.token, token))


def _rotate(work: Work, row: Token, token: str) -> tuple[Issued, Issued]:
    """The access token and successor refresh token of public-client token *row*."""
    tx, settings, key = work.tx, work.settings, work.services.rotation_key
    access_token = derive_token(key, "access", token)
    refresh_token = derive_token(key, "refresh", token)
    if tokens.mark_rotated(tx, row.id):
        return (
            issue_token(
                tx, row.authorization_id, "access", settings.access_token_expires_in, access_token
            ),
            issue_token(
                tx,
                row.authorization_id,
                "refresh",
                settings.refresh_token_expires_in,
                refresh_token,
            ),
        )
    # Someone rotated it first.  On PostgreSQL that transaction had the row
    # locked until it committed, so its successor is visible by now.
    current = tokens.find(tx, digest(token))
    rotated_at = current.rotated_at if current else None
    if rotated_at is not None and tx.now - rotated_at <= settings.refresh_reuse_grace:
        issued = [tokens.find(tx, digest(secret)) for secret in (access_token, refresh_token)]
        if all(issued):
            return (
                Issued(issued[0].id, access_token, issued[0].expires_at),
                Issued(issued[1].id, refresh_token, issued[1].expires_at),
            )
    log.warning(
        "refresh token reused after rotation; revoking authorization %s", row.authorization_id
    )
    authorizations.delete(tx, row.authorization_id)
    events.refused(
        "token.reuse_detected", kind="refresh_token", authorization_id=row.authorization_id
    )
    raise NotFound(NO_REFRESH_TOKEN)


def revoke(work: Work, client: Client, token: str | None) -> None:
    """RFC 7009: revoke the client's token; unknown tokens are no error.

    Revoking a refresh token revokes its whole authorization; an access token
    only itself.  Another client's token is left alone.
    """
    found = _of_client(work, client, token)
    if found is not None and found.token.kind == "refresh":
        authorizations.delete(work.tx, found.token.authorization_id)
    elif found is not None:
        tokens.delete(work.tx, found.token.id)
    if found is not None:
        events.committed(work.tx, "token.revoked", client_id=client.id, kind=found.token.kind)


@dataclasses.dataclass(frozen=True)
class Introspected:
    token: Token
    scope: list[str]
    user: User


def introspect(work: Work, client: Client, token: str | None) -> Introspected | None:
    """RFC 7662, for the token's own client only: None unless active."""
    tx = work.tx
    found = _of_client(work, client, token)
    live = (
        found is not None
        and found.token.expires_at > tx.now
        and found.token.rotated_at is None
        and authorizations.get_live(tx, found.token.authorization_id) is not None
    )
    user = users.get(tx, found.user_id) if live else None
    if user is None or user.suspended_at is not None:
        return None
    return Introspected(found.token, loads(found.scope), user)


def _of_client(work: Work, client: Client, token: str | None) -> ClientToken | None:
    if not token:
        return None
    return tokens.find_of_client(work.tx, digest(token), client.id)
