"""POST /oauth/token: RFC 6749 §4.1.3, §5.1, §5.2, PKCE (RFC 7636) and strictness."""

from __future__ import annotations

import base64
import json
import time
from urllib.parse import quote_plus

import pytest
from responses import matchers

from identity.sealed import SealedCodes
from tests.conftest import API, CLIENT_ID, REDIRECT_URI, pkce_pair
from tests.functional.conftest import USER, mock_client, query, sealed_grant, token_answer

SECRET = "client-secret"


def basic(client_id=CLIENT_ID, secret=SECRET) -> dict:
    raw = f"{quote_plus(client_id)}:{quote_plus(secret)}".encode()
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


def mock_exchange(
    api,
    status=201,
    body=None,
    code="upstream-code",
    refresh=None,
    secret=SECRET,
    grant_type="authorization_code",
):
    return api.post(
        f"{API}/oauth/tokens",
        status=status,
        json=token_answer() if body is None else body,
        match=[
            matchers.json_params_matcher(
                {
                    "client": {"id": CLIENT_ID, "secret": secret},
                    "grant": {"type": grant_type, "code": code},
                    "refresh_token": {"token": refresh},
                }
            )
        ],
    )


def code_request(sealer, **overrides):
    params = {
        "grant_type": "authorization_code",
        "redirect_uri": REDIRECT_URI,
        "code": sealer.seal(sealed_grant()),
    }
    params.update(overrides)
    return {k: v for k, v in params.items() if v is not None}


def assert_error(response, error, status=400):
    assert response.status_int == status
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Pragma"] == "no-cache"
    body = response.json
    assert body["error"] == error
    assert set(body) <= {"error", "error_description", "error_uri"}
    description = body.get("error_description", "")
    assert '"' not in description and "'" not in description and "\\" not in description
    return body


class TestCodeExchange:
    def test_basic_credentials(self, app, api, sealer):
        mock_exchange(api)
        response = app.post("/oauth/token", code_request(sealer), headers=basic())
        assert response.status_int == 200
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["Pragma"] == "no-cache"
        assert response.content_type == "application/json"
        assert response.json == {
            "access_token": "client-access",
            "token_type": "Bearer",
            "expires_in": 7200,
            "refresh_token": "client-refresh",
            "user_id": USER["id"],
            "session_nonce": "session-1",
        }

    def test_basic_credentials_are_form_decoded(self, app, api, sealer):
        mock_exchange(api, secret="s:e cr+t%")
        app.post("/oauth/token", code_request(sealer), headers=basic(secret="s:e cr+t%"))

    def test_body_credentials(self, app, api, sealer):
        mock_exchange(api)
        app.post("/oauth/token", code_request(sealer, client_id=CLIENT_ID, client_secret=SECRET))

    def test_secret_in_basic_and_body_is_refused(self, app, sealer):
        response = app.post(
            "/oauth/token", code_request(sealer, client_secret=SECRET), headers=basic(), status=400
        )
        assert_error(response, "invalid_request")

    def test_body_client_id_must_match_basic(self, app, sealer):
        response = app.post(
            "/oauth/token", code_request(sealer, client_id="other"), headers=basic(), status=400
        )
        assert_error(response, "invalid_request")

    def test_default_scope_is_named_in_the_answer(self, app, api, sealer):
        mock_exchange(api)
        code = sealer.seal(sealed_grant(scope=()))
        response = app.post("/oauth/token", code_request(sealer, code=code), headers=basic())
        assert response.json["scope"] == "global"

    def test_api_401_is_invalid_client_with_basic_challenge(self, app, api, sealer):
        mock_exchange(api, status=401, body={"id": "unauthorized", "message": "Unauthorized"})
        response = app.post("/oauth/token", code_request(sealer), headers=basic(), status=401)
        assert_error(response, "invalid_client", 401)
        assert response.headers["WWW-Authenticate"] == 'Basic realm="Identity"'

    def test_api_401_without_basic_is_401_too(self, app, api, sealer):
        mock_exchange(api, status=401, body={"id": "unauthorized", "message": "x"})
        response = app.post(
            "/oauth/token",
            code_request(sealer, client_id=CLIENT_ID, client_secret=SECRET),
            status=401,
        )
        assert_error(response, "invalid_client", 401)
        assert response.headers["WWW-Authenticate"].startswith("Basic ")

    @pytest.mark.parametrize("status", [404, 422, 400])
    def test_api_refusal_of_the_code_is_invalid_grant(self, app, api, sealer, status):
        mock_exchange(api, status=status, body={"id": "x", "message": "missing param"})
        response = app.post("/oauth/token", code_request(sealer), headers=basic(), status=400)
        assert_error(response, "invalid_grant")

    def test_suspended_account_is_403(self, app, api, sealer):
        mock_exchange(api, status=403, body={"id": "suspended", "message": "Suspended."})
        response = app.post("/oauth/token", code_request(sealer), headers=basic(), status=403)
        assert assert_error(response, "access_denied", 403)["error_description"] == "Suspended."

    def test_api_outage_is_503(self, app, api, sealer):
        mock_exchange(api, status=502, body={})
        response = app.post("/oauth/token", code_request(sealer), headers=basic(), status=503)
        assert_error(response, "temporarily_unavailable", 503)

    def test_forged_code_is_invalid_grant(self, app, api):
        mock_client(api)  # a grant is refused only to a client that exists
        response = app.post(
            "/oauth/token",
            {"grant_type": "authorization_code", "code": "forged", "redirect_uri": REDIRECT_URI},
            headers=basic(),
            status=400,
        )
        assert_error(response, "invalid_grant")

    def test_expired_code_is_invalid_grant(self, app, api, settings_values):
        mock_client(api)  # a grant is refused only to a client that exists
        old = SealedCodes(settings_values["sealed_code_key"], 300, clock=lambda: time.time() - 301)
        response = app.post(
            "/oauth/token",
            code_request(old, code=old.seal(sealed_grant())),
            headers=basic(),
            status=400,
        )
        assert_error(response, "invalid_grant")

    def test_code_of_another_client_is_invalid_grant(self, app, api, sealer):
        mock_client(api)  # a grant is refused only to a client that exists
        code = sealer.seal(sealed_grant(client_id="someone-else"))
        response = app.post(
            "/oauth/token", code_request(sealer, code=code), headers=basic(), status=400
        )
        assert_error(response, "invalid_grant")

    def test_redirect_uri_must_match(self, app, api, sealer):
        mock_client(api)  # a grant is refused only to a client that exists
        response = app.post(
            "/oauth/token",
            code_request(sealer, redirect_uri=REDIRECT_URI + "x"),
            headers=basic(),
            status=400,
        )
        assert_error(response, "invalid_grant")

    def test_redirect_uri_required_when_sent_at_authorize(self, app, sealer):
        response = app.post(
            "/oauth/token", code_request(sealer, redirect_uri=None), headers=basic(), status=400
        )
        assert_error(response, "invalid_request")

    def test_redirect_uri_optional_when_not_sent_at_authorize(self, app, api, sealer):
        mock_exchange(api)
        code = sealer.seal(sealed_grant(redirect_uri_sent=False))
        app.post(
            "/oauth/token", code_request(sealer, code=code, redirect_uri=None), headers=basic()
        )


