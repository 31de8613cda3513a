"""``GET /oauth/clients/{id}``: a client's public description (heroku-api.md §3.2)."""

from __future__ import annotations

from identity.platform.api.errors import not_found
from identity.platform.api.http import Context, iso, json_response
from identity.platform.store import clients
from identity.platform.store.clients import Client


def render(client: Client, *, legacy: bool) -> dict:
    body = {
        "id": client.id,
        "name": client.name,
        "description": client.description,
        "redirect_uri": client.redirect_uri,
        # Extensions: every registered redirect URI (the first is redirect_uri),
        # and the post-logout ones of OpenID Connect RP-initiated logout.
        "redirect_uris": client.uris,
        "post_logout_redirect_uris": client.post_logout_uris,
        "trusted": client.trusted,
        "public": client.public,
        "ignores_delinquent": client.ignores_delinquent,
        "created_at": iso(client.created_at),
        "updated_at": iso(client.updated_at),
    }
    if legacy:
        body["legacy_id"] = client.legacy_id
    return body


def info(ctx: Context, id: str):
    """Public info; the delinquency headers (§3.10) when the caller's account is delinquent."""
    auth = ctx.token_auth(optional=True)
    client = clients.get(ctx.tx, id)
    if client is None:
        raise not_found("client")
    headers = {}
    if auth is not None and auth.user.delinquent_at is not None:
        headers = {"Heroku-Delinquent": "true", "Location": ctx.settings.delinquent_url}
    return json_response(200, render(client, legacy=ctx.legacy_ids), headers)
