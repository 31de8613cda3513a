"""RFC 8628: the device authorization grant, for command-line tools."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest

from tests.conftest import ISSUER, World
from tests.functional.oauth.conftest import DEVICE_CODE, assert_oauth_error, basic

EMAIL = "user@example.com"


def start(world, client, **params) -> dict:
    response = world.client_app.post("/oauth/device/code", {**world.credentials(client), **params})
    assert response.headers["Cache-Control"] == "no-store"
    return response.json


def poll(world, client, device, status=400):
    return world.token(
        {
            "grant_type": DEVICE_CODE,
            "device_code": device["device_code"],
            **world.credentials(client),
        },
        status=status,
    )


def enter(browser, user_code: str):
    """Type *user_code* into the verification page: the consent page (or an error)."""
    form = browser.get("/oauth/device").forms[0]
    form["user_code"] = user_code
    return form.submit(status="*")


@pytest.fixture
def client(world):
    world.user()
    return world.client(name="Heroku CLI", description="The command line.")


class TestDeviceAuthorizationRequest:
    def test_s3_2_response(self, world, client):
        device = start(world, client, scope="read write")
        assert set(device) == {
            "device_code",
            "user_code",
            "verification_uri",
            "verification_uri_complete",
            "expires_in",
            "interval",
        }
        assert device["verification_uri"] == f"{ISSUER}/oauth/device"
        assert device["verification_uri_complete"] == (
            f"{ISSUER}/oauth/device?user_code={device['user_code']}"
        )
        assert (device["expires_in"], device["interval"]) == (600, 5)

    def test_s3_1_confidential_client_by_basic(self, world, client):
        response = world.client_app.post(
            "/oauth/device/code", {}, headers=basic(client["id"], client["secret"])
        )
        assert response.json["device_code"]

    def test_s3_1_public_client_by_client_id(self, world):
        public = world.client("http://127.0.0.1/cb", public=True)
        assert start(world, public)["device_code"]

    def test_s3_1_confidential_client_without_its_secret_is_refused(self, world, client):
        response = world.client_app.post(
            "/oauth/device/code", {"client_id": client["id"]}, status=401
        )
        assert_oauth_error(response, "invalid_client", 401)

    def test_s3_1_wrong_secret_is_invalid_client(self, world, client):
        response = world.client_app.post(
            "/oauth/device/code", {}, headers=basic(client["id"], "wrong"), status=401
        )
        assert_oauth_error(response, "invalid_client", 401)
        assert response.headers["WWW-Authenticate"].startswith("Basic")

    def test_s3_1_unknown_scope_is_invalid_scope(self, world, client):
        response = world.client_app.post(
            "/oauth/device/code",
            {**world.credentials(client), "scope": "read everything"},
            status=400,
        )
        assert_oauth_error(response, "invalid_scope")

    def test_s3_1_form_body_only(self, world, client):
        response = world.client_app.post_json(
            "/oauth/device/code", world.credentials(client), status=400
        )
        assert_oauth_error(response, "invalid_request")


class TestUserInteraction:
    def test_s3_3_not_logged_in_goes_to_login_and_comes_back_with_the_code(self, world, client):
        device = start(world, client)
        browser = world.browser()
        complete = urlsplit(device["verification_uri_complete"])
        response = browser.get(f"{complete.path}?{complete.query}", status=302)
        assert response.headers["Location"].endswith("/login")
        back = world.log_in(browser, EMAIL)
        page = back.follow()
        assert page.forms[0]["user_code"].value == device["user_code"]

    def test_s3_3_1_verification_uri_complete_never_approves_by_itself(self, world, client):
        device = start(world, client)
        browser = world.browser(EMAIL)
        complete = urlsplit(device["verification_uri_complete"])
        page = browser.get(f"{complete.path}?{complete.query}")
        assert "Heroku CLI" not in page.text  # not even the consent page yet
        assert poll(world, client, device).json["error"] == "authorization_pending"

    def test_s6_1_consent_names_the_client_and_the_scopes(self, world, client):
        device = start(world, client, scope="read")
        consent = enter(world.browser(EMAIL), device["user_code"])
        assert consent.status_int == 200
        assert "Heroku CLI" in consent.text and "The command line." in consent.text
        assert "Read access to all your apps, except config vars" in consent.text
        assert poll(world, client, device).json["error"] == "authorization_pending"

    @pytest.mark.parametrize(
        "typed",
        [
            str.lower,
            lambda c: c.replace("-", ""),
            lambda c: " " + c.lower().replace("-", " ") + " ",
        ],
    )
    def test_s6_1_user_code_is_case_and_dash_insensitive(self, world, client, typed):
        device = start(world, client)
        consent = enter(world.browser(EMAIL), typed(device["user_code"]))
        assert consent.status_int == 200 and "Heroku CLI" in consent.text

    def test_s5_1_decisions_need_the_csrf_token(self, world, client):
        device = start(world, client)
        browser = world.browser(EMAIL)
        browser.post(
            "/oauth/device", {"user_code": device["user_code"], "decision": "approve"}, status=403
        )
        browser.post(
            "/oauth/device",
            {"user_code": device["user_code"], "decision": "approve", "csrf_token": "forged"},
            status=403,
        )
        assert poll(world, client, device).json["error"] == "authorization_pending"

    def test_s5_1_wrong_codes_are_rate_limited_with_a_clear_page(self, world, client):
        browser = world.browser(EMAIL)
        for _ in range(10):
            assert enter(browser, "BCDF-GHJK").status_int == 400
        response = enter(browser, "BCDF-GHJK")
        assert response.status_int == 429
        assert "Too many wrong codes" in response.text
        assert int(response.headers["Retry-After"]) > 0
        # Even the right code waits now: guessing must not pay off.
        assert enter(browser, start(world, client)["user_code"]).status_int == 429

    def test_s3_3_a_wrong_code_says_so(self, world, client):
        response = enter(world.browser(EMAIL), "nope")
        assert response.status_int == 400
        assert "not valid" in response.text


class TestTokenRequest:
    def approve(self, world, client, email=EMAIL, decision="approve", **params):
        device = start(world, client, **params)
        consent = enter(world.browser(email), device["user_code"])
        done = consent.forms[0].submit("decision", value=decision)
        assert ("Device connected" if decision == "approve" else "Request denied") in done.text
        return device

    def test_s3_4_approved_device_gets_tokens_bound_to_the_approving_user(self, world, client):
        world.user("other@example.com")
        device = self.approve(world, client, email="other@example.com", scope="read")
        response = poll(world, client, device, status=200)
        assert response.headers["Cache-Control"] == "no-store"
        tokens = response.json
        assert tokens["token_type"] == "Bearer" and tokens["refresh_token"]
        info = world.client_app.post(
            "/oauth/introspect", {"token": tokens["access_token"], **world.credentials(client)}
        ).json
        assert info["username"] == "other@example.com"
        assert info["scope"] == "read"

    def test_s3_5_a_device_code_redeems_once(self, world, client):
        device = self.approve(world, client)
        poll(world, client, device, status=200)
        assert_oauth_error(poll(world, client, device), "invalid_grant")

    def test_s3_5_authorization_pending(self, world, client):
        assert_oauth_error(poll(world, client, start(world, client)), "authorization_pending")

    def test_s3_5_slow_down(self, world, client):
        device = start(world, client)
        poll(world, client, device)
        assert_oauth_error(poll(world, client, device), "slow_down")

    def test_s3_5_access_denied(self, world, client):
        device = self.approve(world, client, decision="deny")
        assert_oauth_error(poll(world, client, device), "access_denied")

    def test_s3_5_expired_token(self, identity_values):
        world = World({**identity_values, "device_code_expires_in": "1"})
        try:
            world.user()
            client = world.client()
            device = start(world, client)
            time.sleep(1.1)
            assert_oauth_error(poll(world, client, device), "expired_token")
        finally:
            world.close()

    def test_s3_4_only_the_client_it_was_issued_to(self, world, client):
        device = self.approve(world, client)
        other = world.client(name="Other")
        assert_oauth_error(poll(world, other, device), "invalid_grant")
        poll(world, client, device, status=200)

    def test_s3_4_a_denied_code_cannot_be_approved_afterwards(self, world, client):
        device = self.approve(world, client, decision="deny")
        assert enter(world.browser(EMAIL), device["user_code"]).status_int == 400
