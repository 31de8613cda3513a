"""RFC 8414: authorization server metadata, and that it tells the truth.

The walk tests take every advertised endpoint, grant type, auth method and
PKCE method and use it; then try what is not advertised and see it refused.
"""

from __future__ import annotations

import pytest
import webtest

import identity
from tests.conftest import ISSUER, pkce_pair
from tests.functional.oauth.conftest import DEVICE_CODE, assert_oauth_error, basic

WELL_KNOWN = "/.well-known/oauth-authorization-server"


def metadata(world) -> dict:
    return world.client_app.get(WELL_KNOWN).json


def path(url: str) -> str:
    assert url.startswith(ISSUER + "/")
    return url[len(ISSUER) :]


class TestDocument:
    def test_s3_served_as_json_at_the_well_known_path(self, world):
        response = world.client_app.get(WELL_KNOWN)
        assert response.content_type == "application/json"
        assert response.headers["Access-Control-Allow-Origin"] == "*"

    def test_s2_issuer_is_the_configured_public_url(self, world):
        assert metadata(world)["issuer"] == ISSUER

    def test_s2_exactly_the_oauth_2_1_profile(self, world):
        document = metadata(world)
        assert document == {
            "issuer": ISSUER,
            "authorization_endpoint": f"{ISSUER}/oauth/authorize",
            "token_endpoint": f"{ISSUER}/oauth/token",
            "token_endpoint_auth_methods_supported": [
                "client_secret_basic",
                "client_secret_post",
                "none",
            ],
            "revocation_endpoint": f"{ISSUER}/oauth/revoke",
            "revocation_endpoint_auth_methods_supported": [
                "client_secret_basic",
                "client_secret_post",
                "none",
            ],
            "introspection_endpoint": f"{ISSUER}/oauth/introspect",
            "introspection_endpoint_auth_methods_supported": [
                "client_secret_basic",
                "client_secret_post",
            ],
            "device_authorization_endpoint": f"{ISSUER}/oauth/device/code",
            "userinfo_endpoint": f"{ISSUER}/oauth/userinfo",
            "jwks_uri": f"{ISSUER}/.well-known/jwks.json",
            "end_session_endpoint": f"{ISSUER}/oauth/end-session",
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code", "refresh_token", DEVICE_CODE],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": [
                "global",
                "identity",
                "read",
                "read-protected",
                "write",
                "write-protected",
                "create-apps",
                "openid",
                "email",
                "profile",
                "offline_access",
            ],
            "authorization_response_iss_parameter_supported": True,
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "claims_supported": [
                "iss",
                "sub",
                "aud",
                "exp",
                "iat",
                "auth_time",
                "nonce",
                "amr",
                "at_hash",
                "azp",
                "email",
                "email_verified",
                "name",
            ],
            "prompt_values_supported": ["none", "login", "consent"],
            "claims_parameter_supported": False,
            "request_parameter_supported": False,
            "request_uri_parameter_supported": False,
        }

    def test_s2_against_the_real_heroku_api_no_extension_is_advertised_or_routed(
        self, settings_values
    ):
        app = webtest.TestApp(identity.main({}, **settings_values))  # HEROKU_API_URL set
        document = app.get(WELL_KNOWN).json
        for name in (
            "revocation_endpoint",
            "introspection_endpoint",
            "device_authorization_endpoint",
        ):
            assert name not in document
        assert document["grant_types_supported"] == ["authorization_code", "refresh_token"]
        for endpoint in ("/oauth/revoke", "/oauth/introspect", "/oauth/device/code"):
            app.post(endpoint, {"token": "x"}, status=404)
        app.get("/oauth/device", status=404)
        response = app.post(
            "/oauth/token", {"grant_type": DEVICE_CODE, "device_code": "x"}, status=400
        )
        assert_oauth_error(response, "unsupported_grant_type")

    def test_s2_extensions_can_be_declared_for_a_separately_served_platform(self, settings_values):
        values = {**settings_values, "platform_extensions": "true"}
        document = webtest.TestApp(identity.main({}, **values)).get(WELL_KNOWN).json
        assert document["revocation_endpoint"] == f"{ISSUER}/oauth/revoke"
        assert DEVICE_CODE in document["grant_types_supported"]

    def test_s2_extensions_can_be_turned_off_for_the_embedded_api(self, identity_values):
        values = {**identity_values, "platform_extensions": "false"}
        document = webtest.TestApp(identity.main({}, **values)).get(WELL_KNOWN).json
        assert "revocation_endpoint" not in document


