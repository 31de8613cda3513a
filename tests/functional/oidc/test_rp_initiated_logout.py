"""OpenID Connect RP-Initiated Logout 1.0 (§2-§4) at the end_session_endpoint."""

from __future__ import annotations

from tests.conftest import REDIRECT_URI
from tests.functional.oidc.conftest import POST_LOGOUT, openid_tokens, session_of

END = "/oauth/end-session"


def logged_in_with_id_token(world, rp):
    world.user()
    browser = world.browser("user@example.com")
    return browser, openid_tokens(world, rp, browser=browser)["id_token"]


class TestLogout:
    def test_with_the_persons_id_token_hint_logs_out_and_returns_with_state(self, world, rp):
        browser, hint = logged_in_with_id_token(world, rp)
        response = browser.get(
            END,
            {"id_token_hint": hint, "post_logout_redirect_uri": POST_LOGOUT, "state": "s-1"},
            status=302,
        )
        assert response.headers["Location"] == POST_LOGOUT + "?state=s-1"
        assert not session_of(world, browser).logged_in

    def test_ends_the_session_as_logout_does(self, world, rp):
        browser, hint = logged_in_with_id_token(world, rp)
        answer = openid_tokens(world, rp, browser=browser)
        browser.get(END, {"id_token_hint": hint}, status=302)
        refreshed = world.token(
            {
                "grant_type": "refresh_token",
                "refresh_token": answer["refresh_token"],
                **world.credentials(rp),
            },
            status=400,
        )
        assert refreshed.json["error"] == "invalid_grant"

    def test_client_id_alone_redirects_to_a_registered_uri_after_confirmation(self, world, rp):
        world.user()
        browser = world.browser("user@example.com")
        page = browser.get(END, {"client_id": rp["id"], "post_logout_redirect_uri": POST_LOGOUT})
        assert page.status_int == 200 and session_of(world, browser).logged_in
        response = page.forms[0].submit("confirm", value="Log out", status=303)
        assert response.headers["Location"] == POST_LOGOUT
        assert not session_of(world, browser).logged_in

    def test_a_get_without_a_hint_never_logs_out_unasked(self, world, rp):
        world.user()
        browser = world.browser("user@example.com")
        browser.get(END, status=200)
        assert session_of(world, browser).logged_in

    def test_a_cross_site_post_without_the_csrf_token_only_asks(self, world, rp):
        world.user()
        browser = world.browser("user@example.com")
        browser.post(END, {"confirm": "Log out"}, status=200)
        assert session_of(world, browser).logged_in


class TestRedirectRules:
    def test_an_unregistered_uri_is_no_redirect(self, world, rp):
        browser, hint = logged_in_with_id_token(world, rp)
        response = browser.get(
            END, {"id_token_hint": hint, "post_logout_redirect_uri": REDIRECT_URI}, status=302
        )
        assert response.headers["Location"].endswith("/login")

    def test_a_near_miss_is_no_redirect(self, world, rp):
        browser, hint = logged_in_with_id_token(world, rp)
        response = browser.get(
            END, {"id_token_hint": hint, "post_logout_redirect_uri": POST_LOGOUT + "/"}, status=302
        )
        assert response.headers["Location"].endswith("/login")

    def test_a_hint_not_signed_here_is_an_error_page(self, world, rp):
        browser, hint = logged_in_with_id_token(world, rp)
        forged = hint[:-6] + ("AAAAAA" if not hint.endswith("AAAAAA") else "BBBBBB")
        response = browser.get(
            END, {"id_token_hint": forged, "post_logout_redirect_uri": POST_LOGOUT}, status=400
        )
        assert "not an id_token of this server" in response
        assert session_of(world, browser).logged_in

    def test_a_hint_for_another_client_than_client_id_is_an_error_page(self, world, rp):
        browser, hint = logged_in_with_id_token(world, rp)
        other = world.client(name="Other", post_logout_redirect_uris=[POST_LOGOUT])
        browser.get(
            END,
            {
                "id_token_hint": hint,
                "client_id": other["id"],
                "post_logout_redirect_uri": POST_LOGOUT,
            },
            status=400,
        )
