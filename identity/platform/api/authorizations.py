"""``/oauth/authorizations``: create (the login dance #1, a third-party grant #2), list,
info, delete."""

from __future__ import annotations

from identity.platform.api.auth import PasswordCredentials, unauthorized
from identity.platform.api.errors import invalid_params
from identity.platform.api.http import Context, iso, json_response, seconds_left
from identity.platform.api.params import client_id, flag, section, text
from identity.platform.api.ranges import page, parse
from identity.platform.domain import authorizations
from identity.platform.domain.authorizations import Created, Issued
from identity.platform.store.authorizations import Listed, TokenSummary


def _token(ctx: Context, issued: Issued | TokenSummary | None) -> dict | None:
    if issued is None:
        return None
    secret = issued.secret if isinstance(issued, Issued) else None
    return {"id": issued.id, "token": secret, "expires_in": seconds_left(ctx, issued.expires_at)}


def _body(ctx: Context, authorization, user, client: dict | None) -> dict:
    return {
        "id": authorization.id,
        "scope": authorization.scopes,
        "description": authorization.description,
        "created_at": iso(authorization.created_at),
        "updated_at": iso(authorization.updated_at),
        # Not Heroku's: when a token of it was last used or refreshed (to the minute).
        "last_used_at": iso(authorization.last_used_at),
        "client": client,
        "grant": None,
        "session": {"id": authorization.session_id} if authorization.session_id else None,
        "user": {"id": user.id, "email": user.email, "full_name": user.name},
    }


def render_listed(ctx: Context, listed: Listed, user) -> dict:
    """An authorization as the API shows it later: token ids and expiry, no secrets."""
    client = None
    if listed.authorization.client_id is not None:
        client = {
            "id": listed.authorization.client_id,
            "name": listed.client_name,
            "redirect_uri": listed.client_redirect_uri,
        }
        if ctx.legacy_ids:
            client["legacy_id"] = listed.client_legacy_id
    body = _body(ctx, listed.authorization, user, client)
    body["access_token"] = _token(ctx, listed.access)
    body["refresh_token"] = _token(ctx, listed.refresh)
    return body


def _render_created(ctx: Context, created: Created) -> dict:
    client = None
    if created.client is not None:
        client = {
            "id": created.client.id,
            "name": created.client.name,
            "redirect_uri": created.client.redirect_uri,
        }
        if ctx.legacy_ids:
            client["legacy_id"] = created.client.legacy_id
    body = _body(ctx, created.authorization, created.user, client)
    if created.grant is not None:
        body["grant"] = {
            "id": created.grant.id,
            "code": created.grant.secret,
            "expires_in": seconds_left(ctx, created.grant.expires_at),
        }
    body["access_token"] = _token(ctx, created.access)
    body["refresh_token"] = _token(ctx, created.refresh)
    return body


def _expires_in(body: dict) -> int | None:
    value = body.get("expires_in")
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise invalid_params("expires_in must be a positive whole number of seconds.")
    return value


def _request(ctx: Context) -> authorizations.Request:
    body = ctx.body
    return authorizations.Request(
        client_id=client_id(body),
        scope=authorizations.normalize_scope(body.get("scope")),
        description=text(body, "description"),
        expires_in=_expires_in(body),
        create_session=flag(body, "create_session"),
        create_tokens=flag(body, "create_tokens"),
        session_id=text(section(body, "session"), "id", label="session.id"),
        user_agent=ctx.header("User-Agent") or None,
    )


def prepare_create(ctx: Context) -> None:
    """The login dance's password check, ahead of the write lock (routes.py)."""
    credentials = ctx.credentials(password_allowed=True)
    if isinstance(credentials, PasswordCredentials):
        authorizations.prepare_login(ctx.work, credentials.email, credentials.password)


def create(ctx: Context):
    """POST /oauth/authorizations: the login dance (#1) or a third-party grant (#2)."""
    credentials = ctx.credentials(password_allowed=True)
    if credentials is None:
        raise unauthorized("Credentials are required.")
    request = _request(ctx)
    if isinstance(credentials, PasswordCredentials):
        code = ctx.header("Heroku-Two-Factor-Code") or None
        created = authorizations.create_by_password(
            ctx.work, credentials.email, credentials.password, code, request
        )
    else:
        created = authorizations.create_by_token(ctx.work, ctx.token_auth(), request)
    return json_response(201, _render_created(ctx, created))


def list_all(ctx: Context):
    """GET /oauth/authorizations: the caller's authorizations, paged by ``Range``."""
    auth = ctx.token_auth()
    ids = parse(ctx.request.headers.get("Range"))
    rows = authorizations.page(ctx.work, auth, ids)
    rows, status, headers = page(ids, rows, lambda listed: listed.authorization.id)
    return json_response(status, [render_listed(ctx, row, auth.user) for row in rows], headers)


def info(ctx: Context, id: str):
    """GET /oauth/authorizations/{id} (``~``: the calling token's own)."""
    auth = ctx.token_auth()
    return json_response(200, render_listed(ctx, authorizations.own(ctx.work, auth, id), auth.user))


def delete(ctx: Context, id: str):
    """DELETE /oauth/authorizations/{id}: revoke it with its grants and tokens."""
    auth = ctx.token_auth()
    found = authorizations.revoke(ctx.work, auth, id)
    return json_response(200, render_listed(ctx, found, auth.user))