class TestPKCE:
    def test_verifier_proves_the_code(self, app, api, sealer):
        verifier, challenge = pkce_pair()
        mock_exchange(api)
        code = sealer.seal(sealed_grant(code_challenge=challenge, code_challenge_method="S256"))
        app.post(
            "/oauth/token", code_request(sealer, code=code, code_verifier=verifier), headers=basic()
        )

    @pytest.mark.parametrize("verifier", [None, "w" * 50, "short"])
    def test_missing_or_wrong_verifier_is_invalid_grant(self, app, api, sealer, verifier):
        mock_client(api)  # a grant is refused only to a client that exists
        code = sealer.seal(
            sealed_grant(code_challenge=pkce_pair()[1], code_challenge_method="S256")
        )
        response = app.post(
            "/oauth/token",
            code_request(sealer, code=code, code_verifier=verifier),
            headers=basic(),
            status=400,
        )
        assert_error(response, "invalid_grant")

    def test_verifier_for_a_code_without_challenge_is_invalid_grant(self, app, api, sealer):
        mock_client(api)  # a grant is refused only to a client that exists
        response = app.post(
            "/oauth/token",
            code_request(sealer, code_verifier=pkce_pair()[0]),
            headers=basic(),
            status=400,
        )
        assert_error(response, "invalid_grant")

    def test_public_client_sends_only_its_id(self, app, api, sealer):
        verifier, challenge = pkce_pair()
        mock_exchange(api, secret=None)
        code = sealer.seal(sealed_grant(code_challenge=challenge, code_challenge_method="S256"))
        app.post(
            "/oauth/token",
            code_request(sealer, code=code, code_verifier=verifier, client_id=CLIENT_ID),
        )


