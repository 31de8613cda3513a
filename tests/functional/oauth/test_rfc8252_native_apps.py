"""RFC 8252: native apps as public clients, with loopback and private-use redirects."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from tests.functional.oauth.conftest import assert_oauth_error


@pytest.fixture
def browser(world):
    world.user()
    return world.browser("user@example.com")


def refused(browser, world, client, redirect_uri) -> None:
    """An error page, and never a redirect to the unregistered URI."""
    params = world.authorize_params(client, redirect_uri=redirect_uri)
    response = browser.get("/oauth/authorize?" + urlencode(params), status=400)
    assert "Location" not in response.headers


class TestLoopbackRedirects:
    @pytest.mark.parametrize(
        ("registered", "used"),
        [
            ("http://127.0.0.1/callback", "http://127.0.0.1:49152/callback"),
            ("http://127.0.0.1:8080/callback", "http://127.0.0.1:51000/callback"),
            ("http://[::1]/callback", "http://[::1]:61234/callback"),
        ],
    )
    def test_s7_3_any_port(self, world, browser, registered, used):
        native = world.client(registered, public=True)
        code = world.code(browser, native, redirect_uri=used)
        assert world.exchange(native, code, redirect_uri=used).status_int == 200

    def test_s7_3_the_port_is_bound_to_the_code(self, world, browser):
        native = world.client("http://127.0.0.1/callback", public=True)
        code = world.code(browser, native, redirect_uri="http://127.0.0.1:49152/callback")
        response = world.exchange(native, code, redirect_uri="http://127.0.0.1:49153/callback")
        assert_oauth_error(response, "invalid_grant")

    @pytest.mark.parametrize(
        "used",
        [
            "http://127.0.0.1:49152/other",
            "http://127.0.0.2:49152/callback",
            "https://127.0.0.1:49152/callback",
            "http://127.0.0.1:49152/callback?x=1",
        ],
    )
    def test_s7_3_only_the_port_may_differ(self, world, browser, used):
        refused(browser, world, world.client("http://127.0.0.1/callback", public=True), used)

    def test_s8_3_localhost_is_matched_exactly(self, world, browser):
        native = world.client("http://localhost:8080/callback", public=True)
        refused(browser, world, native, "http://localhost:9090/callback")

    def test_any_port_is_for_public_clients_only(self, world, browser):
        web = world.client("http://127.0.0.1:8080/callback")
        refused(browser, world, web, "http://127.0.0.1:9090/callback")


class TestExactMatchElsewhere:
    @pytest.mark.parametrize(
        "used",
        [
            "https://client.test/callback/",
            "https://CLIENT.test/callback",
            "https://client.test/callback?x=1",
            "https://client.test/Callback",
        ],
    )
    def test_rfc9700_s4_1_3_character_for_character(self, world, browser, used):
        refused(browser, world, world.client("https://client.test/callback"), used)

    def test_s7_1_private_use_scheme(self, world, browser):
        native = world.client("com.example.app:/oauth2redirect", public=True)
        code = world.code(browser, native)
        assert world.exchange(native, code).status_int == 200


def test_s8_1_public_clients_need_pkce(world, browser):
    native = world.client("http://127.0.0.1/callback", public=True)
    assert world.authorize(browser, native, pkce=None)["error"] == "invalid_request"


def test_s8_6_a_public_client_is_asked_for_consent_every_time(world, browser):
    """Nothing proves the app is the one approved before, whatever its port."""
    native = world.client("http://127.0.0.1/callback", public=True)
    world.authorize(browser, native, redirect_uri="http://127.0.0.1:50001/callback")
    again = world.authorize_params(native, redirect_uri="http://127.0.0.1:50002/callback")
    page = browser.get("/oauth/authorize?" + urlencode(again))
    assert page.status_int == 200 and "authorize" in page.forms[0].fields
    # A confidential client, which proves itself at the token endpoint, is remembered.
    web = world.client()
    world.authorize(browser, web)
    assert (
        browser.get("/oauth/authorize?" + urlencode(world.authorize_params(web))).status_int == 302
    )
