"""The account pages (``/account``, ``/account/password``, ``/account/sessions``): one module
each, all behind login, acting with Identity's token for the logged-in person.

``page`` is what they share: no working login sends the person to log in and
back; an API without the page's call says the feature is unavailable.
"""

from __future__ import annotations

from collections.abc import Callable

from webob import Response

from identity import errors
from identity.views import identity_token
from identity.views.login import login_first
from identity.views.render import error_page

UNAVAILABLE = "This feature is unavailable with the API this service uses."


def page(request, view: Callable[[], Response], back: str) -> Response:
    """*view()*, behind login: ``Unauthorized`` (after one refresh) logs in again and
    comes back to *back*; ``FeatureUnavailable`` is a page saying so."""
    if not identity_token.usable(request):
        return login_first(request, back)
    try:
        return view()
    except errors.Unauthorized:
        return login_first(request, back)
    except errors.FeatureUnavailable:
        return error_page(request, 501, "Feature unavailable", UNAVAILABLE)


def api_call(request, action):
    """*action(access_token)*, refreshing Identity's token once on a 401."""
    return identity_token.call(request, action)
