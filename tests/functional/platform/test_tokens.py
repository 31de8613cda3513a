"""Calls #6/#7 (POST /oauth/tokens) and the extensions: rotation, revoke, introspect, device."""

import pytest

from tests import sql
from tests.functional.platform.conftest import basic, bearer

URL = "/oauth/tokens"
DEVICE = "urn:ietf:params:oauth:grant-type:device_code"


@pytest.fixture
def me(login, user):
    return login()


def grant_code(api, me, client):
    return api.post_json(
        "/oauth/authorizations",
        {"client": {"id": client["id"]}, "scope": ["read"], "session": {"id": me["session"]["id"]}},
        headers=basic("", me["access_token"]["token"]),
    ).json["grant"]["code"]


def exchange(api, code, client_body, status=201):
    return api.post_json(
        URL,
        {
            "client": client_body,
            "grant": {"type": "authorization_code", "code": code},
            "refresh_token": {"token": None},
        },
        status=status,
    )


def refresh(api, token, client_body, status=201):
    return api.post_json(
        URL,
        {
            "client": client_body,
            "grant": {"type": "refresh_token", "code": None},
            "refresh_token": {"token": token},
        },
        status=status,
    )


class TestAuthorizationCode:
    def test_exchange(self, api, me, third_party, user):
        code = grant_code(api, me, third_party)
        response = exchange(api, code, {"secret": third_party["secret"]})
        body = response.json
        assert response.headers["Cache-Control"] == "no-store"
        assert body["access_token"]["expires_in"] == 7200
        assert body["refresh_token"]["expires_in"] == 2592000
        assert body["user"] == {"id": user["id"]}
        assert body["session"] == {"id": me["session"]["id"]}
        assert body["authorization"]["id"]
        account = api.get("/account", headers=bearer(body["access_token"]["token"]), status=403)
        assert account.json["id"] == "forbidden"  # scope read does not reach the account

    def test_code_works_once(self, api, me, third_party):
        code = grant_code(api, me, third_party)
        exchange(api, code, {"id": third_party["id"], "secret": third_party["secret"]})
        assert exchange(api, code, {"secret": third_party["secret"]}, 404).json["id"] == (
            "not_found"
        )

    def test_reused_code_revokes_the_tokens_issued_from_it(self, api, me, third_party):
        """RFC 6749 §4.1.2: a second redemption is denied and revokes what the first got."""
        secret = {"secret": third_party["secret"]}
        code = grant_code(api, me, third_party)
        first = exchange(api, code, secret).json
        later = refresh(api, first["refresh_token"]["token"], secret).json
        assert exchange(api, code, secret, 404).json["id"] == "not_found"
        for access in (first["access_token"], later["access_token"]):
            api.get("/oauth/authorizations/~", headers=bearer(access["token"]), status=401)
        refresh(api, first["refresh_token"]["token"], secret, 404)
        exchange(api, code, secret, 404)  # and again: still recognised, still denied
        # Only that code's tokens: the person's own login is untouched.
        api.get("/oauth/authorizations/~", headers=bearer(me["access_token"]["token"]))

    def test_used_code_from_another_client_revokes_nothing(self, api, me, third_party, db):
        from identity.platform.domain.clients import create_client

        other = create_client(db, "Other", "https://other.example.test/cb")
        code = grant_code(api, me, third_party)
        first = exchange(api, code, {"secret": third_party["secret"]}).json
        exchange(api, code, {"secret": other["secret"]}, 404)
        api.get("/oauth/authorizations/~", headers=bearer(first["access_token"]["token"]))

    def test_code_expires(self, api, me, third_party, clock):
        code = grant_code(api, me, third_party)
        clock.advance(301)
        exchange(api, code, {"secret": third_party["secret"]}, 404)

    def test_wrong_secret_is_401_and_does_not_spend_the_code(self, api, me, third_party):
        code = grant_code(api, me, third_party)
        exchange(api, code, {"secret": "wrong"}, 401)
        exchange(api, code, {"id": third_party["id"]}, 401)  # confidential: secret needed
        exchange(api, code, {"secret": third_party["secret"]})

    def test_another_clients_code_is_404(self, api, me, third_party, db):
        from identity.platform.domain.clients import create_client

        other = create_client(db, "Other", "https://other.example.test/cb")
        code = grant_code(api, me, third_party)
        exchange(api, code, {"secret": other["secret"]}, 404)
        exchange(api, code, {"secret": third_party["secret"]})

    @pytest.mark.parametrize(
        "body",
        [
            {"client": {"secret": "s"}, "grant": {"code": "c"}},
            {"client": {"secret": "s"}, "grant": {"type": "password", "code": "c"}},
            {"client": {"secret": "s"}, "grant": {"type": "authorization_code"}},
            {"client": {"secret": "s"}, "grant": {"type": "refresh_token"}},
        ],
    )
    def test_missing_or_unsupported_params_are_422(self, api, body):
        api.post_json(URL, body, status=422)

    def test_suspended_user_cannot_exchange(self, api, me, third_party, db):
        from identity.platform.domain.accounts import set_state

        code = grant_code(api, me, third_party)
        set_state(db, "alice@example.test", suspended=True)
        assert exchange(api, code, {"secret": third_party["secret"]}, 403).json["id"] == (
            "suspended"
        )


