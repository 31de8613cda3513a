"""The device verification page acts with Identity's token, refreshed when it expired."""

from __future__ import annotations

import time

import pytest

from tests.conftest import API


@pytest.fixture
def app(make_testapp):
    """Identity in front of an API that has the device endpoints."""
    return make_testapp(platform_extensions="true")


def test_an_expired_token_is_refreshed_instead_of_logging_out(
    app, api, logged_in, set_session, read_session
):
    set_session(**{**logged_in, "access_token_expires_at": int(time.time()) - 1})
    api.post(
        f"{API}/oauth/tokens",
        status=201,
        json={"access_token": {"token": "fresh", "expires_in": 7200}},
    )
    page = app.get("/oauth/device", params={"user_code": "bcdf-ghjk"})
    assert page.status_int == 200
    assert page.forms[0]["user_code"].value == "BCDF-GHJK"
    assert read_session()["access_token"] == "fresh"


def test_a_refused_refresh_means_logging_in_again_and_coming_back(
    app, api, logged_in, set_session, read_session
):
    set_session(**{**logged_in, "access_token_expires_at": int(time.time()) - 1})
    api.post(f"{API}/oauth/tokens", status=401, json={"id": "unauthorized", "message": "x"})
    response = app.get("/oauth/device", params={"user_code": "BCDF-GHJK"})
    assert response.location.endswith("/login")
    session = read_session()
    assert not session.logged_in
    assert session["redirect_url"] == "/oauth/device?user_code=BCDF-GHJK"
    # The sibling sites' cookies go with the session they stood for.
    assert any(c.startswith("heroku_session=;") for c in response.headers.getall("Set-Cookie"))
