"""OAuth clients: registration and management (CLI), authentication.

A client is *confidential* (has a secret, stored hashed) or *public* (native
or browser apps: identified by id alone; Identity requires PKCE of them).
``privileged`` is Heroku's ``can_manage_authorizations``: only Identity's own
client has it.  ``legacy_id`` is the 24-hex id of Heroku's old clients.

A client has one or more redirect URIs (the first is the default, and the
``redirect_uri`` of Heroku-shaped answers) and any number of post-logout
redirect URIs (OpenID Connect RP-initiated logout).  Redirect URIs must be
absolute without fragment: ``https``; ``http`` only on loopback hosts; for
public clients also private-use schemes in reverse-DNS form
(``com.example.app:/cb``, RFC 8252 §7.1).
"""

from __future__ import annotations

import re
import secrets
import urllib.parse
from collections.abc import Iterable

from identity.platform.domain import ratelimit
from identity.platform.domain.errors import InvalidParams, NotFound, Unauthorized
from identity.platform.domain.secrets import digest, new_id, new_secret
from identity.platform.domain.work import Work
from identity.platform.store import clients
from identity.platform.store.clients import Client
from identity.platform.store.database import Database, Transaction

LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}
CLIENT_ID = re.compile(r"[A-Za-z0-9._~-]{1,100}")
PRIVATE_SCHEME = re.compile(r"[a-z][a-z0-9+-]*(\.[a-z0-9+-]+)+")
#: Wrong client credentials per caller IP: the attacker spends their own budget.
WRONG_SECRET_LIMIT = ratelimit.Limit(20, 15 * 60)
#: What the CLI may change with ``identity client update``.
UPDATABLE = (
    "name",
    "description",
    "redirect_uris",
    "post_logout_redirect_uris",
    "trusted",
    "ignores_delinquent",
)


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


def _uris(values: str | Iterable[str], *, public: bool, privileged: bool, label: str) -> list:
    uris = [values] if isinstance(values, str) else list(values)
    for uri in uris:
        problem = redirect_uri_problem(uri, public=public, privileged=privileged)
        if problem:
            raise InvalidParams(problem.replace("redirect_uri", label))
    return list(dict.fromkeys(uris))


def create_client(
    db: Database,
    name: str,
    redirect_uri: str | Iterable[str],
    *,
    redirect_uris: Iterable[str] = (),
    post_logout_redirect_uris: Iterable[str] = (),
    trusted: bool = False,
    public: bool = False,
    ignores_delinquent: bool = False,
    privileged: bool = False,
    description: str | None = None,
    secret: str | None = None,
    client_id: str | None = None,
) -> dict:
    """Register a client; the secret is returned this once (none for public clients).

    *redirect_uri* is the default (or a list of URIs whose first is);
    *redirect_uris* are further exact ones.
    """
    if not name or not name.strip():
        raise InvalidParams("name is required.")
    if public and privileged:
        raise InvalidParams("A public client cannot be privileged.")
    first = [redirect_uri] if isinstance(redirect_uri, str) else list(redirect_uri)
    redirect_uris = _uris(
        [*first, *redirect_uris], public=public, privileged=privileged, label="redirect_uri"
    )
    if not redirect_uris:
        raise InvalidParams("redirect_uri is required.")
    logout_uris = _uris(
        post_logout_redirect_uris,
        public=public,
        privileged=privileged,
        label="post_logout_redirect_uri",
    )
    if client_id is not None and not CLIENT_ID.fullmatch(client_id):
        raise InvalidParams("client id may only use letters, digits and . _ ~ -")
    if public and secret:
        raise InvalidParams("A public client has no secret.")
    client_id = client_id or new_id()
    secret = None if public else (secret or new_secret())
    with db.transaction(write=True) as tx:
        if clients.taken(tx, client_id, digest(secret) if secret else None):
            raise InvalidParams("A client with this id or secret already exists.")
        clients.insert(
            tx,
            client_id,
            secrets.token_hex(12),
            name.strip(),
            description=description,
            secret_hash=digest(secret) if secret else None,
            redirect_uris=redirect_uris,
            post_logout_redirect_uris=logout_uris,
            trusted=trusted,
            public=public,
            ignores_delinquent=ignores_delinquent,
            privileged=privileged,
        )
    # Exactly what DESIGN.md documents for `identity client add`; `show` tells the rest.
    created = {
        "id": client_id,
        "name": name.strip(),
        "redirect_uri": redirect_uris[0],
        "trusted": trusted,
        "public": public,
    }
    if secret:
        created["secret"] = secret
    return created


