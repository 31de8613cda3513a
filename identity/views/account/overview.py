"""``GET /account``: who is logged in, two-factor, how many apps and logins, links."""

from __future__ import annotations

from webob import Response

from identity import errors
from identity.views.account import api_call, page
from identity.views.account.applications import applications
from identity.views.render import render


def overview(request) -> Response:
    return page(request, lambda: _overview(request), "/account")


def _overview(request) -> Response:
    account = api_call(request, request.api.get_account)
    return render(
        request,
        "account/overview.mako",
        name=account.get("name") or "",
        email=account.get("email") or request.session["user"]["email"],
        two_factor=bool(account.get("two_factor_authentication")),
        applications=_count(lambda: len(applications(request))),
        sessions=_count(lambda: len(api_call(request, request.api.list_sessions))),
    )


def _count(how) -> int | None:
    """A number for the overview, or None when the API can't tell (fails open on purpose:
    the overview is still worth showing)."""
    try:
        return how()
    except errors.FeatureUnavailable:
        return None
