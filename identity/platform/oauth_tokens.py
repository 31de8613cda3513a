"""The token endpoint and its extensions: exchange, revoke, introspect.

``POST /oauth/tokens`` (heroku-api.md §3.3) takes ``grant.type``:

- ``authorization_code``: the grant code, spent with one conditional UPDATE
  (unused, unexpired, issued to this client), so it works exactly once;
  unknown, used or expired -> 404.  A used code presented again by its client
  also revokes every token issued from it (RFC 6749 §4.1.2): one of the two
  presenters is not the client's rightful user, and the tokens may be theirs.
- ``refresh_token``: a new access token.  Confidential clients keep their
  long-lived refresh token (it is returned unchanged, as Heroku does).
  Public clients' refresh tokens rotate: each use returns a new one and marks
  the old one rotated.  Within ``refresh_reuse_grace`` seconds the old one
  yields the *same* successor again (parallel refreshes in a browser or app);
  after that, presenting it is treated as theft and the whole authorization
  (every token of the family) is revoked.  The successor is derived from the
  old token by HMAC (tokens.derive_token), which is how it can be handed out
  twice while only its hash is stored.
- ``urn:ietf:params:oauth:grant-type:device_code``: see devices.py.

Invalid client credentials and invalid refresh tokens are 401.
"""

from __future__ import annotations

import json
import logging

from identity.platform import clients, devices
from identity.platform.auth import check_not_suspended
from identity.platform.db import Transaction
from identity.platform.errors import invalid_params, not_found
from identity.platform.grants import Issued, issue_token
from identity.platform.http import Context, iso, json_response, seconds_left
from identity.platform.params import section, text
from identity.platform.tokens import derive_token, digest

log = logging.getLogger(__name__)

DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code"


def render(
    tx: Transaction,
    authorization,
    access: Issued,
    refresh: Issued | None,
    grant: dict,
) -> dict:
    """The oauth-token object of a successful exchange."""
    return {
        "id": access.id,
        "created_at": iso(tx.now),
        "updated_at": iso(tx.now),
        "access_token": _token(tx, access),
        "refresh_token": _token(tx, refresh) if refresh else None,
        "authorization": {"id": authorization["id"]},
        "client": None,
        "grant": grant,
        "session": {"id": authorization["session_id"]} if authorization["session_id"] else None,
        "user": {"id": authorization["user_id"]},
    }


def _token(tx: Transaction, issued: Issued) -> dict:
    return {
        "id": issued.id,
        "token": issued.secret,
        "expires_in": seconds_left(tx, issued.expires_at),
    }


def _live_authorization(tx: Transaction, authorization_id: str):
    """The authorization, or None when its session has ended."""
    return tx.one(
        """SELECT a.* FROM authorizations a LEFT JOIN sessions s ON s.id = a.session_id
           WHERE a.id = ? AND (a.session_id IS NULL OR s.expires_at > ?)""",
        (authorization_id, tx.now),
    )


def _check_user(tx: Transaction, authorization) -> None:
    check_not_suspended(tx.one("SELECT * FROM users WHERE id = ?", (authorization["user_id"],)))


def create(ctx: Context):
    """POST /oauth/tokens."""
    grant = section(ctx.body, "grant")
    grant_type = text(grant, "type", required=True, label="grant.type")
    exchange = EXCHANGES.get(grant_type)
    if exchange is None:
        raise invalid_params(f"Unsupported grant.type: {grant_type}.")
    if grant_type == "refresh_token":
        refresh_token = section(ctx.body, "refresh_token")
        secret = text(refresh_token, "token", required=True, label="refresh_token.token")
    else:
        secret = text(grant, "code", required=True, label="grant.code")
    client = clients.authenticate(ctx.tx, ctx.body)
    return json_response(201, exchange(ctx, client, secret), {"Cache-Control": "no-store"})


def exchange_code(ctx: Context, client, code: str) -> dict:
    tx, settings = ctx.tx, ctx.settings
    # EXISTS, not "IN (SELECT id ... WHERE client_id = ?)": that form makes
    # SQLite list every authorization of the client on each exchange.
    spent = tx.one(
        """UPDATE grants SET used_at = ?
           WHERE code_hash = ? AND used_at IS NULL AND expires_at > ?
             AND EXISTS (SELECT 1 FROM authorizations a
                         WHERE a.id = grants.authorization_id AND a.client_id = ?)
           RETURNING authorization_id""",
        (tx.now, digest(code), tx.now, client["id"]),
    )
    if spent is None:
        _revoke_if_replayed(tx, client, code)
    authorization = spent and _live_authorization(tx, spent["authorization_id"])
    if not authorization:
        raise not_found("grant code (it may be used or expired)")
    _check_user(tx, authorization)
    access = issue_token(tx, authorization["id"], "access", settings.access_token_expires_in)
    refresh_token = issue_token(
        tx, authorization["id"], "refresh", settings.refresh_token_expires_in
    )
    return render(
        tx, authorization, access, refresh_token, {"code": code, "type": "authorization_code"}
    )


def _revoke_if_replayed(tx: Transaction, client, code: str) -> None:
    """When *code* is a used code of *client*, revoke the tokens issued from it.

    That is every token of the code's authorization: an authorization has one
    grant code, and its later access tokens come from the refresh token the
    code gave.  The authorization and the spent code stay, so that a further
    replay is recognised too; the 404 that follows commits this (errors.py).
    """
    replayed = tx.one(
        """SELECT g.authorization_id FROM grants g
           JOIN authorizations a ON a.id = g.authorization_id
           WHERE g.code_hash = ? AND g.used_at IS NOT NULL AND a.client_id = ?""",
        (digest(code), client["id"]),
    )
    if replayed is not None:
        log.warning(
            "grant code used twice; revoking the tokens of authorization %s",
            replayed["authorization_id"],
        )
        tx.execute("DELETE FROM tokens WHERE authorization_id = ?", (replayed["authorization_id"],))


