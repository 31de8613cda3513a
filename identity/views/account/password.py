"""``/account/password``: change the password, given the current one; every other login ends."""

from __future__ import annotations

from webob import Response

from identity import errors, logs
from identity.views import identity_token
from identity.views.account import api_call, page
from identity.views.new_password import new_password_problem
from identity.views.render import redirect, render

PATH = "/account/password"
WRONG_PASSWORD = "Your current password is not correct."
CHANGED = "Your password has been changed. Every other session of your account has ended."


def form(request) -> Response:
    return page(request, lambda: _form(request, []), PATH)


def _form(request, problems: list[str], status: int = 200) -> Response:
    return render(request, "account/password.mako", status=status, problems=problems)


def change(request) -> Response:
    return page(request, lambda: _change(request), PATH)


def _change(request) -> Response:
    current = request.POST.get("current_password", "")
    new = request.POST.get("password", "")
    problem = new_password_problem(new, request.POST.get("password_confirmation", ""))
    if not current:
        problem = "Please enter your current password."
    if problem:
        return _form(request, [problem], 422)
    try:
        api_call(request, lambda token: request.api.change_password(token, current, new))
    except errors.Unauthorized:
        # The same 401 says "wrong password" and "token no longer good".
        if not identity_token.works(request):
            raise
        return _form(request, [WRONG_PASSWORD], 422)
    except (errors.InvalidParams, errors.BadRequest, errors.Forbidden) as exc:
        return _form(request, [exc.message or "That password can't be used."], 422)
    logs.audit("password.changed", user_id=request.session["user"]["id"])
    return redirect(request, "/account", flash=CHANGED)
