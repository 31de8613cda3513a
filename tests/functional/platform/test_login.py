"""Call #1: the login dance, POST /oauth/authorizations with email:password."""

from identity.platform.domain import twofactor
from identity.platform.domain.accounts import set_state
from tests.functional.platform.conftest import PASSWORD, basic, login_body

URL = "/oauth/authorizations"


def test_login_creates_session_and_tokens(login, user, identity_client):
    body = login()
    assert body["scope"] == ["global"]
    assert body["session"]["id"]
    assert body["user"] == {"id": user["id"], "email": "alice@example.test", "full_name": "Alice"}
    assert body["access_token"]["expires_in"] == 7200
    assert body["refresh_token"]["expires_in"] == 2592000
    assert body["access_token"]["token"].startswith("HRKU-")
    assert body["grant"]["expires_in"] == 300
    assert body["client"]["id"] == identity_client["id"]


def test_the_token_works_and_email_is_case_insensitive(api, login, user):
    body = login(email="ALICE@example.test")
    account = api.get("/account", headers=basic("", body["access_token"]["token"])).json
    assert account["email"] == "alice@example.test"
    assert account["last_login"] is not None


def test_wrong_password_is_401(api, user, identity_client):
    response = api.post_json(
        URL,
        login_body(identity_client["id"]),
        headers=basic("alice@example.test", "wrong password"),
        status=401,
    )
    assert response.json["id"] == "unauthorized"


def test_unknown_email_is_the_same_401(api, identity_client):
    response = api.post_json(
        URL,
        login_body(identity_client["id"]),
        headers=basic("nobody@example.test", "x" * 9),
        status=401,
    )
    assert response.json["id"] == "unauthorized"


def test_no_credentials_is_401(api, identity_client):
    api.post_json(URL, login_body(identity_client["id"]), status=401)


def test_unknown_client_is_400(api, user):
    response = api.post_json(
        URL,
        login_body("no-such-client"),
        headers=basic("alice@example.test", PASSWORD),
        status=400,
    )
    assert response.json["message"] == "Unknown OAuth client."


def test_only_the_privileged_client_may_create_sessions(api, user, third_party):
    response = api.post_json(
        URL,
        login_body(third_party["id"]),
        headers=basic("alice@example.test", PASSWORD),
        status=403,
    )
    assert response.json["id"] == "forbidden"


def test_without_create_flags_only_a_grant_is_issued(api, user, third_party):
    body = api.post_json(
        URL,
        {"client": third_party["id"], "scope": ["write", "read", "read"]},
        headers=basic("alice@example.test", PASSWORD),
        status=201,
    ).json
    assert body["scope"] == ["read", "write"]
    assert body["grant"]["code"]
    assert body["session"] is None
    assert body["access_token"] is None and body["refresh_token"] is None


def test_direct_authorization_gets_a_token(api, user):
    body = api.post_json(
        URL,
        {"description": "cli", "expires_in": 600},
        headers=basic("alice@example.test", PASSWORD),
        status=201,
    ).json
    assert body["client"] is None
    assert body["access_token"]["expires_in"] == 600


def test_unknown_scope_is_422(api, user, third_party):
    response = api.post_json(
        URL,
        {"client": {"id": third_party["id"]}, "scope": ["everything"]},
        headers=basic("alice@example.test", PASSWORD),
        status=422,
    )
    assert response.json["id"] == "invalid_params"


def test_suspended_account_is_403_suspended(api, db, user, identity_client):
    set_state(db, "alice@example.test", suspended=True)
    response = api.post_json(
        URL,
        login_body(identity_client["id"]),
        headers=basic("alice@example.test", PASSWORD),
        status=403,
    )
    assert response.json["id"] == "suspended"


def test_expired_password_is_422_password_expired(api, db, user, identity_client):
    set_state(db, "alice@example.test", password_expired=True)
    response = api.post_json(
        URL,
        login_body(identity_client["id"]),
        headers=basic("alice@example.test", PASSWORD),
        status=422,
    )
    assert response.json["id"] == "password_expired"


def test_account_without_password_cannot_log_in(api, db, settings, identity_client):
    from identity.platform.domain.accounts import create_user

    create_user(db, settings, "nopass@example.test")
    api.post_json(
        URL,
        login_body(identity_client["id"]),
        headers=basic("nopass@example.test", PASSWORD),
        status=401,
    )


