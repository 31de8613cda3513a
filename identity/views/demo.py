"""The demo client's callback page, so a first start can be tried end to end.

`identity serve` creates a "Demo client" on a fresh development database whose
redirect URI is this page.  It shows the code it received and how to exchange
it; it exchanges nothing itself.  Outside development it does not exist.
"""

from __future__ import annotations

from webob import Response

from identity.views.render import not_found, render


def callback(request) -> Response:
    if request.settings.identity_env != "development":
        return not_found(request)
    return render(
        request,
        "demo_callback.mako",
        code=request.GET.get("code"),
        error=request.GET.get("error"),
        state=request.GET.get("state"),
        token_url=f"{request.settings.public_url}/oauth/token",
        redirect_uri=f"{request.settings.public_url}/demo/callback",
    )
