"""GET|POST /oauth/authorize: login replay, consent, OAuth 2.1 rules, RFC 9207 iss."""

from __future__ import annotations

import time
from urllib.parse import urlencode

import pytest
from responses import matchers

from tests.conftest import API, CLIENT_ID, ISSUER, OAUTH_SECRET, REDIRECT_URI, pkce_pair
from tests.functional.conftest import (
    USER,
    client_answer,
    grant_answer,
    login_answer,
    mock_client,
    query,
)


def authorize_url(**params) -> str:
    values = {"client_id": CLIENT_ID, "response_type": "code", "state": "xyz"}
    values.update(params)
    return "/oauth/authorize?" + urlencode({k: v for k, v in values.items() if v is not None})


def mock_grant(api, scope=("global",), code="upstream-code"):
    return api.post(
        f"{API}/oauth/authorizations",
        status=201,
        json=grant_answer(code),
        match=[
            matchers.json_params_matcher(
                {
                    "client": {"id": CLIENT_ID},
                    "scope": list(scope),
                    "response_type": "code",
                    "session": {"id": "session-1"},
                }
            )
        ],
    )


def mock_authorizations(api, entries=()):
    return api.get(
        f"{API}/oauth/authorizations",
        json=list(entries),
        match=[
            matchers.header_matcher({"Range": "id ..; max=1000", "X-Heroku-Legacy-Ids": "true"})
        ],
    )


def assert_code_redirect(response, state="xyz", uri=REDIRECT_URI):
    assert response.status_int in (302, 303)
    assert response.location.startswith(uri + "?")
    params = query(response.location)
    assert params["iss"] == [ISSUER]
    if state:
        assert params["state"] == [state]
    return params["code"][0]


class TestLoginFirst:
    def test_not_logged_in_stores_the_request_and_replays_it_after_login(
        self, app, api, read_session
    ):
        response = app.get(authorize_url(scope="write read"))
        assert response.location.endswith("/login")
        assert ["client_id", CLIENT_ID] in read_session()["authorize_params"]
        # The login page names the client (#5, no token).
        api.get(
            f"{API}/oauth/clients/{CLIENT_ID}",
            json=client_answer(),
            match=[matchers.header_matcher({"Accept": "application/vnd.heroku+json; version=3"})],
        )
        page = app.get("/login")
        assert "Example Client" in page.text
        form = page.forms[0]
        form["email"], form["password"] = "user@example.com", "secret"
        api.post(f"{API}/oauth/authorizations", status=201, json=login_answer())
        replay = form.submit()
        assert "/oauth/authorize?" in replay.location
        mock_client(api, trusted=True)
        mock_grant(api, scope=("read", "write"))
        assert_code_redirect(app.get(replay.location))
        assert "authorize_params" not in read_session()

    def test_prompt_login_sends_a_logged_in_user_to_login(self, app, logged_in, read_session):
        response = app.get(authorize_url(prompt="login"))
        assert response.location.endswith("/login")
        stored = dict(read_session()["authorize_params"])
        assert "prompt" not in stored and stored["state"] == "xyz"

    def test_expired_token_is_refreshed_first(self, app, api, logged_in, set_session, read_session):
        set_session(**{**logged_in, "access_token_expires_at": int(time.time()) - 1})
        api.post(
            f"{API}/oauth/tokens",
            status=201,
            json={"access_token": {"token": "fresh", "expires_in": 7200}},
            match=[
                matchers.json_params_matcher(
                    {
                        "client": {"secret": OAUTH_SECRET},
                        "grant": {"type": "refresh_token"},
                        "refresh_token": {"token": "identity-refresh"},
                    }
                )
            ],
        )
        mock_client(api, trusted=True)
        mock_grant(api)
        assert_code_redirect(app.get(authorize_url()))
        assert read_session()["access_token"] == "fresh"

    def test_failed_refresh_goes_to_login_keeping_the_request(
        self, app, api, logged_in, set_session, read_session
    ):
        set_session(**{**logged_in, "access_token_expires_at": int(time.time()) - 1})
        api.post(f"{API}/oauth/tokens", status=401, json={"id": "unauthorized", "message": "x"})
        response = app.get(authorize_url())
        assert response.location.endswith("/login")
        session = read_session()
        assert not session.logged_in and session["authorize_params"]

    def test_api_401_on_the_grant_goes_to_login_keeping_the_request(
        self, app, api, logged_in, read_session
    ):
        mock_client(api, trusted=True)
        api.post(
            f"{API}/oauth/authorizations", status=401, json={"id": "unauthorized", "message": "x"}
        )
        assert app.get(authorize_url()).location.endswith("/login")
        assert read_session()["authorize_params"]

    def test_api_401_logs_out_of_the_sibling_sites_too(self, app, api, logged_in):
        mock_client(api, trusted=True)
        api.post(
            f"{API}/oauth/authorizations", status=401, json={"id": "unauthorized", "message": "x"}
        )
        cookies = app.get(authorize_url()).headers.getall("Set-Cookie")
        for name in ("heroku_session", "heroku_session_nonce", "heroku_user_session"):
            assert any(c.startswith(f"{name}=;") and "Max-Age=0" in c for c in cookies), name

    def test_a_refreshed_token_keeps_the_sibling_sites_logged_in(
        self, app, api, logged_in, set_session
    ):
        set_session(**{**logged_in, "access_token_expires_at": int(time.time()) - 1})
        api.post(
            f"{API}/oauth/tokens",
            status=201,
            json={"access_token": {"token": "fresh", "expires_in": 7200}},
        )
        mock_client(api, trusted=True)
        mock_grant(api)
        response = app.get(authorize_url())
        assert_code_redirect(response)
        assert not [c for c in response.headers.getall("Set-Cookie") if c.startswith("heroku_")]


