"""Device authorization (RFC 8628): for apps without a browser.

1. The device asks ``POST /oauth/device-authorizations`` (client credentials;
   public clients by id) and gets a ``device_code`` (secret, for polling) and
   a short ``user_code`` (shown to the person, e.g. ``BCDF-GHJK``).
2. The person enters the user code at Identity, which looks it up
   (``GET /oauth/device-authorizations/{user_code}``) and approves or denies it
   with the person's token.  Wrong user codes are counted per person: 10 in
   15 minutes -> 429, as 20^8 codes are guessable otherwise.
3. The device polls ``POST /oauth/tokens`` with the device_code grant and gets
   ``authorization_pending``, ``slow_down`` (polled faster than ``interval``;
   the interval then grows by 5 s), ``access_denied``, ``expired_token``, or,
   once, its tokens.

Both codes are stored hashed.  Approval and the exchange are each one
conditional UPDATE, so a code is approved once and exchanged once.  The
approving session is recorded, so logging out revokes what the device got.
"""

from __future__ import annotations

import json
import secrets

from identity.platform import clients, ratelimit, sessions
from identity.platform.auth import check_not_suspended
from identity.platform.db import Transaction
from identity.platform.errors import PlatformError, not_found
from identity.platform.grants import (
    Issued,
    insert_authorization,
    issue_token,
    normalize_scope,
)
from identity.platform.http import Context, json_response, seconds_left
from identity.platform.params import section, text
from identity.platform.tokens import digest, new_id, new_secret

#: Consonants only: no vowels (no words), no look-alikes such as 0/O, 1/I.
USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ"
USER_CODE_LENGTH = 8
WRONG_CODE_LIMIT = ratelimit.Limit(10, 15 * 60)
SLOW_DOWN_STEP = 5


def _new_user_code() -> str:
    code = "".join(secrets.choice(USER_CODE_ALPHABET) for _ in range(USER_CODE_LENGTH))
    return f"{code[:4]}-{code[4:]}"


def _normalize_user_code(code: str) -> str:
    return "".join(c for c in code.upper() if c.isalnum())


def _error(id: str, message: str) -> PlatformError:
    return PlatformError(400, id, message)


