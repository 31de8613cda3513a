"""Calls #9-#15: account, email change, recovery codes, password resets, invitations, SMS."""

import re

import pytest

from identity.platform.domain.accounts import create_user, invite_user
from identity.platform.domain.errors import InvalidParams
from tests import sql
from tests.functional.platform.conftest import CHEAP_HASHER, PASSWORD, basic, bearer

NEW_PASSWORD = "a quite different passphrase"


@pytest.fixture
def token(login, user):
    return login()["access_token"]["token"]


def link_token(outbox) -> str:
    return re.search(r"https://id\.example\.test/\S+", outbox.last_body())[0].rsplit("/", 1)[1]


class TestAccount:
    def test_get_account_and_users_tilde(self, api, token, user):
        body = api.get("/account", headers=basic("", token)).json
        assert body["id"] == user["id"] and body["name"] == "Alice"
        assert body["two_factor_authentication"] is False and body["sms_number"] is None
        assert api.get("/users/~", headers=bearer(token)).json == body
        api.get("/account", status=401)

    def test_users_by_id_or_email_is_the_callers_own_account(self, api, token, user):
        body = api.get("/account", headers=bearer(token)).json
        assert api.get(f"/users/{user['id']}", headers=bearer(token)).json == body
        assert api.get("/users/Alice@Example.test", headers=bearer(token)).json == body
        assert api.get("/users/alice%40example.test", headers=bearer(token)).json == body
        api.get(f"/users/{user['id']}", status=401)

    def test_users_of_anyone_else_is_404_like_unknown(self, api, token, db, settings):
        """404 whether the account exists or not, as Heroku answers (platform-api#121)."""
        carol = create_user(
            db, settings, "carol@example.test", password=PASSWORD, hasher=CHEAP_HASHER
        )
        for other in (carol["id"], "carol@example.test", "nobody@example.test", "self"):
            response = api.get(f"/users/{other}", headers=bearer(token), status=404)
            assert response.json["id"] == "not_found"
            api.patch_json(f"/users/{other}", {"name": "X"}, headers=bearer(token), status=404)
        assert api.get("/account", headers=bearer(token)).json["name"] == "Alice"

    def test_patch_users_by_id(self, api, token, user):
        body = api.patch_json(f"/users/{user['id']}", {"name": "Al"}, headers=bearer(token)).json
        assert body["name"] == "Al"

    def test_update_name(self, api, token):
        body = api.patch_json("/account", {"name": "Alice B."}, headers=bearer(token)).json
        assert body["name"] == "Alice B."

    def test_email_change(self, api, token, outbox):
        body = api.patch_json(
            "/account", {"email": "new@example.test", "password": PASSWORD}, headers=bearer(token)
        ).json
        assert body["email"] == "alice@example.test"
        message = outbox.messages()[-1]
        assert message["To"] == "new@example.test"
        assert "/account/email/confirm/" in outbox.last_body()
        change = link_token(outbox)
        confirmed = api.patch_json(
            "/users/~", {"email_change_token": change}, headers=basic("", token)
        )
        assert confirmed.json["email"] == "new@example.test"
        api.patch_json(
            "/users/~", {"email_change_token": change}, headers=bearer(token), status=404
        )

    def test_email_change_needs_the_password(self, api, token):
        api.patch_json("/account", {"email": "new@example.test"}, headers=bearer(token), status=422)
        api.patch_json(
            "/account",
            {"email": "new@example.test", "password": "nope nope"},
            headers=bearer(token),
            status=401,
        )

    def test_email_change_token_of_another_user_is_403(
        self, api, token, login, outbox, db, settings
    ):
        create_user(db, settings, "carol@example.test", password=PASSWORD, hasher=CHEAP_HASHER)
        carol = login(email="carol@example.test")["access_token"]["token"]
        api.patch_json(
            "/account", {"email": "c2@example.test", "password": PASSWORD}, headers=bearer(carol)
        )
        api.patch_json(
            "/users/~",
            {"email_change_token": link_token(outbox)},
            headers=bearer(token),
            status=403,
        )

    def test_unknown_email_change_token_is_404(self, api, token):
        api.patch_json(
            "/users/~", {"email_change_token": "nope"}, headers=bearer(token), status=404
        )

    def test_email_change_expires(self, api, token, outbox, clock, login):
        api.patch_json(
            "/account", {"email": "new@example.test", "password": PASSWORD}, headers=bearer(token)
        )
        clock.advance(86401)
        fresh = login()["access_token"]["token"]
        api.patch_json(
            "/users/~",
            {"email_change_token": link_token(outbox)},
            headers=bearer(fresh),
            status=404,
        )

    def test_password_change_ends_other_logins(
        self, api, token, login, user, public_client, outbox
    ):
        """Other sessions, direct tokens and password grants end; the caller's login stays."""
        other_session = login()["access_token"]["token"]
        direct = api.post_json("/oauth/authorizations", {}, headers=basic(user["email"], PASSWORD))
        code = api.post_json(
            "/oauth/authorizations",
            {"client": {"id": public_client["id"]}},
            headers=basic(user["email"], PASSWORD),
        ).json["grant"]["code"]
        public = api.post_json(
            "/oauth/tokens",
            {
                "client": {"id": public_client["id"]},
                "grant": {"type": "authorization_code", "code": code},
            },
        ).json
        api.patch_json(
            "/account", {"password": PASSWORD, "new_password": NEW_PASSWORD}, headers=bearer(token)
        )
        notice = outbox.messages()[-1]
        assert notice["To"] == user["email"] and notice["Subject"] == "Your password was changed"
        assert "/account/password/reset\n" in outbox.last_body()
        for ended in (other_session, direct.json["access_token"]["token"]):
            api.get("/account", headers=bearer(ended), status=401)
        api.post_json(
            "/oauth/tokens",
            {
                "client": {"id": public_client["id"]},
                "grant": {"type": "refresh_token"},
                "refresh_token": {"token": public["refresh_token"]["token"]},
            },
            status=404,
        )
        assert api.get("/account", headers=bearer(token)).status_int == 200

    def test_recovery_codes_regenerate(self, api, login, two_factor_user, clock, outbox):
        from identity.platform.domain import twofactor

        code = twofactor.totp_code(two_factor_user["totp_secret"], clock.now)
        bob = login(email="bob@example.test", **{"Heroku-Two-Factor-Code": code})
        codes = api.post(
            "/account/recovery-codes",
            headers={**bearer(bob["access_token"]["token"]), "Heroku-Password": PASSWORD},
            status=201,
        ).json
        assert len(codes) == 10 and all(re.fullmatch(r"[0-9a-f]{16}", c) for c in codes)
        assert not set(codes) & set(two_factor_user["recovery_codes"])
        notice = outbox.messages()[-1]
        assert notice["To"] == "bob@example.test"
        assert notice["Subject"] == "New recovery codes were made"

    def test_recovery_codes_need_the_password_not_only_a_token(
        self, api, login, two_factor_user, clock
    ):
        from identity.platform.domain import twofactor

        code = twofactor.totp_code(two_factor_user["totp_secret"], clock.now)
        bob = login(email="bob@example.test", **{"Heroku-Two-Factor-Code": code})
        token = bearer(bob["access_token"]["token"])
        api.post("/account/recovery-codes", headers=token, status=403)
        api.post(
            "/account/recovery-codes", headers={**token, "Heroku-Password": "nope"}, status=401
        )

    def test_recovery_codes_need_two_factor_and_a_token(self, api, token):
        api.post(
            "/account/recovery-codes",
            headers={**bearer(token), "Heroku-Password": PASSWORD},
            status=422,
        )
        api.post("/account/recovery-codes", status=401)