class TestWalkTheDocument:
    """Every advertised feature works."""

    def test_authorization_and_token_endpoints_with_every_auth_method(self, world):
        document = metadata(world)
        confidential = world.client(name="Confidential")
        public = world.client("http://127.0.0.1/cb", name="Native", public=True)
        world.user()
        browser = world.browser("user@example.com")
        assert document["response_types_supported"] == ["code"]
        for method in document["token_endpoint_auth_methods_supported"]:
            client = public if method == "none" else confidential
            (challenge_method,) = document["code_challenge_methods_supported"]
            code = world.code(browser, client, pkce=challenge_method)
            params = {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": client["redirect_uri"],
                "code_verifier": pkce_pair()[0],
            }
            headers = {}
            if method == "client_secret_basic":
                headers = basic(client["id"], client["secret"])
            elif method == "client_secret_post":
                params |= {"client_id": client["id"], "client_secret": client["secret"]}
            else:
                params["client_id"] = client["id"]
            response = world.client_app.post(
                path(document["token_endpoint"]), params, headers=headers
            )
            assert response.json["token_type"] == "Bearer", method

    def test_every_advertised_grant_type(self, world):
        document = metadata(world)
        client = world.client()
        tokens = world.tokens(client)  # authorization_code
        used = {"authorization_code"}
        refreshed = world.token(
            {
                "grant_type": "refresh_token",
                "refresh_token": tokens["refresh_token"],
                **world.credentials(client),
            },
            status=200,
        )
        assert refreshed.json["access_token"]
        used.add("refresh_token")
        device = world.client_app.post(
            path(document["device_authorization_endpoint"]), world.credentials(client)
        ).json
        browser = world.browser("user@example.com")
        page = browser.get(path(device["verification_uri_complete"]))
        consent = page.forms[0].submit()
        consent.forms[0].submit("decision", value="approve")
        polled = world.token(
            {
                "grant_type": DEVICE_CODE,
                "device_code": device["device_code"],
                **world.credentials(client),
            },
            status=200,
        )
        assert polled.json["access_token"]
        used.add(DEVICE_CODE)
        assert used == set(document["grant_types_supported"])

    def test_revocation_and_introspection_with_every_advertised_auth_method(self, world):
        document = metadata(world)
        confidential = world.client(name="Confidential")
        public = world.client("http://127.0.0.1/cb", name="Native", public=True)
        for name in ("revocation", "introspection"):
            for method in document[f"{name}_endpoint_auth_methods_supported"]:
                client = public if method == "none" else confidential
                token = world.tokens(client, email=f"{name}-{method}@example.com")
                params = {"token": token["access_token"]}
                headers = {}
                if method == "client_secret_basic":
                    headers = basic(client["id"], client["secret"])
                else:
                    params |= world.credentials(client)
                response = world.client_app.post(
                    path(document[f"{name}_endpoint"]), params, headers=headers
                )
                assert response.status_int == 200, (name, method)


class TestWhatIsNotAdvertisedIsRefused:
    def test_plain_pkce(self, world):
        client = world.client()
        world.user()
        answer = world.authorize(world.browser("user@example.com"), client, pkce="plain")
        assert answer["error"] == "invalid_request"

    @pytest.mark.parametrize("response_type", ["token", "code token", "id_token", "none"])
    def test_other_response_types(self, world, response_type):
        client = world.client()
        world.user()
        answer = world.authorize(
            world.browser("user@example.com"), client, response_type=response_type
        )
        assert answer["error"] == "unsupported_response_type"

    @pytest.mark.parametrize(
        "grant_type",
        [
            "password",
            "client_credentials",
            "implicit",
            "urn:ietf:params:oauth:grant-type:jwt-bearer",
        ],
    )
    def test_other_grant_types(self, world, grant_type):
        client = world.client()
        world.user()
        response = world.token(
            {
                "grant_type": grant_type,
                "username": "user@example.com",
                "password": "correct horse battery staple",
                **world.credentials(client),
            },
            status=400,
        )
        assert_oauth_error(response, "unsupported_grant_type")

    def test_introspection_without_a_secret(self, world):
        public = world.client("http://127.0.0.1/cb", public=True)
        token = world.tokens(public)
        response = world.client_app.post(
            "/oauth/introspect",
            {"token": token["access_token"], "client_id": public["id"]},
            status=401,
        )
        assert_oauth_error(response, "invalid_client", 401)