def create(ctx: Context):
    """POST /oauth/device-authorizations."""
    tx, settings = ctx.tx, ctx.settings
    client = clients.authenticate(tx, ctx.body)
    scope = normalize_scope(ctx.body.get("scope"))
    device_code, user_code = new_secret(), _new_user_code()
    tx.execute(
        """INSERT INTO device_authorizations (id, client_id, device_code_hash, user_code_hash,
               scope, interval, created_at, expires_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            new_id(),
            client["id"],
            digest(device_code),
            digest(_normalize_user_code(user_code)),
            json.dumps(scope),
            settings.device_code_interval,
            tx.now,
            tx.now + settings.device_code_expires_in,
        ),
    )
    return json_response(
        201,
        {
            "device_code": device_code,
            "user_code": user_code,
            "expires_in": settings.device_code_expires_in,
            "interval": settings.device_code_interval,
        },
    )


def _pending(ctx: Context, user_code: str):
    """The caller's token, and the pending request of *user_code*, or 404 (counted)."""
    auth = ctx.token_auth()
    auth.require_scope()
    auth.require_privileged()
    bucket = f"device-user-code:{auth.user['id']}"
    ratelimit.enforce(ctx.tx, bucket, WRONG_CODE_LIMIT, "Too many wrong codes; wait a while.")
    row = ctx.tx.one(
        """SELECT * FROM device_authorizations
           WHERE user_code_hash = ? AND status = 'pending' AND expires_at > ?""",
        (digest(_normalize_user_code(user_code)), ctx.tx.now),
    )
    if row is None:
        ratelimit.hit(ctx.tx, bucket)
        raise not_found("device authorization")
    return auth, row


def info(ctx: Context, user_code: str):
    """GET /oauth/device-authorizations/{user_code}: what the person is asked to approve."""
    _, row = _pending(ctx, user_code)
    client = clients.get(ctx.tx, row["client_id"])
    return json_response(
        200,
        {
            "client": {
                "id": client["id"],
                "name": client["name"],
                "description": client["description"],
            },
            "scope": json.loads(row["scope"]),
            "expires_in": seconds_left(ctx.tx, row["expires_at"]),
        },
    )


def _decide(ctx: Context, user_code: str, status: str):
    auth, row = _pending(ctx, user_code)
    session_ref = text(section(ctx.body, "session"), "id", label="session.id")
    session_id = None
    if status == "approved" and session_ref:
        session_id = sessions.find_live(ctx.tx, session_ref, auth.user["id"])["id"]
    decided = ctx.tx.execute(
        """UPDATE device_authorizations SET status = ?, user_id = ?, session_id = ?
           WHERE id = ? AND status = 'pending'""",
        (status, auth.user["id"], session_id, row["id"]),
    ).rowcount
    if not decided:
        raise not_found("device authorization")
    return json_response(200, {})


def approve(ctx: Context, user_code: str):
    """POST /oauth/device-authorizations/{user_code}/actions/approve."""
    return _decide(ctx, user_code, "approved")


def deny(ctx: Context, user_code: str):
    """POST /oauth/device-authorizations/{user_code}/actions/deny."""
    return _decide(ctx, user_code, "denied")


def exchange(ctx: Context, client, device_code: str) -> tuple[object, Issued, Issued]:
    """The device_code grant: (authorization, access, refresh), or one of RFC 8628's errors
    (or 403 ``suspended`` for an approver suspended since)."""
    tx, settings = ctx.tx, ctx.settings
    row = tx.one(
        "SELECT * FROM device_authorizations WHERE device_code_hash = ? AND client_id = ?",
        (digest(device_code), client["id"]),
    )
    if row is None or row["used_at"] is not None:
        raise not_found("device code")
    if row["expires_at"] <= tx.now:
        raise _error("expired_token", "The device code has expired.")
    _check_poll_rate(tx, row)
    if row["status"] == "pending":
        raise _error("authorization_pending", "The person has not answered yet.")
    if row["status"] == "denied":
        raise _error("access_denied", "The person denied the request.")
    spent = tx.execute(
        """UPDATE device_authorizations SET used_at = ?
           WHERE id = ? AND status = 'approved' AND used_at IS NULL AND expires_at > ?""",
        (tx.now, row["id"], tx.now),
    ).rowcount
    if not spent:
        raise not_found("device code")
    # Before anything is issued: a 403 commits (errors.py), and must leave no tokens.
    check_not_suspended(tx.one("SELECT * FROM users WHERE id = ?", (row["user_id"],)))
    authorization_id = insert_authorization(
        tx,
        row["user_id"],
        client["id"],
        row["session_id"],
        json.loads(row["scope"]),
    )
    access = issue_token(tx, authorization_id, "access", settings.access_token_expires_in)
    refresh = issue_token(tx, authorization_id, "refresh", settings.refresh_token_expires_in)
    authorization = tx.one("SELECT * FROM authorizations WHERE id = ?", (authorization_id,))
    return authorization, access, refresh


def _check_poll_rate(tx: Transaction, row) -> None:
    """400 ``slow_down`` (and a longer interval) when polled faster than the interval."""
    too_soon = row["last_polled_at"] is not None and (
        tx.now - row["last_polled_at"] < row["interval"]
    )
    tx.execute(
        "UPDATE device_authorizations SET last_polled_at = ?, interval = interval + ? WHERE id = ?",
        (tx.now, SLOW_DOWN_STEP if too_soon else 0, row["id"]),
    )
    if too_soon:
        raise _error("slow_down", "Polling too fast; wait longer between requests.")
