"""OAuth authorizations: the login dance, third-party grants, list, info, delete.

``POST /oauth/authorizations`` has two callers (heroku-api.md §3.1):

- *password* (the login dance, #1): Basic ``email:password`` and maybe
  ``Heroku-Two-Factor-Code``.  With Identity's privileged client,
  ``create_session`` opens a session and ``create_tokens`` issues access and
  refresh tokens at once.
- *token* (#2): Identity, with its own token, creates the authorization of a
  third-party client, linked to the person's session (``session.id``), and
  gets a single-use grant code for the client.

Only a privileged caller (the password flow for the privileged client, or a
token of the privileged client) may create sessions, tokens or session
links.  Without a client the authorization is "direct" (like the Heroku CLI's
login): it gets an access token and no grant.  Scopes are stored sorted and
unique; none means ``["global"]``.
"""

from __future__ import annotations

import json

from identity.platform import logins, sessions
from identity.platform.auth import PasswordCredentials, TokenAuth
from identity.platform.clients import get as get_client
from identity.platform.db import Transaction
from identity.platform.errors import (
    bad_request,
    forbidden,
    invalid_params,
    not_found,
    unauthorized,
)
from identity.platform.grants import (
    Issued,
    insert_authorization,
    issue_grant,
    issue_token,
    normalize_scope,
)
from identity.platform.http import Context, iso, json_response, seconds_left
from identity.platform.params import client_id, flag, section, text
from identity.platform.ranges import page


def render(
    tx: Transaction,
    row,
    user,
    client,
    *,
    legacy: bool,
    issued: dict[str, Issued] | None = None,
):
    """The authorization object of *row*, whose *user* and *client* (or None) the caller
    has already read; secrets appear only in *issued* (just created)."""
    issued = issued or {}
    body = {
        "id": row["id"],
        "scope": json.loads(row["scope"]),
        "description": row["description"],
        "created_at": iso(row["created_at"]),
        "updated_at": iso(row["updated_at"]),
        "client": None,
        "grant": None,
        "session": {"id": row["session_id"]} if row["session_id"] else None,
        "user": {"id": user["id"], "email": user["email"], "full_name": user["name"]},
    }
    if client is not None:
        body["client"] = {
            "id": client["id"],
            "name": client["name"],
            "redirect_uri": client["redirect_uri"],
        }
        if legacy:
            body["client"]["legacy_id"] = client["legacy_id"]
    if "grant" in issued:
        grant = issued["grant"]
        body["grant"] = {
            "id": grant.id,
            "code": grant.secret,
            "expires_in": seconds_left(tx, grant.expires_at),
        }
    for kind in ("access", "refresh"):
        body[f"{kind}_token"] = _token(tx, row["id"], kind, issued.get(kind))
    return body


def _token(tx: Transaction, authorization_id: str, kind: str, issued: Issued | None):
    if issued is not None:
        token_id, secret, expires_at = issued.id, issued.secret, issued.expires_at
    else:
        latest = tx.one(
            """SELECT id, expires_at FROM tokens
               WHERE authorization_id = ? AND kind = ? AND expires_at > ?
               ORDER BY created_at DESC LIMIT 1""",
            (authorization_id, kind, tx.now),
        )
        if latest is None:
            return None
        token_id, secret, expires_at = latest["id"], None, latest["expires_at"]
    return {"id": token_id, "token": secret, "expires_in": seconds_left(tx, expires_at)}


def _expires_in(body: dict) -> int | None:
    value = body.get("expires_in")
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise invalid_params("expires_in must be a positive whole number of seconds.")
    return value


def prepare_create(ctx: Context) -> None:
    """The login dance's password check, ahead of the write lock (routes.py)."""
    credentials = ctx.credentials(password_allowed=True)
    if isinstance(credentials, PasswordCredentials):
        logins.prepare(ctx, credentials)


