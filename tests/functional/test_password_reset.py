"""Password reset: asking for a link (#11) and setting the new password (#12)."""

from __future__ import annotations

import requests
from responses import matchers

from identity.views import password_reset
from tests.conftest import API

TOKEN = "c45685917ef644198a0fececa10d479a"
GOOD = "correct horse battery staple"


def ask(app, email="kerry@example.com", **extra):
    form = app.get("/account/password/reset").forms[0]
    form["email"] = email
    return form.submit(**extra)


def mock_create(api, status=201, body=None, email="kerry@example.com", retry_after=None):
    return api.post(
        f"{API}/password-resets",
        status=status,
        json=body if body is not None else {"created_at": "now", "user": {"email": email}},
        headers={"Retry-After": retry_after} if retry_after else None,
        match=[matchers.json_params_matcher({"email": email})],
    )


def finish(app, password=GOOD, confirmation=GOOD, **extra):
    form = app.get(f"/account/password/reset/{TOKEN}").forms[0]
    form["password"], form["password_confirmation"] = password, confirmation
    return form.submit(**extra)


def mock_finalize(api, status=200, body=None, password=GOOD):
    return api.post(
        f"{API}/password-resets/{TOKEN}/actions/finalize",
        status=status,
        json=body if body is not None else {"created_at": "now", "user": {"email": "k@e.com"}},
        match=[
            matchers.json_params_matcher({"password": password, "password_confirmation": password})
        ],
    )


class TestAskForALink:
    def test_form_has_a_labelled_email_input_and_csrf(self, app):
        page = app.get("/account/password/reset")
        assert '<label for="email">' in page.text
        assert page.forms[0]["csrf_token"].value

    def test_known_email_gets_the_notice(self, app, api):
        mock_create(api)
        page = ask(app)
        assert page.status_int == 200
        assert "Check your inbox" in page.text

    def test_unknown_email_gets_exactly_the_same_page(self, app, api):
        mock_create(api)
        known = ask(app).text
        mock_create(api, status=404, body={"id": "not_found", "message": "No such user."})
        unknown = ask(app).text
        strip = lambda text: text.split('name="csrf_token"')[0]  # noqa: E731
        assert strip(known) == strip(unknown)
        assert "No such user" not in unknown

    def test_api_refusal_goes_back_with_its_message(self, app, api):
        mock_create(api, status=422, body={"id": "invalid_params", "message": "Fail"})
        response = ask(app)
        assert response.status_int == 303
        assert response.location.endswith("/account/password/reset")
        assert "Fail" in response.follow().text

    def test_api_rate_limit_shows_the_rate_limited_page(self, app, api):
        mock_create(
            api, status=429, body={"id": "rate_limit", "message": "Too many."}, retry_after="60"
        )
        refused = ask(app, status=429)
        assert "Too many reset requests" in refused.text
        assert refused.headers["Retry-After"] == "60"

    def test_empty_email_asks_again_without_calling_the_api(self, app):
        response = ask(app, email="   ")
        assert "Please enter your email address." in response.follow().text

    def test_post_without_csrf_token_is_refused(self, app):
        app.post("/account/password/reset", {"email": "x@example.com"}, status=403)