class TestTwoFactor:
    def post(self, api, identity_client, code=None, status=201):
        headers = basic("bob@example.test", PASSWORD)
        if code is not None:
            headers["Heroku-Two-Factor-Code"] = code
        return api.post_json(URL, login_body(identity_client["id"]), headers=headers, status=status)

    def test_missing_code_is_403_with_header(self, api, identity_client, two_factor_user):
        response = self.post(api, identity_client, status=403)
        assert response.headers["Heroku-Two-Factor-Required"] == "true"
        assert response.json["id"] == "two_factor"

    def test_totp_code_logs_in(self, api, identity_client, two_factor_user, clock):
        code = twofactor.totp_code(two_factor_user["totp_secret"], clock.now)
        assert self.post(api, identity_client, code).json["session"]["id"]

    def test_totp_code_of_the_previous_step_is_accepted(
        self, api, identity_client, two_factor_user, clock
    ):
        code = twofactor.totp_code(two_factor_user["totp_secret"], clock.now - 30)
        self.post(api, identity_client, code)

    def test_totp_code_two_steps_old_is_401(self, api, identity_client, two_factor_user, clock):
        code = twofactor.totp_code(two_factor_user["totp_secret"], clock.now - 60)
        response = self.post(api, identity_client, code, status=401)
        assert response.json["id"] == "invalid_two_factor_code"

    def test_totp_code_is_not_accepted_twice(self, api, identity_client, two_factor_user, clock):
        code = twofactor.totp_code(two_factor_user["totp_secret"], clock.now)
        self.post(api, identity_client, code)
        clock.advance(5)
        self.post(api, identity_client, code, status=401)
        clock.advance(30)
        self.post(
            api, identity_client, twofactor.totp_code(two_factor_user["totp_secret"], clock.now)
        )

    def test_recovery_code_works_once(self, api, identity_client, two_factor_user):
        code = two_factor_user["recovery_codes"][0]
        assert len(two_factor_user["recovery_codes"]) == 10
        self.post(api, identity_client, code.upper())
        self.post(api, identity_client, code, status=401)
        self.post(api, identity_client, two_factor_user["recovery_codes"][1])

    def test_sms_code_works_once_and_expires(
        self, api, identity_client, two_factor_user, outbox, clock
    ):
        headers = basic("bob@example.test", PASSWORD)
        api.post("/users/~/sms-number/actions/recover", headers=headers, status=201)
        message = outbox.messages()[-1]
        assert message["To"] == "sms:+15551234567"
        code = outbox.last_body().split()[-1].rstrip(".")
        assert len(code) == 8
        self.post(api, identity_client, code)
        self.post(api, identity_client, code, status=401)
        api.post("/users/~/sms-number/actions/recover", headers=headers, status=201)
        clock.advance(301)
        self.post(api, identity_client, outbox.last_body().split()[-1].rstrip("."), status=401)

    def test_wrong_password_comes_before_the_second_factor(
        self, api, identity_client, two_factor_user
    ):
        response = api.post_json(
            URL,
            login_body(identity_client["id"]),
            headers=basic("bob@example.test", "wrong password"),
            status=401,
        )
        assert response.json["id"] == "unauthorized"
        assert "Heroku-Two-Factor-Required" not in response.headers


class TestAbuseLimits:
    def attempt(
        self,
        api,
        identity_client,
        password="wrong password",
        ip="203.0.113.5",
        email="alice@example.test",
        status=401,
    ):
        return api.post_json(
            URL,
            login_body(identity_client["id"]),
            headers={**basic(email, password), "X-Forwarded-For": f"10.0.0.1, {ip}"},
            status=status,
        )

    def test_five_failures_then_429_with_retry_after(self, api, identity_client, user, clock):
        for _ in range(5):
            self.attempt(api, identity_client)
        response = self.attempt(api, identity_client, password=PASSWORD, status=429)
        assert response.json["id"] == "rate_limit"
        assert 0 < int(response.headers["Retry-After"]) <= 900
        clock.advance(int(response.headers["Retry-After"]))
        self.attempt(api, identity_client, password=PASSWORD, status=201)

    def test_the_limit_is_per_ip(self, api, identity_client, user):
        for _ in range(5):
            self.attempt(api, identity_client)
        self.attempt(api, identity_client, ip="198.51.100.7", password=PASSWORD, status=201)

    def test_forwarded_for_from_an_untrusted_peer_is_ignored(self, api, identity_client, user):
        # A caller reaching the API directly can't pick a fresh IP per guess.
        direct = {"REMOTE_ADDR": "192.0.2.99"}
        for n in range(5):
            api.post_json(
                URL,
                login_body(identity_client["id"]),
                headers={**basic("alice@example.test", "wrong"), "X-Forwarded-For": f"10.9.9.{n}"},
                extra_environ=direct,
                status=401,
            )
        api.post_json(
            URL,
            login_body(identity_client["id"]),
            headers={**basic("alice@example.test", PASSWORD), "X-Forwarded-For": "10.9.9.200"},
            extra_environ=direct,
            status=429,
        )

    def test_wrong_second_factor_counts(self, api, identity_client, two_factor_user):
        headers = {**basic("bob@example.test", PASSWORD), "Heroku-Two-Factor-Code": "000000"}
        answers = [
            api.post_json(URL, login_body(identity_client["id"]), headers=headers, status="*")
            for _ in range(6)
        ]
        assert [a.status_int for a in answers] == [401] * 5 + [429]
        assert {a.json["id"] for a in answers[:5]} == {"invalid_two_factor_code"}

    def test_one_ip_spraying_accounts_is_stopped(self, api, identity_client):
        for n in range(50):
            self.attempt(api, identity_client, email=f"user{n}@example.test")
        self.attempt(api, identity_client, email="another@example.test", status=429)

    def test_distributed_attack_does_not_lock_out_a_known_ip(self, api, identity_client, user):
        self.attempt(api, identity_client, password=PASSWORD, ip="192.0.2.1", status=201)
        for n in range(100):
            self.attempt(api, identity_client, ip=f"198.18.{n // 250}.{n % 250}")
        # A stranger's IP may no longer try; the owner's usual IP still may.
        self.attempt(api, identity_client, password=PASSWORD, ip="198.51.100.99", status=429)
        self.attempt(api, identity_client, password=PASSWORD, ip="192.0.2.1", status=201)
