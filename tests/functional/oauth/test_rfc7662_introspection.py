"""RFC 7662: token introspection at POST /oauth/introspect."""

from __future__ import annotations

import time

import pytest

from tests.functional.oauth.conftest import assert_oauth_error, basic


def introspect(world, client, token, status=200, **params):
    response = world.client_app.post(
        "/oauth/introspect",
        {"token": token, **world.credentials(client), **params},
        status=status,
    )
    assert response.headers["Cache-Control"] == "no-store"
    return response


@pytest.fixture
def client(world):
    return world.client()


class TestActiveTokens:
    def test_s2_2_access_token(self, world, client):
        user = world.user("person@example.com")
        before = int(time.time())
        code = world.code(world.browser("person@example.com"), client, scope="read write")
        tokens = world.exchange(client, code, status=200).json
        info = introspect(world, client, tokens["access_token"]).json
        assert set(info) == {
            "active",
            "scope",
            "client_id",
            "username",
            "sub",
            "exp",
            "iat",
            "token_type",
        }
        assert info["active"] is True
        assert info["scope"] == "read write"
        assert info["client_id"] == client["id"]
        assert (info["username"], info["sub"]) == ("person@example.com", user["id"])
        assert info["token_type"] == "Bearer"
        assert before - 1 <= info["iat"] <= time.time() + 1
        assert info["exp"] == pytest.approx(info["iat"] + 7200, abs=2)

    def test_s2_2_refresh_token_is_no_bearer_token(self, world, client):
        tokens = world.tokens(client)
        info = introspect(world, client, tokens["refresh_token"]).json
        assert info["active"] is True
        assert info["token_type"] == "refresh_token"

    def test_s2_1_basic_authentication(self, world, client):
        tokens = world.tokens(client)
        response = world.client_app.post(
            "/oauth/introspect",
            {"token": tokens["access_token"]},
            headers=basic(client["id"], client["secret"]),
        )
        assert response.json["active"] is True


class TestInactiveTokens:
    """§2.2: an inactive token is {"active": false} and nothing else."""

    def test_unknown_token(self, world, client):
        assert introspect(world, client, "HRKU-unknown").json == {"active": False}

    def test_revoked_token(self, world, client):
        tokens = world.tokens(client)
        world.client_app.post(
            "/oauth/revoke", {"token": tokens["refresh_token"], **world.credentials(client)}
        )
        assert introspect(world, client, tokens["access_token"]).json == {"active": False}

    def test_another_clients_token(self, world, client):
        tokens = world.tokens(client)
        other = world.client(name="Other")
        assert introspect(world, other, tokens["access_token"]).json == {"active": False}

    def test_token_of_an_ended_session(self, world, client):
        world.user()
        browser = world.browser("user@example.com")
        code = world.code(browser, client)
        tokens = world.exchange(client, code, status=200).json
        browser.get("/logout")
        assert introspect(world, client, tokens["access_token"]).json == {"active": False}


class TestClientAuthentication:
    def test_s2_1_no_client_is_401(self, world, client):
        response = world.client_app.post("/oauth/introspect", {"token": "x"}, status=401)
        assert_oauth_error(response, "invalid_client", 401)

    def test_s2_1_client_id_alone_is_401_even_for_a_public_client(self, world):
        public = world.client("http://127.0.0.1/cb", public=True)
        tokens = world.tokens(public)
        response = world.client_app.post(
            "/oauth/introspect",
            {"token": tokens["access_token"], "client_id": public["id"]},
            status=401,
        )
        assert_oauth_error(response, "invalid_client", 401)

    def test_s2_1_wrong_secret_is_401_with_a_challenge(self, world, client):
        tokens = world.tokens(client)
        response = world.client_app.post(
            "/oauth/introspect",
            {"token": tokens["access_token"]},
            headers=basic(client["id"], "wrong"),
            status=401,
        )
        assert_oauth_error(response, "invalid_client", 401)
        assert response.headers["WWW-Authenticate"] == 'Basic realm="Identity"'

    def test_s2_1_missing_token_is_invalid_request(self, world, client):
        response = world.client_app.post("/oauth/introspect", world.credentials(client), status=400)
        assert_oauth_error(response, "invalid_request")

    def test_s4_post_with_a_form_body_only(self, world, client):
        world.client_app.get("/oauth/introspect?token=x", status=405)
        response = world.client_app.post_json(
            "/oauth/introspect", {"token": "x", **world.credentials(client)}, status=400
        )
        assert_oauth_error(response, "invalid_request")
