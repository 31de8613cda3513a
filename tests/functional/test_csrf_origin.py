"""CSRF in depth: besides the token, a form the browser says came from another
site is refused (403), and the token-less ``POST /account/accept/ok`` takes only
the signup app's origin (or Identity's own), closing login CSRF through it."""

from __future__ import annotations

import pytest

from tests.conftest import ISSUER

SIGNUP = "https://signup.heroku.test"
ACCEPT = {
    "id": "123",
    "token": "attackers-invitation",
    "password": "x",
    "password_confirmation": "x",
}


def login_form(app):
    return app.get("/login").forms[0]


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.test"},
        {"Origin": "null", "Sec-Fetch-Site": "cross-site"},
        {"Origin": "https://identity.test.evil.test"},
        {"Origin": "http://identity.test"},  # same host, not the same origin
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": ISSUER, "Sec-Fetch-Site": "cross-site"},
    ],
)
def test_a_cross_site_form_is_refused_even_with_the_token(app, headers):
    response = login_form(app).submit(headers=headers, status=403)
    assert "another site" in response.text


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": ISSUER},
        {"Origin": "HTTPS://IDENTITY.TEST:443"},
        {"Sec-Fetch-Site": "same-origin"},
        {},
    ],
)
def test_a_same_site_form_goes_on_to_the_view(app, headers):
    form = login_form(app)
    # Empty credentials: the view answers without the API.
    response = form.submit(headers=headers, status=303)
    assert response.location.endswith("/login")


def test_the_token_is_still_checked_from_our_own_origin(app):
    form = login_form(app)
    form["csrf_token"] = "forged"
    assert "Form expired" in form.submit(headers={"Origin": ISSUER}, status=403).text


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.test"},
        {"Origin": "null"},
        {},  # neither header: not a browser we can trust with a token-less form
        {"Sec-Fetch-Site": "same-site"},
        {"Sec-Fetch-Site": "cross-site"},
    ],
)
def test_accept_ok_refuses_other_sites(make_testapp, headers):
    app = make_testapp(signup_url=SIGNUP)
    response = app.post("/account/accept/ok", ACCEPT, headers=headers, status=403)
    assert "another site" in response.text


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": SIGNUP},
        {"Origin": ISSUER},
        {"Sec-Fetch-Site": "same-origin"},
        {"Origin": "null", "Sec-Fetch-Site": "same-origin"},
    ],
)
def test_accept_ok_takes_the_signup_app_and_our_own_form(make_testapp, headers):
    app = make_testapp(signup_url=SIGNUP)
    response = app.post("/account/accept/ok", ACCEPT, headers=headers, status=303)
    # The view ran: a too-short password goes back to the invitation's form.
    assert response.location.endswith("/account/accept/123/attackers-invitation")