def describe(client: Client) -> dict:
    """The client as the CLI prints it (never its secret)."""
    return {
        "id": client.id,
        "name": client.name,
        "description": client.description,
        "redirect_uri": client.redirect_uri,
        "redirect_uris": client.uris,
        "post_logout_redirect_uris": client.post_logout_uris,
        "trusted": client.trusted,
        "public": client.public,
        "ignores_delinquent": client.ignores_delinquent,
        "privileged": client.privileged,
    }


def find_client(db: Database, client_id: str) -> Client | None:
    with db.transaction(write=False) as tx:
        return clients.get(tx, client_id)


def _existing(tx: Transaction, client_id: str) -> Client:
    found = clients.get(tx, client_id)
    if found is None:
        raise NotFound("client")
    return found


def list_clients(db: Database) -> list[dict]:
    with db.transaction(write=False) as tx:
        return [describe(client) for client in clients.all_clients(tx)]


def show_client(db: Database, client_id: str) -> dict:
    with db.transaction(write=False) as tx:
        return describe(_existing(tx, client_id))


def update_client(db: Database, client_id: str, **changes) -> dict:
    """Change what ``UPDATABLE`` names (None: keep); URIs are checked as at registration."""
    changes = {k: v for k, v in changes.items() if v is not None}
    unknown = set(changes) - set(UPDATABLE)
    if unknown:
        raise InvalidParams(f"cannot change {', '.join(sorted(unknown))}")
    with db.transaction(write=True) as tx:
        client = _existing(tx, client_id)
        kind = {"public": client.public, "privileged": client.privileged}
        if "name" in changes and not changes["name"].strip():
            raise InvalidParams("name is required.")
        if "redirect_uris" in changes:
            changes["redirect_uris"] = _uris(changes["redirect_uris"], label="redirect_uri", **kind)
            if not changes["redirect_uris"]:
                raise InvalidParams("redirect_uri is required.")
        if "post_logout_redirect_uris" in changes:
            changes["post_logout_redirect_uris"] = _uris(
                changes["post_logout_redirect_uris"], label="post_logout_redirect_uri", **kind
            )
        if changes:
            clients.update(tx, client_id, **changes)
        return describe(clients.get(tx, client_id))


def rotate_secret(db: Database, client_id: str) -> dict:
    """A new secret for a confidential client (shown once); the old one stops working."""
    with db.transaction(write=True) as tx:
        client = _existing(tx, client_id)
        if client.public:
            raise InvalidParams("A public client has no secret.")
        secret = new_secret()
        clients.update(tx, client_id, secret_hash=digest(secret))
        return {**describe(client), "secret": secret}


def delete_client(db: Database, client_id: str) -> dict:
    """Delete the client with every authorization, grant and token it has."""
    with db.transaction(write=True) as tx:
        described = describe(_existing(tx, client_id))
        clients.delete(tx, client_id)
    return described


def authenticate(work: Work, client_id: str | None, secret: str | None) -> Client:
    """The client proving itself: a confidential one by its secret (the id optional, as
    Identity sends the secret alone, but it must match), a public one by its id.

    ``Unauthorized`` otherwise; wrong credentials are counted per caller IP, and
    over ``WRONG_SECRET_LIMIT`` the answer is ``RateLimited`` before anything is checked.
    """
    tx = work.tx
    bucket = f"client-auth-ip:{work.ip}"
    # Not exact: every token request passes here, and must not queue on one lock per IP.
    message = "Too many failed client authentications."
    ratelimit.enforce(tx, bucket, WRONG_SECRET_LIMIT, message, exact=False)
    if secret:
        found = clients.find_by_secret_hash(tx, digest(secret))
        if found is not None and client_id in (None, found.id):
            return found
    elif client_id:
        found = clients.get(tx, client_id)
        if found is not None and found.public:
            return found
    ratelimit.hit(tx, bucket)
    raise Unauthorized("Invalid client credentials.")
