"""Device authorization (RFC 8628) for command-line tools.

``POST /oauth/device/code`` gives the tool a device code and a user code.
The person opens ``verification_uri`` (``GET /oauth/device``), logs in if
needed, types the user code, sees what the tool asks for, and approves or
denies with a CSRF-protected POST.  The API binds the approval to the
person's token and Identity's session (so logging out revokes the tool's
tokens too) and caps wrong codes per person.  ``verification_uri_complete``
only fills in the code: nothing is approved without the person's POST.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from webob import Response

from identity import errors
from identity.oauth.scopes import SCOPES, describe, normalize
from identity.views import identity_token
from identity.views.client_endpoint import ClientRequest, EndpointError, client_endpoint
from identity.views.login import login_first
from identity.views.render import render

WRONG_CODE = "That code is not valid, or it has expired. Check your device and try again."
TOO_MANY = "Too many wrong codes. Please wait {minutes} before trying again."
#: A user code once dashes and spaces are gone; anything else is no code.
_USER_CODE = re.compile(r"[A-Z0-9]{4,16}")


@client_endpoint(public_clients=True)
def device_code(request, client_request: ClientRequest) -> dict:
    """RFC 8628 §3.1, §3.2: a new device authorization request."""
    scope = normalize(client_request.params.get("scope"))
    unknown = [s for s in scope if s not in SCOPES]
    if unknown:
        raise EndpointError("invalid_scope", f"Unknown scope {unknown[0]}.")
    client = client_request.client
    grant = request.api.create_device_authorization(client.client_id, client.secret, scope)
    verification_uri = request.settings.public_url + request.registry.router.path_of(enter_code)
    return {
        "device_code": grant.device_code,
        "user_code": grant.user_code,
        "verification_uri": verification_uri,
        "verification_uri_complete": f"{verification_uri}?{_query(grant.user_code)}",
        "expires_in": grant.expires_in,
        "interval": grant.interval,
    }


def enter_code(request) -> Response:
    """GET /oauth/device: the code form, pre-filled from ``verification_uri_complete``."""
    code = user_code(request.GET.get("user_code"))
    if not identity_token.usable(request):
        return _login_first(request, code)
    return _form(request, code)


def submit(request) -> Response:
    """POST /oauth/device: a typed code shows the consent page; a decision is carried out."""
    code = user_code(request.POST.get("user_code"))
    if not identity_token.usable(request):
        return _login_first(request, code)
    if code is None:
        return _form(request, None, WRONG_CODE, status=400)
    session, decision = request.session, request.POST.get("decision")
    try:
        if decision in ("approve", "deny"):
            request.api.decide_device_authorization(
                session["access_token"], code, session["session_id"], decision == "approve"
            )
            return render(request, "device_done.mako", approved=decision == "approve")
        pending = request.api.get_device_authorization(session["access_token"], code)
    except errors.NotFound:
        return _form(request, code, WRONG_CODE, status=400)
    except errors.RateLimited as exc:
        return _rate_limited(request, code, exc.retry_after)
    except errors.Unauthorized:
        # Identity's token is gone at the API: log in again, then come back.
        return _login_first(request, code)
    return render(
        request,
        "device_consent.mako",
        client=pending,
        scopes=[(scope, describe(scope)) for scope in pending.scope],
        user_code=display(code),
    )


def user_code(raw: str | None) -> str | None:
    """The code as the API compares it (letters upper-cased, dashes and spaces
    dropped), or None when it cannot be one; only this form reaches a URL."""
    code = re.sub(r"[^A-Za-z0-9]", "", raw or "").upper()
    return code if _USER_CODE.fullmatch(code) else None


def display(code: str | None) -> str:
    """``BCDFGHJK`` as the device shows it, ``BCDF-GHJK``."""
    if code is None:
        return ""
    return f"{code[:4]}-{code[4:]}" if len(code) == 8 else code


def _query(code: str | None) -> str:
    return urlencode({"user_code": display(code)})


def _login_first(request, code: str | None) -> Response:
    """Log in (again), then come back here with the code still filled in."""
    path = request.registry.router.path_of(enter_code)
    return login_first(request, f"{path}?{_query(code)}" if code else path)


def _form(request, code: str | None, error: str | None = None, status: int = 200) -> Response:
    return render(request, "device.mako", status=status, user_code=display(code), error=error)


def _rate_limited(request, code: str | None, retry_after: int | None) -> Response:
    minutes = max(1, -(-(retry_after or 900) // 60))
    message = TOO_MANY.format(minutes=f"{minutes} minute{'s' if minutes > 1 else ''}")
    response = _form(request, code, message, status=429)
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response
