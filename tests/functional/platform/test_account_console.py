"""The calls behind Identity's account pages: sessions, two-factor enrolment, last use."""

from __future__ import annotations

import pytest

from identity.platform.domain.twofactor import totp_code
from tests.functional.platform.conftest import PASSWORD, bearer


@pytest.fixture
def token(login, user):
    return login(**{"User-Agent": "Mozilla/5.0 (X11; Linux) Firefox/140.0"})["access_token"][
        "token"
    ]


class TestSessions:
    def test_lists_live_sessions_with_ip_and_user_agent(self, api, token, login):
        second = login()
        listed = api.get("/oauth/sessions", headers=bearer(token)).json
        assert {s["id"] for s in listed} >= {second["session"]["id"]}
        first = next(s for s in listed if s["id"] != second["session"]["id"])
        assert first["user_agent"] == "Mozilla/5.0 (X11; Linux) Firefox/140.0"
        assert first["ip"] and first["created_at"].endswith("Z")

    def test_ending_another_session_leaves_this_one(self, api, token, login):
        other = login()
        before = {s["id"] for s in api.get("/oauth/sessions", headers=bearer(token)).json}
        api.delete(f"/oauth/sessions/{other['session']['id']}", headers=bearer(token))
        api.get("/account", headers=bearer(other["access_token"]["token"]), status=401)
        api.get("/account", headers=bearer(token), status=200)
        after = {s["id"] for s in api.get("/oauth/sessions", headers=bearer(token)).json}
        assert after == before - {other["session"]["id"]} and after

    def test_needs_a_token(self, api):
        api.get("/oauth/sessions", status=401)


class TestTwoFactor:
    def test_enrol_confirm_with_a_code_then_disable(self, api, token, clock, user, outbox):
        started = api.post_json("/account/two-factor/actions/enroll", {}, headers=bearer(token))
        assert started.status_int == 201
        secret = started.json["secret"]
        assert api.get("/account", headers=bearer(token)).json["two_factor_authentication"] is False
        done = api.post_json(
            "/account/two-factor/actions/confirm",
            {"enrollment": started.json["enrollment"], "code": totp_code(secret, clock())},
            headers=bearer(token),
        ).json
        assert len(done["recovery_codes"]) == 10
        assert api.get("/account", headers=bearer(token)).json["two_factor_authentication"] is True
        on = outbox.messages()[-1]
        assert (on["To"], on["Subject"]) == (
            user["email"],
            "Two-factor authentication was turned on",
        )
        clock.advance(60)
        api.delete(
            "/account/two-factor",
            headers={
                **bearer(token),
                "Heroku-Password": PASSWORD,
                "Heroku-Two-Factor-Code": totp_code(secret, clock()),
            },
        )
        assert api.get("/account", headers=bearer(token)).json["two_factor_authentication"] is False
        off = outbox.messages()[-1]
        assert (off["To"], off["Subject"]) == (
            user["email"],
            "Two-factor authentication was turned off",
        )
        assert "/account/password/reset\n" in outbox.last_body()

    def test_a_wrong_code_does_not_enrol(self, api, token, outbox):
        started = api.post_json("/account/two-factor/actions/enroll", {}, headers=bearer(token))
        refused = api.post_json(
            "/account/two-factor/actions/confirm",
            {"enrollment": started.json["enrollment"], "code": "000000"},
            headers=bearer(token),
            status=401,
        )
        assert refused.json["id"] == "invalid_two_factor_code"
        assert api.get("/account", headers=bearer(token)).json["two_factor_authentication"] is False
        assert not [m for m in outbox.messages() if m["Subject"].startswith("Two-factor")]

    def test_a_forged_enrollment_is_refused(self, api, token):
        api.post_json(
            "/account/two-factor/actions/confirm",
            {"enrollment": "not-sealed", "code": "123456"},
            headers=bearer(token),
            status=422,
        )

    def test_disable_needs_the_password_and_a_code(self, api, token, clock):
        started = api.post_json("/account/two-factor/actions/enroll", {}, headers=bearer(token))
        secret = started.json["secret"]
        api.post_json(
            "/account/two-factor/actions/confirm",
            {"enrollment": started.json["enrollment"], "code": totp_code(secret, clock())},
            headers=bearer(token),
        )
        wrong_password = {**bearer(token), "Heroku-Password": "nope", "Heroku-Two-Factor-Code": "1"}
        api.delete("/account/two-factor", headers=wrong_password, status=401)
        no_code = {**bearer(token), "Heroku-Password": PASSWORD}
        refused = api.delete("/account/two-factor", headers=no_code, status=401)
        assert refused.json["id"] == "invalid_two_factor_code"
        assert api.get("/account", headers=bearer(token)).json["two_factor_authentication"] is True


class TestLastUse:
    def test_a_token_used_marks_its_authorization_once_a_minute(self, api, token, clock):
        api.get("/account", headers=bearer(token))  # a read: recorded after it commits
        first = api.get("/oauth/authorizations", headers=bearer(token)).json[0]["last_used_at"]
        assert first is not None and first.endswith("Z")
        clock.advance(30)
        api.get("/account", headers=bearer(token))
        assert (
            api.get("/oauth/authorizations", headers=bearer(token)).json[0]["last_used_at"] == first
        )
        clock.advance(61)
        api.get("/account", headers=bearer(token))
        later = api.get("/oauth/authorizations", headers=bearer(token)).json[0]["last_used_at"]
        assert later > first
