"""Invitations: an invited person chooses a password and is logged in at once.

With ``SIGNUP_URL`` set, the links go to the signup app, as the original's
did, and the signup app posts the password to ``POST /account/accept/ok``.
Without one, Identity serves the "choose your password" form itself.

``POST /account/accept/ok`` is the original's one CSRF exception: the
signup app, another site, posts to it.  It can do no harm that a CSRF check
would prevent: it needs the secret invitation token, and logs in only the
invited account.
"""

from __future__ import annotations

from webob import Response

from identity import errors
from identity.views.login import end_api_session, finish_login
from identity.views.new_password import new_password_problem
from identity.views.render import error_page, redirect, render
from identity.views.signup import signup_app_url
from identity.views.urls import local_path

USED = "This invitation was already accepted or has expired. Please log in, or reset your password."
NOT_FOUND = "This invitation link is incomplete. Please open the link from your email again."


def accept_form(request) -> Response:
    """GET /account/accept/{id}/{token}."""
    invitation_id, token = request.matchdict["id"], request.matchdict["token"]
    if request.settings.signup_url:
        path = local_path("/account/accept", invitation_id, token)
        return redirect(request, signup_app_url(request, path))
    return render(request, "accept_invitation.mako", invitation_id=invitation_id, token=token)


def accepted(request) -> Response:
    """GET /account/accept/ok: only reached by hand during signup; back to the signup app."""
    if not request.settings.signup_url:
        return error_page(request, 404, "Not found", NOT_FOUND)
    return redirect(request, signup_app_url(request, "/account/accept/ok"))


def accept(request) -> Response:
    """POST /account/accept/ok: set the password (#13), then log in with it (#1)."""
    session, form = request.session, request.POST
    invitation_id, token = form.get("id", ""), form.get("token", "")
    if not invitation_id or not token:
        return error_page(request, 404, "Invitation not found", NOT_FOUND)
    password, confirmation = form.get("password", ""), form.get("password_confirmation", "")
    back = local_path("/account/accept", invitation_id, token)
    problem = new_password_problem(password, confirmation)
    if problem:
        return redirect(request, back, flash=problem)
    try:
        email = request.api.accept_invitation(
            token, password, confirmation, form.get("receive_newsletter")
        )
    except errors.NotFound:
        return redirect(request, "/login", flash=USED)
    except errors.BadRequest:
        return redirect(request, "/login", flash="Unknown OAuth client.")
    except (errors.InvalidParams, errors.Forbidden) as exc:
        return redirect(request, back, flash=exc.message or "That password can't be used.")
    end_api_session(request)
    try:
        login = request.api.create_session_authorization(email, password)
    except errors.TwoFactorRequired:
        session.remember_two_factor(email, password, request.now)
        return redirect(request, "/login/two-factor")
    fallback = None
    if request.settings.signup_url:
        fallback = signup_app_url(request, "/account/accept/ok")
    return finish_login(request, login, fallback, amr=("pwd",))