class TestConsent:
    def test_unknown_scope_goes_back_as_invalid_scope(self, app, api, logged_in):
        mock_client(api)
        params = query(app.get(authorize_url(scope="read bogus")).location)
        assert params["error"] == ["invalid_scope"]
        assert params["state"] == ["xyz"] and params["iss"] == [ISSUER]

    def test_consent_page_names_client_and_scopes(self, app, api, logged_in):
        mock_client(api)
        mock_authorizations(api)
        page = app.get(authorize_url(scope="read identity"))
        assert page.status_int == 200
        assert "Example Client" in page.text and "Deploys your apps." in page.text
        assert "Read access to all your apps, except config vars" in page.text
        assert "Read-only access to your account information" in page.text
        assert page.forms[0].method.lower() == "post"
        assert USER["email"] in page.html.select_one("p.account").text
        assert page.html.select_one('a[href="/account/applications"]') is not None

    def test_not_you_logs_out_and_returns_to_the_request(self, app, api, logged_in):
        mock_client(api)
        mock_authorizations(api)
        url = authorize_url(scope="read")
        logout = app.get(url).forms[1]
        assert logout.action == "/logout"
        api.delete(f"{API}/oauth/sessions/session-1", status=200, json={})
        back = logout.submit()
        assert back.location.endswith(url)
        # Logged out now: the request is kept for whoever logs in next.
        assert app.get(back.location).location.endswith("/login")

    def test_no_scope_is_described_as_global(self, app, api, logged_in):
        mock_client(api)
        mock_authorizations(api)
        page = app.get(authorize_url())
        assert "Read and write access to your account and all your apps" in page.text

    def test_get_can_never_approve(self, app, api, logged_in):
        mock_client(api)
        mock_authorizations(api)
        page = app.get(authorize_url(authorize="Allow", csrf_token="csrf"))
        assert page.status_int == 200 and "Allow" in page.text

    def test_allow_by_post_issues_a_code(self, app, api, logged_in):
        mock_client(api)
        mock_authorizations(api)
        form = app.get(authorize_url(scope="read")).forms[0]
        mock_client(api)
        mock_grant(api, scope=("read",))
        response = form.submit("authorize", value="Allow")
        assert response.status_int == 303
        assert_code_redirect(response)

    def test_allow_without_csrf_is_refused(self, app, api, logged_in):
        params = {"client_id": CLIENT_ID, "response_type": "code", "authorize": "Allow"}
        app.post("/oauth/authorize", params, status=403)

    def test_deny_returns_access_denied_with_state_and_iss(self, app, api, logged_in):
        mock_client(api)
        mock_authorizations(api)
        form = app.get(authorize_url()).forms[0]
        mock_client(api)
        response = form.submit("authorize", value="Deny")
        params = query(response.location)
        assert response.location.startswith(REDIRECT_URI)
        assert params == {"error": ["access_denied"], "state": ["xyz"], "iss": [ISSUER]}

    def test_trusted_client_skips_consent(self, app, api, logged_in):
        mock_client(api, trusted=True)
        mock_grant(api)
        assert_code_redirect(app.get(authorize_url()))

    def test_same_scope_granted_before_skips_consent(self, app, api, logged_in):
        mock_client(api)
        mock_authorizations(
            api,
            [
                {"client": None, "scope": ["read", "write"]},
                {"client": {"id": CLIENT_ID}, "scope": ["read", "write"]},
            ],
        )
        mock_grant(api, scope=("read", "write"))
        assert_code_redirect(app.get(authorize_url(scope="write,read read")))

    def test_legacy_id_match_skips_consent(self, app, api, logged_in):
        mock_client(api)
        mock_authorizations(
            api, [{"client": {"id": "other", "legacy_id": CLIENT_ID}, "scope": ["global"]}]
        )
        mock_grant(api)
        assert_code_redirect(app.get(authorize_url()))

    def test_different_scope_granted_before_still_asks(self, app, api, logged_in):
        mock_client(api)
        mock_authorizations(api, [{"client": {"id": CLIENT_ID}, "scope": ["read"]}])
        page = app.get(authorize_url(scope="read write"))
        assert page.status_int == 200 and "Authorize Example Client?" in page.text
        assert "Read and write access to all your apps, except config vars" in page.text

    def test_delinquent_account_goes_to_pay_balance(self, app, api, logged_in):
        mock_client(
            api,
            headers={"Heroku-Delinquent": "true", "Location": "https://billing.heroku.test/pay"},
        )
        assert app.get(authorize_url()).location == "https://billing.heroku.test/pay"

    def test_client_that_ignores_delinquency_continues(self, app, api, logged_in):
        mock_client(
            api,
            trusted=True,
            ignores_delinquent=True,
            headers={"Heroku-Delinquent": "true", "Location": "https://b.test/pay"},
        )
        mock_grant(api)
        assert_code_redirect(app.get(authorize_url()))