class TestPasswordReset:
    def test_reset_flow(self, api, user, outbox, login):
        body = api.post_json("/password-resets", {"email": "alice@example.test"}, status=201).json
        assert body["user"] == {"email": "alice@example.test", "id": user["id"]}
        assert "/account/password/reset/" in outbox.last_body()
        token = link_token(outbox)
        assert api.get(f"/password-resets/{token}").json["user"]["id"] == user["id"]
        api.post_json(
            f"/password-resets/{token}/actions/finalize",
            {"password": NEW_PASSWORD, "password_confirmation": NEW_PASSWORD},
        )
        api.get(f"/password-resets/{token}", status=404)
        login(password=NEW_PASSWORD)
        api.post_json(
            f"/password-resets/{token}/actions/finalize",
            {"password": NEW_PASSWORD, "password_confirmation": NEW_PASSWORD},
            status=404,
        )

    def test_unknown_email_gets_the_same_answer(self, api, outbox):
        body = api.post_json("/password-resets", {"email": "ghost@example.test"}, status=201).json
        again = api.post_json("/password-resets", {"email": "ghost@example.test"}).json
        assert body["user"]["id"] == again["user"]["id"]
        assert outbox.messages() == []

    @pytest.mark.parametrize(
        ("password", "confirmation"),
        [
            (NEW_PASSWORD, "something else"),
            ("short", "short"),
            ("password1", "password1"),
            ("xx alice xx", "xx alice xx"),
        ],
    )
    def test_bad_passwords_are_422(self, api, user, outbox, password, confirmation):
        api.post_json("/password-resets", {"email": "alice@example.test"})
        response = api.post_json(
            f"/password-resets/{link_token(outbox)}/actions/finalize",
            {"password": password, "password_confirmation": confirmation},
            status=422,
        )
        assert response.json["id"] == "invalid_params"

    def test_reset_expires_and_ends_sessions(self, api, user, outbox, login, clock):
        token = login()["access_token"]["token"]
        api.post_json("/password-resets", {"email": "alice@example.test"})
        api.post_json(
            f"/password-resets/{link_token(outbox)}/actions/finalize",
            {"password": NEW_PASSWORD, "password_confirmation": NEW_PASSWORD},
        )
        api.get("/account", headers=bearer(token), status=401)
        api.post_json("/password-resets", {"email": "alice@example.test"})
        clock.advance(3601)
        api.post_json(
            f"/password-resets/{link_token(outbox)}/actions/finalize",
            {"password": NEW_PASSWORD, "password_confirmation": NEW_PASSWORD},
            status=404,
        )

    def test_reset_ends_tokens_outside_sessions(self, api, user, outbox):
        """A direct token got with the old password (no session) ends too."""
        direct = api.post_json("/oauth/authorizations", {}, headers=basic(user["email"], PASSWORD))
        token = direct.json["access_token"]["token"]
        api.post_json("/password-resets", {"email": "alice@example.test"})
        api.post_json(
            f"/password-resets/{link_token(outbox)}/actions/finalize",
            {"password": NEW_PASSWORD, "password_confirmation": NEW_PASSWORD},
        )
        api.get("/account", headers=bearer(token), status=401)

    def test_reset_requests_are_limited(self, api):
        for _ in range(5):
            api.post_json("/password-resets", {"email": "x@example.test"})
        api.post_json("/password-resets", {"email": "x@example.test"}, status=429)


