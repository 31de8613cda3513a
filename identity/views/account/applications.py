"""``/account/applications``: every client the person authorized, and revoking one.

Revoking deletes every authorization of the client (Heroku's "OAuth
Authorization Delete"), so its tokens end, and with them the remembered
consent: the next authorize asks again.
"""

from __future__ import annotations

import dataclasses

from webob import Response

from identity import logs
from identity.oauth.scopes import describe
from identity.views.account import api_call, page
from identity.views.render import redirect, render

PATH = "/account/applications"


@dataclasses.dataclass(frozen=True)
class Application:
    client_id: str
    name: str
    scopes: tuple[str, ...]  # in words
    approved_at: str | None
    last_used_at: str | None
    authorization_ids: tuple[str, ...]


def applications(request) -> list[Application]:
    """The person's authorizations grouped by client, Identity's own left out."""
    own = request.registry.api.upstream.oauth_id
    grouped: dict[str, list] = {}
    for a in api_call(request, request.api.list_authorizations):
        if a.client_id and a.client_id != own:
            grouped.setdefault(a.client_id, []).append(a)
    found = []
    for client_id, entries in grouped.items():
        scopes = sorted({s for a in entries for s in a.scope})
        created = [a.created_at for a in entries if a.created_at]
        used = [a.last_used_at for a in entries if a.last_used_at]
        found.append(
            Application(
                client_id=client_id,
                name=next((a.client_name for a in entries if a.client_name), client_id),
                scopes=tuple(describe(s) for s in scopes),
                approved_at=min(created) if created else None,
                last_used_at=max(used) if used else None,
                authorization_ids=tuple(a.id for a in entries if a.id),
            )
        )
    return sorted(found, key=lambda app: app.name.lower())


def listing(request) -> Response:
    return page(
        request,
        lambda: render(request, "account/applications.mako", applications=applications(request)),
        PATH,
    )


def revoke(request) -> Response:
    """POST /account/applications ``client_id``: end all its tokens and the consent."""
    return page(request, lambda: _revoke(request), PATH)


def _revoke(request) -> Response:
    chosen = request.POST.get("client_id", "")
    app = next((a for a in applications(request) if a.client_id == chosen), None)
    if app is None:
        return redirect(request, PATH, flash="That application has no access to your account.")
    for authorization_id in app.authorization_ids:
        api_call(
            request,
            lambda token, aid=authorization_id: request.api.delete_authorization(token, aid),
        )
    logs.audit("authorization.revoked", client_id=app.client_id)
    return redirect(request, PATH, flash=f"{app.name} no longer has access to your account.")
