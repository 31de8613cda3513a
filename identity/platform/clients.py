"""OAuth clients: registration (CLI), lookup, authentication, and client info.

A client is *confidential* (has a secret, stored hashed) or *public* (native
or browser apps: identified by id alone; Identity requires PKCE of them).
``privileged`` is Heroku's ``can_manage_authorizations``: only Identity's own
client has it.  ``legacy_id`` is the 24-hex id of Heroku's old clients,
shown only with ``X-Heroku-Legacy-Ids: true``.

Redirect URIs must be absolute without fragment: ``https``; ``http`` only on
loopback hosts; for public clients also private-use schemes in reverse-DNS
form (``com.example.app:/cb``, RFC 8252 §7.1).
"""

from __future__ import annotations

import json
import re
import secrets
import urllib.parse

from identity.platform.db import Database, Transaction
from identity.platform.errors import invalid_params, not_found, unauthorized
from identity.platform.http import Context, iso, json_response
from identity.platform.params import section, text
from identity.platform.tokens import digest, new_id, new_secret

LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}
CLIENT_ID = re.compile(r"[A-Za-z0-9._~-]{1,100}")
PRIVATE_SCHEME = re.compile(r"[a-z][a-z0-9+-]*(\.[a-z0-9+-]+)+")


def redirect_uri_problem(uri: str, *, public: bool, privileged: bool = False) -> str | None:
    """Why *uri* cannot be a redirect URI, or None.

    A privileged client (an Identity's own) never receives a code by
    redirect, so its URI may be plain http on any host, as a development
    Identity's address is.
    """
    try:
        parts = urllib.parse.urlsplit(uri)
        hostname = parts.hostname
    except ValueError:
        return "redirect_uri is not a valid URI."
    if any(c.isspace() for c in uri) or not parts.scheme:
        return "redirect_uri must be an absolute URI."
    if parts.fragment or "#" in uri:
        return "redirect_uri must not contain a fragment."
    scheme = parts.scheme.lower()
    if scheme == "https" and hostname:
        return None
    if scheme == "http" and hostname and (hostname in LOOPBACK_HOSTS or privileged):
        return None
    if scheme == "http":
        return "redirect_uri must use https (http only for localhost)."
    if public and PRIVATE_SCHEME.fullmatch(scheme) and parts.path:
        return None
    return "redirect_uri must be an https URI, or a reverse-DNS scheme for public clients."


def create_client(
    db: Database,
    name: str,
    redirect_uri: str,
    *,
    trusted: bool = False,
    public: bool = False,
    ignores_delinquent: bool = False,
    privileged: bool = False,
    description: str | None = None,
    secret: str | None = None,
    client_id: str | None = None,
    redirect_uris: list[str] | None = None,
    post_logout_redirect_uris: list[str] | None = None,
) -> dict:
    """Register a client; the secret is returned this once (none for public clients).

    *redirect_uris* are further exact redirect URIs (*redirect_uri* stays the
    first and the default); *post_logout_redirect_uris* are where RP-initiated
    logout may send people back to.
    """
    if not name or not name.strip():
        raise invalid_params("name is required.")
    all_redirects = list(dict.fromkeys([redirect_uri, *(redirect_uris or ())]))
    post_logout = list(dict.fromkeys(post_logout_redirect_uris or ()))
    for uri in all_redirects + post_logout:
        problem = redirect_uri_problem(uri, public=public, privileged=privileged)
        if problem:
            raise invalid_params(problem)
    if client_id is not None and not CLIENT_ID.fullmatch(client_id):
        raise invalid_params("client id may only use letters, digits and . _ ~ -")
    if public and secret:
        raise invalid_params("A public client has no secret.")
    client_id = client_id or new_id()
    secret = None if public else (secret or new_secret())
    with db.transaction(write=True) as tx:
        taken = tx.one(
            "SELECT 1 FROM clients WHERE id = ? OR secret_hash = ?",
            (client_id, digest(secret) if secret else None),
        )
        if taken:
            raise invalid_params("A client with this id or secret already exists.")
        tx.execute(
            """INSERT INTO clients (id, legacy_id, name, description, secret_hash, redirect_uri,
                   trusted, public, ignores_delinquent, privileged, created_at, updated_at,
                   redirect_uris, post_logout_redirect_uris)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                client_id,
                secrets.token_hex(12),
                name.strip(),
                description,
                digest(secret) if secret else None,
                redirect_uri,
                trusted,
                public,
                ignores_delinquent,
                privileged,
                tx.now,
                tx.now,
                json.dumps(all_redirects),
                json.dumps(post_logout),
            ),
        )
    created = {
        "id": client_id,
        "name": name.strip(),
        "redirect_uri": redirect_uri,
        "trusted": trusted,
        "public": public,
    }
    if secret:
        created["secret"] = secret
    return created


def find_client(db: Database, client_id: str) -> dict | None:
    """The client *client_id* (without its secret hash), or None."""
    with db.transaction(write=False) as tx:
        row = get(tx, client_id)
    if row is None:
        return None
    return {k: row[k] for k in row.keys() if k != "secret_hash"}  # noqa: SIM118 (sqlite3.Row)


def get(tx: Transaction, client_id: str | None):
    if client_id is None:
        return None
    return tx.one("SELECT * FROM clients WHERE id = ?", (client_id,))


def authenticate(tx: Transaction, body: dict):
    """The client named by ``body["client"]``, or 401.

    A confidential client proves itself with its secret (the id is optional,
    as Identity sends the secret alone); a public client gives its id alone.
    """
    client = section(body, "client")
    client_id = text(client, "id", label="client.id")
    secret = text(client, "secret", label="client.secret")
    if secret:
        row = tx.one("SELECT * FROM clients WHERE secret_hash = ?", (digest(secret),))
        if row is not None and client_id in (None, row["id"]):
            return row
    elif client_id:
        row = get(tx, client_id)
        if row is not None and row["public"]:
            return row
    raise unauthorized("Invalid client credentials.")


def render(row, *, legacy: bool) -> dict:
    body = {
        "id": row["id"],
        "name": row["name"],
        "description": row["description"],
        "redirect_uri": row["redirect_uri"],
        "redirect_uris": json.loads(row["redirect_uris"] or "null") or [row["redirect_uri"]],
        "post_logout_redirect_uris": json.loads(row["post_logout_redirect_uris"] or "[]"),
        "trusted": bool(row["trusted"]),
        "public": bool(row["public"]),
        "ignores_delinquent": bool(row["ignores_delinquent"]),
        "created_at": iso(row["created_at"]),
        "updated_at": iso(row["updated_at"]),
    }
    if legacy:
        body["legacy_id"] = row["legacy_id"]
    return body


def info(ctx: Context, id: str):
    """GET /oauth/clients/{id}: public info; delinquency headers for a delinquent caller."""
    auth = ctx.token_auth(optional=True)
    row = get(ctx.tx, id)
    if row is None:
        raise not_found("client")
    headers = {}
    if auth is not None and auth.user["delinquent_at"] is not None:
        headers = {"Heroku-Delinquent": "true", "Location": ctx.settings.delinquent_url}
    return json_response(200, render(row, legacy=ctx.legacy_ids), headers)