class TestInvitations:
    def test_accept_then_login(self, api, db, settings, outbox, login, identity_client):
        invited = invite_user(db, settings, "dave@example.test", name="Dave")
        assert invited["invitation_url"].startswith("https://id.example.test/account/accept/")
        assert invited["invitation_url"] in outbox.last_body()
        token = invited["invitation_url"].rsplit("/", 1)[1]
        body = api.patch_json(
            f"/invitations/{token}",
            {
                "password": NEW_PASSWORD,
                "password_confirmation": NEW_PASSWORD,
                "receive_newsletter": "1",
            },
        ).json
        assert body["user"] == {"email": "dave@example.test", "id": invited["id"]}
        login(email="dave@example.test", password=NEW_PASSWORD)
        api.patch_json(
            f"/invitations/{token}",
            {"password": NEW_PASSWORD, "password_confirmation": NEW_PASSWORD},
            status=404,
        )

    def test_weak_password_is_422(self, api, db, settings):
        token = invite_user(db, settings, "dave@example.test")["invitation_url"].rsplit("/", 1)[1]
        response = api.patch_json(
            f"/invitations/{token}",
            {"password": "short", "password_confirmation": "short"},
            status=422,
        )
        assert "short" in response.json["message"]

    def test_unknown_token_is_404(self, api):
        api.patch_json("/invitations/nope", {"password": "x"}, status=404)

    def test_duplicate_invitation_is_refused(self, db, settings, user):
        with pytest.raises(InvalidParams):
            invite_user(db, settings, "alice@example.test")


class TestSmsNumber:
    def test_masked_number_with_the_password_alone(self, api, two_factor_user):
        body = api.get("/users/~/sms-number", headers=basic("bob@example.test", PASSWORD)).json
        assert body == {"sms_number": "+1 ***-***-4567"}

    def test_no_number_is_null_and_recover_is_422(self, api, user):
        headers = basic("alice@example.test", PASSWORD)
        assert api.get("/users/~/sms-number", headers=headers).json == {"sms_number": None}
        response = api.post("/users/~/sms-number/actions/recover", headers=headers, status=422)
        assert response.json["message"] == "Number missing."

    def test_wrong_password_is_401(self, api, two_factor_user):
        api.get("/users/~/sms-number", headers=basic("bob@example.test", "wrong!!!"), status=401)
        api.get("/users/~/sms-number", status=401)


class TestServiceFunctions:
    @pytest.mark.parametrize(
        ("email", "password"),
        [
            ("not-an-email", PASSWORD),
            ("eve@example.test", "password"),
            ("alice@example.test", PASSWORD),
        ],
    )
    def test_create_user_refuses_bad_input(self, db, settings, user, email, password):
        with pytest.raises(InvalidParams):
            create_user(db, settings, email, password=password, hasher=CHEAP_HASHER)

    def test_two_factor_user_gets_secret_and_codes(self, two_factor_user):
        assert re.fullmatch(r"[A-Z2-7]{32}", two_factor_user["totp_secret"])
        assert len(set(two_factor_user["recovery_codes"])) == 10

    def test_secrets_are_stored_hashed(self, db, two_factor_user, third_party):
        with db.transaction(write=False) as tx:
            dump = sql.dump(tx)
        assert two_factor_user["recovery_codes"][0] not in dump
        assert two_factor_user["totp_secret"] not in dump
        assert third_party["secret"] not in dump


def test_rfc6750_s3_a_missing_token_gets_a_bearer_challenge_and_a_bad_one_invalid_token(api):
    missing = api.get("/account", status=401).headers["WWW-Authenticate"]
    assert missing.startswith("Bearer") and "error=" not in missing
    bad = api.get("/account", headers=bearer("not-a-token"), status=401)
    assert bad.headers["WWW-Authenticate"].startswith("Bearer")
    assert 'error="invalid_token"' in bad.headers["WWW-Authenticate"]