class TestRefresh:
    def test_identitys_own_refresh_by_secret_alone(self, api, me, identity_client):
        body = refresh(api, me["refresh_token"]["token"], {"secret": identity_client["secret"]})
        assert body.json["access_token"]["token"] != me["access_token"]["token"]
        # Confidential clients keep their refresh token.
        assert body.json["refresh_token"]["token"] == me["refresh_token"]["token"]
        api.get("/account", headers=bearer(body.json["access_token"]["token"]))
        refresh(api, me["refresh_token"]["token"], {"secret": identity_client["secret"]})

    def test_null_secret_is_401(self, api, me):
        refresh(api, me["refresh_token"]["token"], {"secret": None}, 401)

    def test_bad_or_expired_refresh_token_is_404_like_a_bad_code(
        self, api, me, identity_client, clock
    ):
        # 401 stays for client authentication, so Identity can tell invalid_client
        # from invalid_grant (RFC 6749 §5.2).
        refresh(api, "HRKU-nope", {"secret": identity_client["secret"]}, 404)
        refresh(api, me["access_token"]["token"], {"secret": identity_client["secret"]}, 404)
        clock.advance(2592000 + 1)
        refresh(api, me["refresh_token"]["token"], {"secret": identity_client["secret"]}, 404)

    def test_access_token_expires(self, api, me, clock):
        clock.advance(7201)
        api.get("/account", headers=bearer(me["access_token"]["token"]), status=401)


class TestPublicClientRotation:
    @pytest.fixture
    def first(self, api, me, public_client):
        code = grant_code(api, me, public_client)
        return exchange(api, code, {"id": public_client["id"]}).json

    def test_each_refresh_rotates(self, api, first, public_client, clock):
        second = refresh(api, first["refresh_token"]["token"], {"id": public_client["id"]}).json
        assert second["refresh_token"]["token"] != first["refresh_token"]["token"]
        clock.advance(60)
        third = refresh(api, second["refresh_token"]["token"], {"id": public_client["id"]}).json
        assert third["refresh_token"]["token"] != second["refresh_token"]["token"]

    def test_parallel_retry_within_grace_gets_the_same_successor(
        self, api, first, public_client, clock
    ):
        a = refresh(api, first["refresh_token"]["token"], {"id": public_client["id"]}).json
        clock.advance(5)
        b = refresh(api, first["refresh_token"]["token"], {"id": public_client["id"]}).json
        assert a["refresh_token"] == {
            **b["refresh_token"],
            "expires_in": a["refresh_token"]["expires_in"],
        }
        assert a["access_token"]["token"] == b["access_token"]["token"]

    def test_reuse_after_grace_revokes_the_family(self, api, first, public_client, clock):
        second = refresh(api, first["refresh_token"]["token"], {"id": public_client["id"]}).json
        clock.advance(11)
        refresh(api, first["refresh_token"]["token"], {"id": public_client["id"]}, 404)
        refresh(api, second["refresh_token"]["token"], {"id": public_client["id"]}, 404)
        api.get(
            "/oauth/authorizations/~", headers=bearer(second["access_token"]["token"]), status=401
        )


