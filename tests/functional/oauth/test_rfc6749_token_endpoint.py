"""RFC 6749 §3.2, §4.1.3, §5: the token endpoint, strict, and single-use codes under load."""

from __future__ import annotations

import threading

import pytest
import webtest

from tests.functional.oauth.conftest import assert_oauth_error, basic


@pytest.fixture
def client(world):
    world.user()
    return world.client()


def code_params(world, client, **params) -> dict:
    code = world.code(world.browser("user@example.com"), client)
    return world.exchange_params(client, code, **params)


class TestRequestFormat:
    def test_s3_2_get_is_405_with_allow_post(self, world):
        response = world.client_app.get("/oauth/token", status=405)
        assert response.headers["Allow"] == "POST"

    def test_s3_2_json_body_is_invalid_request(self, world, client):
        response = world.client_app.post_json(
            "/oauth/token", code_params(world, client), status=400
        )
        assert_oauth_error(response, "invalid_request")

    def test_s3_2_duplicate_parameter_is_invalid_request(self, world, client):
        params = [*code_params(world, client).items(), ("grant_type", "refresh_token")]
        assert_oauth_error(world.token(params), "invalid_request")

    def test_s3_1_unknown_parameters_are_ignored(self, world, client):
        assert world.token({**code_params(world, client), "colour": "blue"}).status_int == 200

    def test_s3_1_empty_parameters_are_absent(self, world, client):
        assert world.token({**code_params(world, client), "scope": ""}).status_int == 200


class TestGrants:
    @pytest.mark.parametrize("grant_type", ["password", "client_credentials", "implicit"])
    def test_s5_2_unsupported_grant_type(self, world, client, grant_type):
        response = world.token({"grant_type": grant_type, **world.credentials(client)})
        assert_oauth_error(response, "unsupported_grant_type")

    def test_s5_1_successful_answer(self, world, client):
        response = world.token(code_params(world, client), status=200)
        assert response.headers["Cache-Control"] == "no-store"
        body = response.json
        assert body["token_type"] == "Bearer" and body["expires_in"] == 7200
        assert body["access_token"] and body["refresh_token"]

    def test_s2_3_1_basic_authentication(self, world, client):
        params = code_params(world, client, client_id=None, client_secret=None)
        response = world.client_app.post(
            "/oauth/token", params, headers=basic(client["id"], client["secret"])
        )
        assert response.status_int == 200

    def test_s5_2_wrong_secret_is_401_invalid_client(self, world, client):
        response = world.token(code_params(world, client, client_secret="wrong"))
        assert_oauth_error(response, "invalid_client", 401)
        assert response.headers["WWW-Authenticate"].startswith("Basic")

    def test_s4_1_3_redirect_uri_must_match(self, world, client):
        response = world.token(code_params(world, client, redirect_uri="https://client.test/other"))
        assert_oauth_error(response, "invalid_grant")

    def test_s4_1_3_code_of_another_client_is_invalid_grant(self, world, client):
        other = world.client(name="Other")
        params = code_params(world, client)
        response = world.token({**params, **world.credentials(other)})
        assert_oauth_error(response, "invalid_grant")

    def test_s5_2_unknown_client_with_a_good_code_is_invalid_client_and_spends_nothing(
        self, world, client
    ):
        params = code_params(world, client)
        stranger = {"client_id": "00000000-0000-0000-0000-000000000000", "client_secret": "x"}
        response = world.token({**params, **stranger})
        assert_oauth_error(response, "invalid_client", 401)
        assert response.headers["WWW-Authenticate"].startswith("Basic")
        assert world.token(params).status_int == 200

    def test_s5_2_wrong_secret_with_another_clients_code_is_invalid_client(self, world, client):
        other = world.client(name="Other")
        params = code_params(world, client)
        wrong = {"client_id": other["id"], "client_secret": "wrong"}
        assert_oauth_error(world.token({**params, **wrong}), "invalid_client", 401)
        assert world.token(params).status_int == 200

    def test_s5_2_wrong_secret_by_basic_is_invalid_client_before_the_redirect_uri(
        self, world, client
    ):
        params = code_params(world, client, client_id=None, client_secret=None)
        params["redirect_uri"] = "https://client.test/other"
        response = world.client_app.post(
            "/oauth/token", params, headers=basic(client["id"], "wrong"), status=401
        )
        assert_oauth_error(response, "invalid_client", 401)
        assert response.headers["WWW-Authenticate"].startswith("Basic")

    def test_s4_1_2_a_code_redeems_once(self, world, client):
        params = code_params(world, client)
        world.token(params, status=200)
        assert_oauth_error(world.token(params), "invalid_grant")

    def test_s5_2_error_description_is_clean(self, world, client):
        body = assert_oauth_error(
            world.token({"grant_type": "x\"'\\\x01"}), "unsupported_grant_type"
        )
        assert not any(c in body.get("error_description", "") for c in "\"'\\\x01")


def test_s4_1_2_parallel_redemption_of_one_code_succeeds_once(world, client):
    """RFC 6749 §4.1.2 / §10.5: ten racing exchanges, exactly one set of tokens."""
    params = code_params(world, client)
    barrier = threading.Barrier(10)
    results: list[webtest.TestResponse] = []

    def redeem():
        app = webtest.TestApp(world.wsgi)
        barrier.wait()
        results.append(app.post("/oauth/token", params, status="*"))

    threads = [threading.Thread(target=redeem) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(r.status_int for r in results)
    assert statuses == [200] + [400] * 9, statuses
    assert all(r.json["error"] == "invalid_grant" for r in results if r.status_int == 400)


class TestRefreshScope:
    """RFC 6749 §6: a refresh may ask for no more than the original grant."""

    @pytest.fixture
    def refresh(self, world, client):
        tokens = world.exchange(
            client,
            world.code(world.browser("user@example.com"), client, scope="read write"),
            status=200,
        ).json
        return lambda scope: world.token(
            {
                "grant_type": "refresh_token",
                "refresh_token": tokens["refresh_token"],
                "scope": scope,
                **world.credentials(client),
            }
        )

    @pytest.mark.parametrize("scope", ["global", "read write global", "no-such-scope"])
    def test_s6_beyond_the_original_or_unknown_is_invalid_scope(self, refresh, scope):
        assert_oauth_error(refresh(scope), "invalid_scope")

    def test_s6_narrower_names_the_scope_of_the_token(self, refresh):
        response = refresh("read")
        assert response.status_int == 200
        # The API cannot narrow a token: the answer says what it really holds.
        assert response.json["scope"] == "read write"

    def test_s6_the_same_scope_needs_no_scope_in_the_answer(self, refresh):
        response = refresh("write read")
        assert response.status_int == 200 and "scope" not in response.json

    def test_s5_2_wrong_secret_is_invalid_client_before_the_scope(self, world, client, refresh):
        tokens = world.tokens(client, "other@example.com")
        response = world.token(
            {
                "grant_type": "refresh_token",
                "refresh_token": tokens["refresh_token"],
                "scope": "no-such-scope",
                "client_id": client["id"],
                "client_secret": "wrong",
            }
        )
        assert_oauth_error(response, "invalid_client", 401)
