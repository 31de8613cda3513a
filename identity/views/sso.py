"""SSO hand-off (``SSO_BASE_URL``): people who logged in through an SSO entity
go back to it when a client asks for authorization.

The hand-off is skipped while Identity's token for them still works (#9),
so a fresh SSO login is not bounced straight back to the SSO service.
"""

from __future__ import annotations

from webob import Response

from identity import errors
from identity.views.render import redirect
from identity.views.urls import local_path


def hand_off(request, authorize_pairs) -> Response | None:
    """The redirect to the person's SSO entity, or None to authorize here.

    *authorize_pairs* (the authorization request) is kept in the session to be
    replayed when the SSO service logs the person in again (``/login/external``).
    """
    session, settings = request.session, request.settings
    entity = session.get("sso_entity")
    if not entity or not settings.sso_base_url:
        return None
    try:
        request.api.get_account(session["access_token"])
        return None
    except (errors.Unauthorized, errors.Forbidden, errors.NotFound):
        # Fails closed on purpose: a token the API won't take means the SSO
        # service must vouch for the person again.
        pass
    session["authorize_params"] = [list(pair) for pair in authorize_pairs]
    return redirect(request, entity_url(settings, entity))


def entity_url(settings, entity: str) -> str:
    """Where the SSO service logs in people of *entity*: ``SSO_BASE_URL/<entity>``."""
    return local_path(settings.sso_base_url, entity)