class TestRevokeAndIntrospect:
    @pytest.fixture
    def issued(self, api, me, third_party):
        return exchange(
            api, grant_code(api, me, third_party), {"secret": third_party["secret"]}
        ).json

    def introspect(self, api, client, token, status=200):
        return api.post_json(
            f"{URL}/actions/introspect", {"client": client, "token": token}, status=status
        )

    def test_introspect_active_token(self, api, issued, third_party, user):
        body = self.introspect(
            api,
            {"id": third_party["id"], "secret": third_party["secret"]},
            issued["access_token"]["token"],
        ).json
        assert body["active"] is True
        assert body["scope"] == ["read"]
        assert body["client_id"] == third_party["id"]
        assert body["user"] == {"id": user["id"], "email": "alice@example.test"}
        assert body["token_type"] == "access_token"
        assert body["expires_at"].endswith("Z")
        refresh_body = self.introspect(
            api, {"secret": third_party["secret"]}, issued["refresh_token"]["token"]
        ).json
        assert refresh_body["token_type"] == "refresh_token"

    def test_introspect_other_clients_or_unknown_tokens_inactive(
        self, api, issued, identity_client, third_party, me
    ):
        assert self.introspect(
            api, {"secret": identity_client["secret"]}, issued["access_token"]["token"]
        ).json == {"active": False}
        assert self.introspect(api, {"secret": third_party["secret"]}, "nope").json == {
            "active": False
        }
        self.introspect(api, {"secret": "wrong"}, "nope", 401)

    def test_revoke_refresh_token_revokes_the_authorization(self, api, issued, third_party):
        revoke = {
            "client": {"secret": third_party["secret"]},
            "token": issued["refresh_token"]["token"],
            "token_type_hint": "refresh_token",
        }
        assert api.post_json(f"{URL}/actions/revoke", revoke).json == {}
        assert self.introspect(
            api, {"secret": third_party["secret"]}, issued["access_token"]["token"]
        ).json == {"active": False}
        assert api.post_json(f"{URL}/actions/revoke", revoke).status_int == 200

    def test_revoke_leaves_other_clients_tokens_alone(
        self, api, issued, identity_client, third_party
    ):
        api.post_json(
            f"{URL}/actions/revoke",
            {
                "client": {"secret": identity_client["secret"]},
                "token": issued["access_token"]["token"],
            },
        )
        assert self.introspect(
            api, {"secret": third_party["secret"]}, issued["access_token"]["token"]
        ).json["active"]
        api.post_json(
            f"{URL}/actions/revoke", {"client": {"secret": "x"}, "token": "y"}, status=401
        )


class TestDeviceFlow:
    @pytest.fixture
    def device(self, api, public_client):
        response = api.post_json(
            "/oauth/device-authorizations", {"client": {"id": public_client["id"]}, "scope": None}
        )
        assert response.status_int == 201
        return response.json

    def poll(self, api, client, device, status=201):
        return api.post_json(
            URL,
            {
                "client": {"id": client["id"]},
                "grant": {"type": DEVICE, "code": device["device_code"]},
            },
            status=status,
        )

    def test_full_flow(self, api, device, public_client, me, clock):
        assert device["interval"] == 5 and device["expires_in"] == 600
        assert self.poll(api, public_client, device, 400).json["id"] == "authorization_pending"
        assert self.poll(api, public_client, device, 400).json["id"] == "slow_down"
        token = me["access_token"]["token"]
        info = api.get(
            f"/oauth/device-authorizations/{device['user_code'].lower()}", headers=bearer(token)
        ).json
        assert info["client"]["name"] == "CLI" and info["scope"] == ["global"]
        api.post_json(
            f"/oauth/device-authorizations/{device['user_code']}/actions/approve",
            {"session": {"id": me["session"]["id"]}},
            headers=bearer(token),
        )
        clock.advance(11)  # the interval grew to 10 s after slow_down
        body = self.poll(api, public_client, device).json
        api.get("/account", headers=bearer(body["access_token"]["token"]))
        clock.advance(11)
        self.poll(api, public_client, device, 404)
        # Logging out revokes what the device got.
        api.delete(f"/oauth/sessions/{me['session']['id']}", headers=bearer(token))
        api.get("/account", headers=bearer(body["access_token"]["token"]), status=401)

    def test_denied(self, api, device, public_client, me):
        api.post(
            f"/oauth/device-authorizations/{device['user_code']}/actions/deny",
            headers=bearer(me["access_token"]["token"]),
        )
        assert self.poll(api, public_client, device, 400).json["id"] == "access_denied"

    def test_suspended_approver_gets_no_tokens(self, api, device, public_client, me, db, clock):
        from identity.platform.domain.accounts import set_state

        api.post_json(
            f"/oauth/device-authorizations/{device['user_code']}/actions/approve",
            {},
            headers=bearer(me["access_token"]["token"]),
        )
        set_state(db, "alice@example.test", suspended=True)
        before = sql.read(db, "SELECT count(*) FROM tokens")
        assert self.poll(api, public_client, device, 403).json["id"] == "suspended"
        assert sql.read(db, "SELECT count(*) FROM tokens") == before
        set_state(db, "alice@example.test", suspended=False)
        clock.advance(6)
        self.poll(api, public_client, device, 404)  # spent, as a grant code is

    def test_expired(self, api, device, public_client, clock):
        clock.advance(601)
        assert self.poll(api, public_client, device, 400).json["id"] == "expired_token"

    def test_wrong_user_codes_are_limited(self, api, me):
        token = me["access_token"]["token"]
        for _ in range(10):
            api.get("/oauth/device-authorizations/BBBB-BBBB", headers=bearer(token), status=404)
        response = api.get(
            "/oauth/device-authorizations/BBBB-BBBB", headers=bearer(token), status=429
        )
        assert int(response.headers["Retry-After"]) > 0

    def test_bad_client_is_401(self, api, third_party):
        api.post_json(
            "/oauth/device-authorizations", {"client": {"id": third_party["id"]}}, status=401
        )