class TestRefresh:
    def test_refresh_token_grant(self, app, api):
        mock_exchange(api, grant_type="refresh_token", code=None, refresh="client-refresh")
        response = app.post(
            "/oauth/token",
            {"grant_type": "refresh_token", "refresh_token": "client-refresh"},
            headers=basic(),
        )
        assert response.json["access_token"] == "client-access"
        assert "scope" not in response.json

    def test_scope_on_refresh_is_accepted_and_ignored(self, app, api):
        mock_exchange(api, grant_type="refresh_token", code=None, refresh="client-refresh")
        response = app.post(
            "/oauth/token",
            {"grant_type": "refresh_token", "scope": "read", "refresh_token": "client-refresh"},
            headers=basic(),
        )
        assert response.json["access_token"] == "client-access"
        assert "scope" not in response.json

    def test_bad_refresh_token_is_invalid_grant(self, app, api):
        mock_exchange(
            api,
            status=404,
            grant_type="refresh_token",
            code=None,
            refresh="old",
            body={"id": "not_found", "message": "x"},
        )
        response = app.post(
            "/oauth/token",
            {"grant_type": "refresh_token", "refresh_token": "old"},
            headers=basic(),
            status=400,
        )
        assert_error(response, "invalid_grant")

    def test_missing_refresh_token_is_invalid_request(self, app):
        response = app.post(
            "/oauth/token", {"grant_type": "refresh_token"}, headers=basic(), status=400
        )
        assert_error(response, "invalid_request")


class TestStrictness:
    def test_get_is_405_with_allow_post(self, app):
        assert app.get("/oauth/token", status=405).headers["Allow"] == "POST"

    def test_json_body_is_invalid_request(self, app):
        response = app.post(
            "/oauth/token",
            json.dumps({"grant_type": "authorization_code"}),
            headers={"Content-Type": "application/json", **basic()},
            status=400,
        )
        assert_error(response, "invalid_request")

    def test_query_parameters_are_refused(self, app, sealer):
        response = app.post(
            "/oauth/token?code=x", code_request(sealer), headers=basic(), status=400
        )
        assert_error(response, "invalid_request")

    @pytest.mark.parametrize(
        "grant_type",
        [
            "password",
            "client_credentials",
            "implicit",
            "openid",
            "urn:ietf:params:oauth:grant-type:x",
        ],
    )
    def test_other_grant_types_are_unsupported(self, app, grant_type):
        response = app.post(
            "/oauth/token",
            {"grant_type": grant_type, "username": "u", "password": "p"},
            headers=basic(),
            status=400,
        )
        assert_error(response, "unsupported_grant_type")

    def test_missing_grant_type_is_invalid_request(self, app):
        assert_error(
            app.post("/oauth/token", {"code": "x"}, headers=basic(), status=400), "invalid_request"
        )

    def test_duplicate_parameters_are_invalid_request(self, app, sealer):
        body = code_request(sealer)
        response = app.post(
            "/oauth/token", [*body.items(), ("code", "again")], headers=basic(), status=400
        )
        assert "Duplicate code" in assert_error(response, "invalid_request")["error_description"]

    def test_empty_and_unknown_parameters_are_ignored(self, app, api, sealer):
        mock_exchange(api)
        app.post(
            "/oauth/token",
            code_request(sealer, client_secret="", state="", foo="bar", code_verifier=""),
            headers=basic(),
        )

    def test_malformed_basic_is_invalid_client(self, app):
        response = app.post(
            "/oauth/token",
            {"grant_type": "refresh_token", "refresh_token": "x"},
            headers={"Authorization": "Basic !!!"},
            status=401,
        )
        assert_error(response, "invalid_client", 401)

    def test_no_client_at_all_is_invalid_client(self, app, sealer):
        response = app.post("/oauth/token", code_request(sealer), status=401)
        assert_error(response, "invalid_client", 401)

    def test_token_endpoint_sets_no_session_cookie(self, app, api, sealer):
        mock_exchange(api)
        response = app.post("/oauth/token", code_request(sealer), headers=basic())
        assert "Set-Cookie" not in response.headers


def test_code_from_authorize_redeems_at_the_token_endpoint(app, api, logged_in):
    """The whole flow: authorize with PKCE, then exchange the sealed code."""
    verifier, challenge = pkce_pair()
    mock_client(api, trusted=True)
    api.post(
        f"{API}/oauth/authorizations",
        status=201,
        json={"grant": {"code": "inner"}, "client": {"redirect_uri": REDIRECT_URI}},
    )
    location = app.get(
        "/oauth/authorize",
        {
            "client_id": CLIENT_ID,
            "response_type": "code",
            "redirect_uri": REDIRECT_URI,
            "scope": "read",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        },
    ).location
    code = query(location)["code"][0]
    assert "inner" not in code
    mock_exchange(api, code="inner")
    response = app.post(
        "/oauth/token",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "code_verifier": verifier,
        },
        headers=basic(),
    )
    assert response.json["access_token"] == "client-access"
    assert "scope" not in response.json