class TestRequestRules:
    @pytest.mark.parametrize(
        "params",
        [
            {"client_id": "unknown-client"},
            {"redirect_uri": "https://evil.test/callback"},
            {"redirect_uri": REDIRECT_URI + "/more"},
            {"redirect_uri": REDIRECT_URI.upper()},
        ],
    )
    def test_unknown_client_or_foreign_redirect_is_an_error_page(self, app, api, logged_in, params):
        if params.get("client_id") == "unknown-client":
            api.get(
                f"{API}/oauth/clients/unknown-client",
                status=404,
                json={"id": "not_found", "message": "x"},
            )
        else:
            mock_client(api)
        response = app.get(authorize_url(**params), status=400)
        assert "Invalid authorization request" in response.text
        assert "The application that sent you here is misconfigured" in response.text
        detail = response.html.select_one("p.detail code").text
        expected = "client_id" if "client_id" in params else "redirect URI"
        assert expected in detail
        assert "Location" not in response.headers

    @pytest.mark.parametrize("name", ["client_id", "redirect_uri"])
    def test_duplicate_client_id_or_redirect_uri_is_an_error_page(self, app, logged_in, name):
        url = authorize_url(redirect_uri=REDIRECT_URI) + f"&{name}=other"
        assert "Duplicate" in app.get(url, status=400).text

    def test_duplicate_state_is_invalid_request_without_state(self, app, api, logged_in):
        mock_client(api)
        response = app.get(authorize_url() + "&state=other")
        assert query(response.location) == {
            "error": ["invalid_request"],
            "error_description": ["Duplicate state parameter."],
            "iss": [ISSUER],
        }

    def test_duplicate_scope_is_invalid_request(self, app, api, logged_in):
        mock_client(api)
        params = query(app.get(authorize_url(scope="read") + "&scope=write").location)
        assert params["error"] == ["invalid_request"] and params["state"] == ["xyz"]

    @pytest.mark.parametrize("response_type", ["token", "code token", "none", "id_token"])
    def test_other_response_types_are_unsupported(self, app, api, logged_in, response_type):
        mock_client(api)
        params = query(app.get(authorize_url(response_type=response_type)).location)
        assert params["error"] == ["unsupported_response_type"]
        assert params["state"] == ["xyz"] and params["iss"] == [ISSUER]

    def test_missing_response_type_is_invalid_request(self, app, api, logged_in):
        mock_client(api)
        params = query(app.get(authorize_url(response_type=None)).location)
        assert params["error"] == ["invalid_request"]

    @pytest.mark.parametrize("method", ["plain", "S512", None])
    def test_only_s256_pkce_is_accepted(self, app, api, logged_in, method):
        mock_client(api)
        params = query(
            app.get(
                authorize_url(code_challenge=pkce_pair()[1], code_challenge_method=method)
            ).location
        )
        assert params["error"] == ["invalid_request"] and params["iss"] == [ISSUER]

    def test_malformed_challenge_is_invalid_request(self, app, api, logged_in):
        mock_client(api)
        params = query(
            app.get(authorize_url(code_challenge="short", code_challenge_method="S256")).location
        )
        assert params["error"] == ["invalid_request"]

    def test_public_client_must_use_pkce(self, app, api, logged_in):
        mock_client(api, public=True, trusted=True)
        params = query(app.get(authorize_url()).location)
        assert params["error"] == ["invalid_request"]

    def test_public_client_with_pkce_gets_a_code(self, app, api, logged_in):
        mock_client(api, public=True, trusted=True)
        mock_grant(api)
        assert_code_redirect(
            app.get(authorize_url(code_challenge=pkce_pair()[1], code_challenge_method="S256"))
        )

    @pytest.mark.parametrize(
        "registered,given",
        [
            ("http://127.0.0.1/cb", "http://127.0.0.1:53012/cb"),
            ("http://127.0.0.1:8000/cb", "http://127.0.0.1:9000/cb"),
            ("http://[::1]/cb", "http://[::1]:61000/cb"),
        ],
    )
    def test_public_loopback_redirect_may_use_any_port(
        self, app, api, logged_in, registered, given
    ):
        mock_client(api, public=True, trusted=True, redirect_uri=registered)
        mock_grant(api)
        response = app.get(
            authorize_url(
                redirect_uri=given, code_challenge=pkce_pair()[1], code_challenge_method="S256"
            )
        )
        assert_code_redirect(response, uri=given)

    @pytest.mark.parametrize(
        "given",
        [
            "http://127.0.0.1:9000/other",
            "http://localhost:9000/cb",
            "https://127.0.0.1:9000/cb",
            "http://127.0.0.1:9000@evil.test/cb",
        ],
    )
    def test_loopback_rule_changes_only_the_port(self, app, api, logged_in, given):
        mock_client(api, public=True, redirect_uri="http://127.0.0.1/cb")
        app.get(
            authorize_url(
                redirect_uri=given, code_challenge=pkce_pair()[1], code_challenge_method="S256"
            ),
            status=400,
        )

    def test_confidential_loopback_redirect_must_match_exactly(self, app, api, logged_in):
        mock_client(api, redirect_uri="http://127.0.0.1/cb")
        app.get(authorize_url(redirect_uri="http://127.0.0.1:9000/cb"), status=400)

    def test_empty_parameters_count_as_absent(self, app, api, logged_in):
        mock_client(api, trusted=True)
        mock_grant(api)
        response = app.get(authorize_url(scope="", redirect_uri="", state=""))
        assert "state" not in query(response.location)
        assert_code_redirect(response, state=None)

    def test_unknown_parameters_are_ignored(self, app, api, logged_in):
        mock_client(api, trusted=True)
        mock_grant(api)
        assert_code_redirect(app.get(authorize_url(response_mode="fragment", foo="bar")))

    def test_upstream_outage_is_a_503_page(self, app, api, logged_in):
        api.get(f"{API}/oauth/clients/{CLIENT_ID}", status=503, json={})
        assert "The API is unavailable" in app.get(authorize_url(), status=503).text

    def test_upstream_rate_limit_is_a_429_page(self, app, api, logged_in):
        api.get(
            f"{API}/oauth/clients/{CLIENT_ID}",
            status=429,
            json={"id": "rate_limit", "message": "x"},
            headers={"Retry-After": "60"},
        )
        response = app.get(authorize_url(), status=429)
        assert "please wait a few minutes" in response.text
        assert response.headers["Retry-After"] == "60"

    def test_suspended_goes_to_login_with_the_message(self, app, api, logged_in):
        mock_client(api, trusted=True)
        api.post(
            f"{API}/oauth/authorizations",
            status=403,
            json={"id": "suspended", "message": "You are suspended."},
        )
        response = app.get(authorize_url())
        assert response.location.endswith("/login")
        assert "You are suspended." in response.follow().text
