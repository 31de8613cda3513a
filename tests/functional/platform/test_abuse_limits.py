"""Limits keyed on whoever asks: the asker spends their own budget, never the owner's.

Password resets (per email and IP, per IP, mails per address), failed client
authentication (per IP), email changes (per account), all counted in the
store, so that every process on the database sees the same counts.
"""

from __future__ import annotations

import webtest

from identity.platform import make_app
from identity.platform.domain import clients as client_domain
from tests.functional.platform.conftest import CHEAP_HASHER, PASSWORD, bearer, text_of

OWNER_IP, ATTACKER_IP, OTHER_IP = "198.51.100.7", "203.0.113.66", "203.0.113.99"


def from_ip(api, ip: str) -> dict:
    return {"X-Forwarded-For": ip}


def ask_reset(api, email: str, ip: str, status: int = 201):
    return api.post_json(
        "/password-resets", {"email": email}, headers=from_ip(api, ip), status=status
    )


class TestPasswordResets:
    def test_an_attacker_exhausts_their_pair_not_the_owners(self, api, user, outbox, login):
        login(**from_ip(api, OWNER_IP))  # the owner's IP becomes known
        for _ in range(5):
            ask_reset(api, user["email"], ATTACKER_IP)
        ask_reset(api, user["email"], ATTACKER_IP, status=429)
        ask_reset(api, user["email"], OWNER_IP)
        assert outbox.messages()[-1]["To"] == user["email"]

    def test_mails_to_one_address_are_capped_for_strangers_but_not_for_the_owner(
        self, api, user, outbox, login
    ):
        login(**from_ip(api, OWNER_IP))
        for n in range(6):
            ask_reset(api, user["email"], f"203.0.113.{n}")
        assert len(outbox.messages()) == 3  # the same answer each time, three mails
        ask_reset(api, user["email"], OWNER_IP)
        assert len(outbox.messages()) == 4

    def test_unknown_emails_are_answered_and_counted_alike(self, api, user):
        known = ask_reset(api, user["email"], ATTACKER_IP).json
        unknown = ask_reset(api, "nobody@example.test", ATTACKER_IP).json
        assert set(known) == set(unknown) == {"created_at", "user"}
        for _ in range(4):
            ask_reset(api, "nobody@example.test", ATTACKER_IP)
        ask_reset(api, "nobody@example.test", ATTACKER_IP, status=429)

    def test_the_per_ip_limit_holds_across_processes(self, api, settings, clock, user):
        # A second app on the same database, as a second `identity platform serve` is.
        other = make_app(settings, clock=clock, hasher=CHEAP_HASHER)
        try:
            second = webtest.TestApp(other, extra_environ={"REMOTE_ADDR": "127.0.0.1"})
            for n in range(settings.password_reset_ip_limit):
                ask_reset(api if n % 2 else second, f"person{n}@example.test", ATTACKER_IP)
            ask_reset(second, "one-more@example.test", ATTACKER_IP, status=429)
            ask_reset(api, "one-more@example.test", ATTACKER_IP, status=429)
            ask_reset(api, "one-more@example.test", OTHER_IP)
        finally:
            other.close()


class TestClientSecrets:
    def test_guessing_client_secrets_is_limited_per_ip(self, api, third_party):
        body = {"client": {"secret": "guess"}, "grant": {"type": "authorization_code", "code": "x"}}
        for _ in range(client_domain.WRONG_SECRET_LIMIT.count):
            api.post_json("/oauth/tokens", body, headers=from_ip(api, ATTACKER_IP), status=401)
        refused = api.post_json(
            "/oauth/tokens", body, headers=from_ip(api, ATTACKER_IP), status=429
        )
        assert int(refused.headers["Retry-After"]) > 0
        # Another caller is not affected.
        api.post_json("/oauth/tokens", body, headers=from_ip(api, OTHER_IP), status=401)


class TestEmailChange:
    def test_a_taken_address_is_answered_like_a_free_one(
        self, api, login, user, two_factor_user, outbox
    ):
        token = bearer(login()["access_token"]["token"])
        taken = {"email": two_factor_user["email"], "password": PASSWORD}
        free = {"email": "fresh@example.test", "password": PASSWORD}
        assert api.patch_json("/account", taken, headers=token).json["email"] == user["email"]
        assert api.patch_json("/account", free, headers=token).json["email"] == user["email"]
        notice, link = outbox.messages()[-2:]
        assert notice["To"] == two_factor_user["email"]
        assert "/account/email/confirm/" not in text_of(notice)
        assert link["To"] == "fresh@example.test"
        assert "/account/email/confirm/" in text_of(link)

    def test_requests_are_limited_per_account(self, api, login, user):
        token = bearer(login()["access_token"]["token"])
        for n in range(5):
            change = {"email": f"new{n}@example.test", "password": PASSWORD}
            api.patch_json("/account", change, headers=token)
        change = {"email": "new9@example.test", "password": PASSWORD}
        api.patch_json("/account", change, headers=token, status=429)
