"""Hostile HTTP and production headers: unreadable bodies, oversized cookies,
HSTS and the ``__Host-`` session cookie."""

from __future__ import annotations

import pytest
import webob
from cryptography.fernet import Fernet

from identity.session import Session, SessionCodec
from tests.conftest import SIGNING_KEY

UNREADABLE_FORMS = [
    ("application/x-www-form-urlencoded; charset=iso-8859-1", b"email=%E9&password=x"),
    ("application/x-www-form-urlencoded; charset=no-such-charset", b"email=a"),
    ("multipart/form-data", b"--x\r\nContent-Disposition: form-data; name=a\r\n\r\nb\r\n--x--"),
]


@pytest.mark.parametrize(("content_type", "body"), UNREADABLE_FORMS)
def test_an_unreadable_form_is_a_400_page(app, content_type, body):
    response = post_raw(app, "/login", content_type, body)
    assert response.status_int == 400
    assert response.content_type == "text/html"
    assert "could not be read" in response.text


@pytest.mark.parametrize(("content_type", "body"), UNREADABLE_FORMS)
def test_an_unreadable_token_request_is_invalid_request(app, content_type, body):
    response = post_raw(app, "/oauth/token", content_type, body)
    assert response.status_int == 400
    assert response.json["error"] == "invalid_request"


def post_raw(app, path: str, content_type: str, body: bytes):
    """POST exactly this body and Content-Type (WebTest would add a multipart boundary)."""
    request = webob.Request.blank(path, method="POST", body=body, content_type=content_type)
    return request.get_response(app.app)


def test_a_long_link_never_makes_a_cookie_the_browser_would_drop(app):
    """A ~3 KB link, visited logged out, is remembered for after login only if it fits."""
    response = app.get("/account/email/confirm/x?p=" + "a" * 3000, status=302)
    assert all(len(cookie) <= 4096 for cookie in response.headers.getall("Set-Cookie"))
    # Following it still works: it leads to login, which answers.
    app.get("/login", status=200)


def test_a_session_over_the_limit_drops_what_can_wait_first():
    codec = SessionCodec(Fernet.generate_key().decode(), "", 3600, secure=True)
    session = Session({"csrf_token": "t", "flashes": ["x" * 3000]})
    session["redirect_url"] = "/" + "b" * 2000

    response = webob.Response()
    codec.write(response, session)
    value = response.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    kept = codec.load(value)
    assert kept == {"csrf_token": "t"}


def test_production_sends_hsts(make_testapp):
    app = make_testapp(identity_env="production", id_token_signing_keys=SIGNING_KEY)
    assert app.get("/login").headers["Strict-Transport-Security"] == "max-age=31536000"


def test_development_sends_no_hsts(app):
    assert "Strict-Transport-Security" not in app.get("/login").headers


def test_production_names_the_session_cookie_host_only(make_testapp):
    app = make_testapp(identity_env="production", id_token_signing_keys=SIGNING_KEY)
    cookie = app.get("/login").headers["Set-Cookie"]
    assert cookie.startswith("__Host-identity-session=")
    attributes = [a.strip().lower() for a in cookie.split(";")[1:]]
    assert "secure" in attributes
    assert "path=/" in attributes
    assert not any(a.startswith("domain") for a in attributes)


def test_production_moves_a_session_from_the_old_name(make_testapp, settings_values):
    app = make_testapp(identity_env="production", id_token_signing_keys=SIGNING_KEY)
    codec = SessionCodec(settings_values["cookie_encryption_key"], "", 3600, secure=True)
    old = codec.dump(Session({"csrf_token": "kept"}))
    response = app.get("/login", headers={"Cookie": f"identity-session={old}"})
    cookies = response.headers.getall("Set-Cookie")
    moved = next(c for c in cookies if c.startswith("__Host-identity-session="))
    assert codec.load(moved.split(";")[0].split("=", 1)[1])["csrf_token"] == "kept"
    assert any(c.startswith("identity-session=;") and "Max-Age=0" in c for c in cookies)
    assert 'value="kept"' in response.text


def test_a_cookie_that_is_not_utf8_is_ignored_not_a_500(app, settings_values):
    """Found by fuzzing: a sibling site's non-UTF-8 cookie failed every page."""
    codec = SessionCodec(settings_values["cookie_encryption_key"], "", 3600, secure=False)
    session = codec.dump(Session({"csrf_token": "still-read"}))
    request = webob.Request.blank("/login")
    # A quoted value's octal escapes are bytes to WebOb: \377\376 is not UTF-8.
    request.environ["HTTP_COOKIE"] = f'other="\\377\\376"; identity-session={session}'
    response = request.get_response(app.app)
    assert response.status_int == 200
    assert 'value="still-read"' in response.text
