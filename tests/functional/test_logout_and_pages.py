"""Logout, safe redirects, and the small pages."""

from __future__ import annotations

import pytest
import webob
from responses import matchers

from tests.conftest import API
from tests.functional.conftest import put_session


def assert_cookies_cleared(response):
    cookies = response.headers.getall("Set-Cookie")
    for name in (
        "identity-session",
        "heroku_session",
        "heroku_session_nonce",
        "heroku_user_session",
    ):
        cookie = next(c for c in cookies if c.startswith(name + "="))
        assert "Max-Age=0" in cookie


class TestLogout:
    @pytest.mark.parametrize("method", ["get", "post", "delete"])
    def test_ends_the_api_session_and_clears_cookies(self, app, api, logged_in, method):
        api.delete(f"{API}/oauth/sessions/session-1", json={"id": "session-1"})
        response = getattr(app, method)("/logout")
        assert response.location.endswith("/login")
        assert_cookies_cleared(response)
        assert app.get("/").location.endswith("/login")

    @pytest.mark.parametrize("status", [401, 404, 500])
    def test_api_answers_never_keep_the_person_logged_in(self, app, api, logged_in, status):
        api.delete(f"{API}/oauth/sessions/session-1", status=status, json={})
        response = app.get("/logout")
        assert response.location.endswith("/login")
        assert_cookies_cleared(response)

    def test_without_a_session_calls_nothing(self, app, api):
        assert app.get("/logout").location.endswith("/login")
        # A call would be swallowed (logout never fails), so look for one.
        assert not api.calls

    def test_redirects_to_an_allowed_host(self, app):
        url = "https://devcenter.heroku.test/articles/x?y=1"
        assert app.get("/logout", {"url": url}).location == url

    @pytest.mark.parametrize(
        "url",
        [
            "https://evil.test/",
            "//evil.test/",
            "/\\evil.test",
            "https://devcenter.heroku.test@evil.test/",
            "https://evil.test\\@devcenter.heroku.test/",
            "https://devcenter.heroku.test.evil.test/",
            "https://devcenter.heroku.test:444/",
            "javascript://devcenter.heroku.test/%0aalert(1)",
            "ftp://devcenter.heroku.test/",
            "https://devcenter.heroku.test/\r\nSet-Cookie: x=1",
            " https://devcenter.heroku.test/",
            "/login",
        ],
    )
    def test_refuses_every_other_target(self, app, url):
        assert app.get("/logout", {"url": url}).location == "http://localhost/login"

    def test_sso_users_go_back_to_their_sso(self, make_testapp, api):
        app = make_testapp(sso_base_url="https://sso.heroku.test")
        put_session(app, app.app.registry.sessions, sso_entity="acme corp")
        assert app.get("/logout").location == "https://sso.heroku.test/acme%20corp"


class TestPages:
    def test_health_asks_the_api_nothing(self, app, api):
        response = app.get("/health")
        assert response.json == {"status": "ok"}
        assert not api.calls

    def test_robots(self, app):
        response = app.get("/robots.txt")
        assert response.content_type == "text/plain"
        assert response.text == (
            "User-agent: *\nDisallow: /account/email/confirm/\nDisallow: /account/password/reset/\n"
        )

    def test_stylesheet(self, app):
        response = app.get("/static/identity.css")
        assert response.content_type == "text/css" and "body" in response.text

    def test_root_sends_strangers_to_login(self, app):
        assert app.get("/").location.endswith("/login")

    def test_root_shows_who_is_logged_in(self, app, logged_in):
        assert "You are logged in as" in app.get("/").text

    def test_root_goes_to_the_dashboard(self, make_testapp, settings_values, api):
        app = make_testapp(dashboard_url="https://dashboard.heroku.test")
        put_session(app, app.app.registry.sessions, access_token="t", session_id="s")
        assert app.get("/").location == "https://dashboard.heroku.test"

    def test_unknown_path_is_a_404_page(self, app):
        assert "Not found" in app.get("/nope", status=404).text

    def test_wrong_method_is_405_with_allow(self, app):
        assert app.put("/login", status=405).headers["Allow"] == "GET, HEAD, POST"

    @pytest.mark.parametrize(
        "path",
        [
            "/logout?url=%ff",
            "/oauth/authorize?client_id=x&state=%0d%0a%ff",
            "/signup?x=%c3%28",
            "/oauth/device?user_code=%fe",
            "/account/accept/ok?from=%ff",
        ],
    )
    def test_a_query_that_is_not_utf8_is_a_400_page(self, make_testapp, path):
        app = make_testapp(signup_url="https://signup.heroku.test")
        response = app.get(path, status=400)
        assert "Bad request" in response.text
        assert response.headers["X-Frame-Options"] == "DENY"

    def test_a_path_that_is_not_utf8_is_a_400_page(self, app):
        # A WSGI server hands the raw path over as latin-1 (PEP 3333); WebTest's
        # cookie jar can't read such a URL, so the request goes to the app directly.
        request = webob.Request.blank("/", environ={"PATH_INFO": "/signup/\xff"})
        response = request.get_response(app.app)
        assert response.status_int == 400
        assert "Bad request" in response.text

    def test_head_works_where_get_does(self, app):
        app.head("/health", status=200)

    def test_pages_are_never_framed_or_cached(self, app):
        headers = app.get("/login").headers
        assert headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["Cache-Control"] == "no-store"

    def test_request_id_is_passed_on(self, app, logged_in, api):
        api.delete(
            f"{API}/oauth/sessions/session-1",
            json={},
            match=[
                matchers.header_matcher({"Request-Id": "abc-123", "X-Forwarded-For": "203.0.113.9"})
            ],
        )
        response = app.get(
            "/logout",
            headers={"Request-Id": "abc-123"},
            extra_environ={"REMOTE_ADDR": "203.0.113.9"},
        )
        assert response.headers["Request-Id"] == "abc-123"

    def test_templates_escape_html(self, app, set_session):
        set_session(flashes=["<script>alert(1)</script>"])
        page = app.get("/login")
        assert "<script>alert(1)</script>" not in page.text
        assert "&lt;script&gt;" in page.text