def create(ctx: Context):
    """POST /oauth/authorizations: the login dance (#1) or a third-party grant (#2)."""
    tx, settings, body = ctx.tx, ctx.settings, ctx.body
    credentials = ctx.credentials(password_allowed=True)
    if credentials is None:
        raise unauthorized("Credentials are required.")
    wanted_id = client_id(body)
    client = get_client(tx, wanted_id)
    if wanted_id and client is None:
        raise bad_request("Unknown OAuth client.")
    scope = normalize_scope(body.get("scope"))
    description = text(body, "description")
    lifetime = _expires_in(body)
    create_session = flag(body, "create_session")
    create_tokens = flag(body, "create_tokens")
    session_ref = text(section(body, "session"), "id", label="session.id")

    if isinstance(credentials, PasswordCredentials):
        user = logins.authenticate_password(ctx, credentials, second_factor=True)
        privileged = bool(client and client["privileged"])
    else:
        auth: TokenAuth = ctx.token_auth()
        auth.require_scope()
        user, privileged = auth.user, auth.privileged
    if (create_session or create_tokens or session_ref) and not privileged:
        raise forbidden("Only a privileged client may create sessions or tokens.")

    client_key = client["id"] if client else None
    if create_session:
        session_id = sessions.create(
            tx, user["id"], client_key, ctx.ip, settings.session_expires_in
        )
    elif session_ref:
        session_id = sessions.find_live(tx, session_ref, user["id"])["id"]
    else:
        session_id = None
    authorization_id = insert_authorization(
        tx, user["id"], client_key, session_id, scope, description
    )

    issued: dict[str, Issued] = {}
    if client is not None:
        issued["grant"] = issue_grant(tx, authorization_id, settings.grant_expires_in)
    if create_tokens:
        issued["access"] = issue_token(
            tx, authorization_id, "access", settings.access_token_expires_in
        )
        issued["refresh"] = issue_token(
            tx, authorization_id, "refresh", settings.refresh_token_expires_in
        )
    elif client is None:
        # A direct authorization (Heroku CLI style) is its token; its lifetime
        # may be asked for, up to the refresh-token lifetime.
        issued["access"] = issue_token(
            tx,
            authorization_id,
            "access",
            min(lifetime or settings.access_token_expires_in, settings.refresh_token_expires_in),
        )
    row = tx.one("SELECT * FROM authorizations WHERE id = ?", (authorization_id,))
    return json_response(201, render(tx, row, user, client, legacy=ctx.legacy_ids, issued=issued))


def _own(ctx: Context, id: str) -> tuple[TokenAuth, object]:
    """The caller's token and authorization *id* (``~``: the one of the calling token),
    or 404."""
    auth = ctx.token_auth()
    if id == "~":
        id = auth.authorization_id
    else:
        auth.require_scope()
    row = ctx.tx.one(
        "SELECT * FROM authorizations WHERE id = ? AND user_id = ?", (id, auth.user["id"])
    )
    if row is None:
        raise not_found("authorization")
    return auth, row


def list_all(ctx: Context):
    """GET /oauth/authorizations: the caller's authorizations, paged by ``Range``."""
    auth = ctx.token_auth()
    auth.require_scope()
    rows, status, headers = page(
        ctx.tx,
        "SELECT * FROM authorizations WHERE user_id = ?",
        (auth.user["id"],),
        ctx.request.headers.get("Range"),
    )
    # Every login adds an authorization, so the list is long and names few clients.
    client_rows = {key: get_client(ctx.tx, key) for key in {row["client_id"] for row in rows}}
    body = [
        render(ctx.tx, row, auth.user, client_rows[row["client_id"]], legacy=ctx.legacy_ids)
        for row in rows
    ]
    return json_response(status, body, headers)


def _render_own(ctx: Context, auth: TokenAuth, row) -> dict:
    client = get_client(ctx.tx, row["client_id"])
    return render(ctx.tx, row, auth.user, client, legacy=ctx.legacy_ids)


def info(ctx: Context, id: str):
    """GET /oauth/authorizations/{id}."""
    auth, row = _own(ctx, id)
    return json_response(200, _render_own(ctx, auth, row))


def delete(ctx: Context, id: str):
    """DELETE /oauth/authorizations/{id}: revoke it with its grants and tokens."""
    auth, row = _own(ctx, id)
    body = _render_own(ctx, auth, row)
    ctx.tx.execute("DELETE FROM authorizations WHERE id = ?", (row["id"],))
    return json_response(200, body)