class TestSetTheNewPassword:
    def test_form_has_new_password_inputs(self, app):
        page = app.get(f"/account/password/reset/{TOKEN}")
        assert page.text.count('autocomplete="new-password"') == 2
        assert '<label for="password_confirmation">' in page.text
        assert page.forms[0].action == f"/account/password/reset/{TOKEN}"

    def test_a_live_link_checked_at_the_api_gets_the_form(self, app, api):
        api.get(f"{API}/password-resets/{TOKEN}", json={"user": {"email": "a@b.test"}})
        page = app.get(f"/account/password/reset/{TOKEN}")
        assert page.forms[0].action == f"/account/password/reset/{TOKEN}"

    def test_a_dead_link_says_so_before_any_password_is_typed(self, app, api):
        api.get(
            f"{API}/password-resets/{TOKEN}",
            status=404,
            json={"id": "not_found", "message": "Not found."},
        )
        page = app.get(f"/account/password/reset/{TOKEN}", status=404)
        assert "unknown, was used already or has expired" in page.text
        assert 'autocomplete="new-password"' not in page.text
        assert page.html.select_one('a[href="/account/password/reset"]') is not None

    def test_an_api_without_the_check_still_gets_the_form(self, app, api):
        api.get(f"{API}/password-resets/{TOKEN}", status=405, json={"id": "x", "message": "x"})
        page = app.get(f"/account/password/reset/{TOKEN}")
        assert page.text.count('autocomplete="new-password"') == 2

    def test_success_goes_to_login_with_the_message(self, app, api):
        mock_finalize(api)
        response = finish(app)
        assert response.status_int == 303
        assert response.location.endswith("/login")
        assert "Your password has been changed." in response.follow().text

    def test_mismatch_shows_the_form_again_without_calling_the_api(self, app):
        response = finish(app, confirmation=GOOD + "!")
        assert response.location.endswith(f"/account/password/reset/{TOKEN}")
        assert "confirmation doesn&#39;t match" in response.follow().text

    def test_weak_password_shows_the_reason(self, app):
        response = finish(app, password="password1", confirmation="password1")
        assert "too common" in response.follow().text

    def test_short_password_shows_the_reason(self, app):
        assert "too short" in finish(app, password="abc", confirmation="abc").follow().text

    def test_unknown_used_or_expired_token_is_a_not_found_page(self, app, api):
        mock_finalize(api, status=404, body={"id": "not_found", "message": "Not found."})
        page = finish(app, status=404)
        assert "unknown, was used already or has expired" in page.text

    def test_api_refusals_go_back_to_the_form_with_the_message(self, app, api):
        for status in (403, 422):
            mock_finalize(api, status=status, body={"id": "x", "message": f"a {status} error"})
            response = finish(app)
            assert response.location.endswith(f"/account/password/reset/{TOKEN}")
            assert f"a {status} error" in response.follow().text

    def test_token_with_line_breaks_cannot_reach_the_location_header(self, app):
        page = app.get("/account/password/reset/a%0d%0aSet-Cookie:x=1")
        form = page.forms[0]
        form["password"], form["password_confirmation"] = "abc", "abd"
        response = form.submit()
        assert "\n" not in response.location and "\r" not in response.location
        assert response.location.endswith("/account/password/reset/aSet-Cookie%3Ax%3D1")

    def test_dot_segment_tokens_never_reach_another_api_path(self, app, api):
        # "/password-resets/../actions/finalize" would be "/actions/finalize".
        csrf_token = app.get("/account/password/reset").forms[0]["csrf_token"].value
        for token in (".", ".."):
            page = app.post(
                "/account/password/reset/x",
                {"password": GOOD, "password_confirmation": GOOD, "csrf_token": csrf_token},
                extra_environ={"PATH_INFO": f"/account/password/reset/{token}"},
                status=404,
            )
            assert "unknown, was used already or has expired" in page.text
        assert len(api.calls) == 0

    def test_an_unreachable_api_does_not_log_the_token(self, app, api, caplog):
        api.post(f"{API}/password-resets/{TOKEN}/actions/finalize", body=requests.ConnectionError())
        finish(app, status=503)
        assert "/password-resets/{}/actions/finalize" in caplog.text
        assert TOKEN not in caplog.text


def test_an_unexpected_error_does_not_log_the_token(app, monkeypatch, caplog):
    def broken(request):
        raise RuntimeError("a bug")

    monkeypatch.setattr(password_reset, "_reset_path", broken)
    app.get(f"/account/password/reset/{TOKEN}", status=500)
    assert "GET /account/password/reset/{token}" in caplog.text
    assert TOKEN not in caplog.text


def test_expired_password_at_login_goes_to_the_reset_page(app, api):
    api.post(
        f"{API}/oauth/authorizations",
        status=422,
        json={"id": "password_expired", "message": "ignored"},
    )
    form = app.get("/login").forms[0]
    form["email"], form["password"] = "user@example.com", "secret"
    page = form.submit().follow()
    assert page.request.path == "/account/password/reset"
    assert "Your password has expired. Please reset it." in page.text
