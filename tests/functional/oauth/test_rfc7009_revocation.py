"""RFC 7009: token revocation at POST /oauth/revoke."""

from __future__ import annotations

import pytest

from tests.functional.oauth.conftest import assert_oauth_error, basic


def revoke(world, client, token, status=200, **params):
    return world.client_app.post(
        "/oauth/revoke", {"token": token, **world.credentials(client), **params}, status=status
    )


def active(world, client, token) -> bool:
    return world.client_app.post(
        "/oauth/introspect", {"token": token, **world.credentials(client)}
    ).json["active"]


@pytest.fixture
def client(world):
    return world.client()


class TestRevocationRequest:
    def test_s2_1_access_token_with_basic(self, world, client):
        tokens = world.tokens(client)
        response = world.client_app.post(
            "/oauth/revoke",
            {"token": tokens["access_token"]},
            headers=basic(client["id"], client["secret"]),
        )
        assert response.status_int == 200
        assert response.headers["Cache-Control"] == "no-store"
        assert not active(world, client, tokens["access_token"])
        assert active(world, client, tokens["refresh_token"])

    def test_s2_1_refresh_token_revokes_the_whole_grant(self, world, client):
        tokens = world.tokens(client)
        revoke(world, client, tokens["refresh_token"])
        assert not active(world, client, tokens["access_token"])
        response = world.token(
            {
                "grant_type": "refresh_token",
                "refresh_token": tokens["refresh_token"],
                **world.credentials(client),
            }
        )
        assert_oauth_error(response, "invalid_grant")

    def test_s2_1_a_wrong_token_type_hint_still_finds_the_token(self, world, client):
        tokens = world.tokens(client)
        revoke(world, client, tokens["refresh_token"], token_type_hint="access_token")
        assert not active(world, client, tokens["access_token"])

    def test_s2_1_an_unknown_token_type_hint_is_ignored(self, world, client):
        tokens = world.tokens(client)
        revoke(world, client, tokens["access_token"], token_type_hint="id_token")
        assert not active(world, client, tokens["access_token"])

    def test_s2_1_public_client_by_client_id(self, world):
        public = world.client("http://127.0.0.1/cb", public=True)
        tokens = world.tokens(public)
        revoke(world, public, tokens["refresh_token"])
        response = world.token(
            {
                "grant_type": "refresh_token",
                "refresh_token": tokens["refresh_token"],
                "client_id": public["id"],
            }
        )
        assert_oauth_error(response, "invalid_grant")

    def test_s2_1_another_clients_token_is_left_alone(self, world, client):
        tokens = world.tokens(client)
        other = world.client(name="Other")
        revoke(world, other, tokens["access_token"])
        assert active(world, client, tokens["access_token"])


class TestRevocationResponse:
    def test_s2_2_unknown_token_is_200_too(self, world, client):
        assert revoke(world, client, "HRKU-not-a-token").status_int == 200

    def test_s2_2_revoking_twice_is_200(self, world, client):
        tokens = world.tokens(client)
        revoke(world, client, tokens["access_token"])
        revoke(world, client, tokens["access_token"])

    def test_s2_2_1_missing_token_is_invalid_request(self, world, client):
        response = world.client_app.post("/oauth/revoke", world.credentials(client), status=400)
        assert_oauth_error(response, "invalid_request")


class TestClientAuthentication:
    def test_s2_1_no_client_is_401(self, world, client):
        tokens = world.tokens(client)
        response = world.client_app.post(
            "/oauth/revoke", {"token": tokens["access_token"]}, status=401
        )
        assert_oauth_error(response, "invalid_client", 401)
        assert active(world, client, tokens["access_token"])

    def test_s2_1_confidential_client_without_secret_is_401(self, world, client):
        tokens = world.tokens(client)
        response = world.client_app.post(
            "/oauth/revoke",
            {"token": tokens["access_token"], "client_id": client["id"]},
            status=401,
        )
        assert_oauth_error(response, "invalid_client", 401)
        assert active(world, client, tokens["access_token"])

    def test_s2_1_wrong_basic_secret_is_401_with_a_challenge(self, world, client):
        tokens = world.tokens(client)
        response = world.client_app.post(
            "/oauth/revoke",
            {"token": tokens["access_token"]},
            headers=basic(client["id"], "wrong"),
            status=401,
        )
        assert_oauth_error(response, "invalid_client", 401)
        assert response.headers["WWW-Authenticate"] == 'Basic realm="Identity"'
        assert active(world, client, tokens["access_token"])


class TestRequestFormat:
    def test_s2_1_post_only(self, world):
        response = world.client_app.get("/oauth/revoke", status=405)
        assert response.headers["Allow"] == "POST"

    def test_s2_1_form_body_only(self, world, client):
        response = world.client_app.post_json(
            "/oauth/revoke", {"token": "x", **world.credentials(client)}, status=400
        )
        assert_oauth_error(response, "invalid_request")

    def test_s2_1_token_in_the_url_is_refused(self, world, client):
        tokens = world.tokens(client)
        response = world.client_app.post(
            "/oauth/revoke?token=" + tokens["access_token"],
            world.credentials(client),
            status=400,
        )
        assert_oauth_error(response, "invalid_request")
        assert active(world, client, tokens["access_token"])