def refresh(ctx: Context, client, token: str) -> dict:
    tx, settings = ctx.tx, ctx.settings
    row = tx.one(
        """SELECT t.* FROM tokens t JOIN authorizations a ON a.id = t.authorization_id
           WHERE t.token_hash = ? AND t.kind = 'refresh' AND t.expires_at > ?
             AND a.client_id = ?""",
        (digest(token), tx.now, client["id"]),
    )
    authorization = row and _live_authorization(tx, row["authorization_id"])
    if not authorization:
        raise not_found("refresh token (it may be revoked or expired)")
    _check_user(tx, authorization)
    grant = {"code": None, "type": "refresh_token"}
    if not client["public"]:
        access = issue_token(tx, authorization["id"], "access", settings.access_token_expires_in)
        kept = Issued(row["id"], token, row["expires_at"])
        return render(tx, authorization, access, kept, grant)
    access, successor = _rotate(ctx, row, token)
    return render(tx, authorization, access, successor, grant)


def _rotate(ctx: Context, row, token: str) -> tuple[Issued, Issued]:
    """The access token and successor refresh token of public-client token *row*."""
    tx, settings, key = ctx.tx, ctx.settings, ctx.platform.rotation_key
    access_token = derive_token(key, "access", token)
    refresh_token = derive_token(key, "refresh", token)
    first_use = tx.execute(
        "UPDATE tokens SET rotated_at = ? WHERE id = ? AND rotated_at IS NULL", (tx.now, row["id"])
    ).rowcount
    if first_use:
        return (
            issue_token(
                tx,
                row["authorization_id"],
                "access",
                settings.access_token_expires_in,
                access_token,
            ),
            issue_token(
                tx,
                row["authorization_id"],
                "refresh",
                settings.refresh_token_expires_in,
                refresh_token,
            ),
        )
    if tx.now - row["rotated_at"] <= settings.refresh_reuse_grace:
        issued = [
            tx.one("SELECT id, expires_at FROM tokens WHERE token_hash = ?", (digest(secret),))
            for secret in (access_token, refresh_token)
        ]
        if all(issued):
            return (
                Issued(issued[0]["id"], access_token, issued[0]["expires_at"]),
                Issued(issued[1]["id"], refresh_token, issued[1]["expires_at"]),
            )
    log.warning(
        "refresh token reused after rotation; revoking authorization %s", row["authorization_id"]
    )
    tx.execute("DELETE FROM authorizations WHERE id = ?", (row["authorization_id"],))
    raise not_found("refresh token (it may be revoked or expired)")


def exchange_device_code(ctx: Context, client, code: str) -> dict:
    authorization, access, refresh_token = devices.exchange(ctx, client, code)
    return render(ctx.tx, authorization, access, refresh_token, {"code": code, "type": DEVICE_CODE})


EXCHANGES = {
    "authorization_code": exchange_code,
    "refresh_token": refresh,
    DEVICE_CODE: exchange_device_code,
}


def _find_client_token(tx: Transaction, client, token: str | None):
    """The token *token* issued to *client* (any kind, live or not), or None."""
    if not token:
        return None
    return tx.one(
        """SELECT t.*, a.user_id, a.scope, a.session_id FROM tokens t
           JOIN authorizations a ON a.id = t.authorization_id
           WHERE t.token_hash = ? AND a.client_id = ?""",
        (digest(token), client["id"]),
    )


def revoke(ctx: Context):
    """POST /oauth/tokens/actions/revoke (RFC 7009): 200 whether or not the token was known.

    Revoking a refresh token revokes its whole authorization; an access token
    only itself.  Another client's token is left alone.
    """
    client = clients.authenticate(ctx.tx, ctx.body)
    row = _find_client_token(ctx.tx, client, text(ctx.body, "token"))
    if row is not None and row["kind"] == "refresh":
        ctx.tx.execute("DELETE FROM authorizations WHERE id = ?", (row["authorization_id"],))
    elif row is not None:
        ctx.tx.execute("DELETE FROM tokens WHERE id = ?", (row["id"],))
    return json_response(200, {})


def introspect(ctx: Context):
    """POST /oauth/tokens/actions/introspect (RFC 7662), for the token's own client only."""
    tx = ctx.tx
    client = clients.authenticate(tx, ctx.body)
    row = _find_client_token(tx, client, text(ctx.body, "token"))
    live = (
        row is not None
        and row["expires_at"] > tx.now
        and row["rotated_at"] is None
        and _live_authorization(tx, row["authorization_id"]) is not None
    )
    user = live and tx.one("SELECT * FROM users WHERE id = ?", (row["user_id"],))
    if not user or user["suspended_at"] is not None:
        return json_response(200, {"active": False})
    return json_response(
        200,
        {
            "active": True,
            "scope": json.loads(row["scope"]),
            "client_id": client["id"],
            "user": {"id": user["id"], "email": user["email"]},
            "expires_at": iso(row["expires_at"]),
            "created_at": iso(row["created_at"]),
            "token_type": f"{row['kind']}_token",
        },
    )
