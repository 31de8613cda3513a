"""Account flows end to end: Identity on the embedded Platform API, mail read from the outbox.

Each test builds Identity as `identity serve` does with no HEROKU_API_URL
(the API in-process, on a fresh SQLite file: the ``world`` of
tests/conftest.py), creates accounts with the platform's own service
functions, and follows the links the API mails.
"""

from __future__ import annotations

import base64
import email
import email.policy
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from cryptography.hazmat.primitives.hashes import SHA1
from cryptography.hazmat.primitives.twofactor.totp import TOTP

from identity.platform.domain import accounts
from tests.conftest import World

OLD = "an old but fine passphrase"
NEW = "a fresh passphrase to remember"


def text_of(mail: email.message.EmailMessage) -> str:
    return mail.get_body(("plain",)).get_content()


class Embedded:
    """One person's browser on *world*'s Identity, and the outbox its API mails to."""

    def __init__(self, world: World):
        self.world = world
        self.app = world.browser()
        self.outbox = Path(world.values["outbox_dir"])

    def create_user(self, address: str, **options) -> dict:
        return self.world.user(address, password=OLD, **options)

    def invite(self, address: str) -> dict:
        return accounts.invite_user(self.world.db, self.world.settings, address)

    def messages(self, kind: str) -> list[email.message.Message]:
        paths = sorted(self.outbox.glob(f"*-{kind}.eml")) if self.outbox.exists() else []
        return [
            email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in paths
        ]

    def link(self, kind: str, to: str) -> str:
        """The path of the link in the latest *kind* mail to *to*."""
        mail = [m for m in self.messages(kind) if m["To"] == to][-1]
        url = re.search(r"https://identity\.test\S+", text_of(mail)).group(0)
        return urlsplit(url).path

    def texts(self, kind: str, to: str) -> list[str]:
        return [text_of(m) for m in self.messages(kind) if m["To"] == to]

    def sms_code(self) -> str:
        text = self.messages("sms")[-1].get_payload(decode=True).decode()
        return re.search(r"\b(\d{8})\b", text).group(1)

    # -- a person's actions ---------------------------------------------------

    def log_in(self, address: str, password: str):
        return self.world.log_in(self.app, address, password)

    def enter_code(self, page, code: str):
        form = next(f for f in page.forms.values() if f.action == "/login")
        form["code"] = code
        return form.submit()

    def logged_in_as(self) -> str | None:
        page = self.app.get("/")
        if page.status_int != 200:
            return None
        return re.search(r"<strong>([^<]+)</strong>", page.text).group(1)

    def log_out(self) -> None:
        self.app.get("/logout")


@pytest.fixture
def embedded(world):
    return Embedded(world)


#: What a browser says of a form posted from the page it came with.
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}


def ask_for_reset(embedded: Embedded, address: str):
    form = embedded.app.get("/account/password/reset").forms[0]
    form["email"] = address
    return form.submit()


def set_password(embedded: Embedded, path: str, password: str, confirmation: str | None = None):
    form = embedded.app.get(path).forms[0]
    form["password"] = password
    form["password_confirmation"] = password if confirmation is None else confirmation
    return form.submit(expect_errors=True)


class TestPasswordReset:
    def test_full_round_trip(self, embedded):
        embedded.create_user("kim@example.com")
        page = ask_for_reset(embedded, "kim@example.com")
        assert "Check your inbox" in page.text
        link = embedded.link("password-reset", "kim@example.com")
        assert link.startswith("/account/password/reset/")
        done = set_password(embedded, link, NEW)
        assert done.location.endswith("/login")
        assert "Your password has been changed." in done.follow().text
        assert embedded.log_in("kim@example.com", OLD).location.endswith("/login")
        embedded.log_in("kim@example.com", NEW)
        assert embedded.logged_in_as() == "kim@example.com"

    def test_link_works_once(self, embedded):
        embedded.create_user("kim@example.com")
        ask_for_reset(embedded, "kim@example.com")
        link = embedded.link("password-reset", "kim@example.com")
        set_password(embedded, link, NEW)
        # A spent link says so on GET, before a new password is typed twice.
        again = embedded.app.get(link, status=404)
        assert "was used already" in again.text
        assert again.html.find("a", href="/account/password/reset") is not None

    def test_mismatch_and_weak_password_keep_the_link_usable(self, embedded):
        embedded.create_user("kim@example.com")
        ask_for_reset(embedded, "kim@example.com")
        link = embedded.link("password-reset", "kim@example.com")
        assert "match" in set_password(embedded, link, NEW, NEW + "x").follow().text
        assert "too common" in set_password(embedded, link, "iloveyou").follow().text
        # The API's own check, which knows the email: caught after the form's.
        assert "email" in set_password(embedded, link, "kim@example.com!!").follow().text
        assert set_password(embedded, link, NEW).location.endswith("/login")

    def test_unknown_email_looks_the_same_and_mails_nothing(self, embedded):
        embedded.create_user("kim@example.com")
        known = ask_for_reset(embedded, "kim@example.com").text
        unknown = ask_for_reset(embedded, "nobody@example.com").text
        assert known.split("csrf_token")[0] == unknown.split("csrf_token")[0]
        assert [m["To"] for m in embedded.messages("password-reset")] == ["kim@example.com"]

    def test_reset_ends_the_accounts_sessions(self, embedded):
        embedded.create_user("kim@example.com")
        embedded.log_in("kim@example.com", OLD)
        ask_for_reset(embedded, "kim@example.com")
        set_password(embedded, embedded.link("password-reset", "kim@example.com"), NEW)
        # This browser's API session ended with the reset: its next call to the
        # API fails, the refresh token is dead too, and login is asked for.
        form = embedded.app.get("/account/email").forms[0]
        form["email"], form["password"] = "kim@new.example", NEW
        assert form.submit().location.endswith("/login")
        assert embedded.logged_in_as() is None

    def test_expired_link_is_not_found(self, embedded, monkeypatch):
        embedded.create_user("kim@example.com")
        ask_for_reset(embedded, "kim@example.com")
        link = embedded.link("password-reset", "kim@example.com")
        # The API's clock, moved past the link's lifetime.
        database = embedded.world.wsgi.registry.api.upstream.platform.database
        later = time.time() + embedded.world.settings.password_reset_expires_in + 1
        monkeypatch.setattr(database, "clock", lambda: later)
        assert "has expired" in embedded.app.get(link, status=404).text


def test_invitation_to_first_login(embedded):
    embedded.invite("new@example.com")
    link = embedded.link("invitation", "new@example.com")
    assert link.startswith("/account/accept/")
    form = embedded.app.get(link).forms[0]
    form["password"] = form["password_confirmation"] = NEW
    response = form.submit(headers=SAME_ORIGIN)
    assert response.status_int == 303
    assert embedded.logged_in_as() == "new@example.com"
    embedded.log_out()
    assert embedded.logged_in_as() is None
    embedded.log_in("new@example.com", NEW)
    assert embedded.logged_in_as() == "new@example.com"
    # The invitation is spent.
    form = embedded.app.get(link).forms[0]
    form["password"] = form["password_confirmation"] = "some other passphrase"
    assert "already accepted" in form.submit(headers=SAME_ORIGIN).follow().text


class TestEmailChange:
    def ask(self, embedded: Embedded, new: str, password: str = OLD):
        form = embedded.app.get("/account/email").forms[0]
        form["email"], form["password"] = new, password
        return form.submit()

    def test_change_and_confirm(self, embedded):
        embedded.create_user("kim@example.com")
        embedded.log_in("kim@example.com", OLD)
        assert "We sent a confirmation link" in self.ask(embedded, "kim@new.example").follow()
        link = embedded.link("email-change", "kim@new.example")
        response = embedded.app.get(link)
        assert "Your email address has been changed." in response.follow().text
        [changed] = embedded.texts("email-changed", "kim@example.com")
        assert "to kim@new.example" in changed
        [confirmed] = embedded.texts("email-confirmed", "kim@new.example")
        assert "now the login address" in confirmed
        embedded.log_out()
        embedded.log_in("kim@new.example", OLD)
        assert embedded.logged_in_as() == "kim@new.example"
        assert embedded.app.get(link, status=404)

    def test_wrong_password_is_said(self, embedded):
        embedded.create_user("kim@example.com")
        embedded.log_in("kim@example.com", OLD)
        assert "not correct" in self.ask(embedded, "kim@new.example", "nope nope").follow()

    def test_link_opened_logged_out_confirms_after_login(self, embedded):
        embedded.create_user("kim@example.com")
        embedded.log_in("kim@example.com", OLD)
        self.ask(embedded, "kim@new.example")
        embedded.log_out()
        link = embedded.link("email-change", "kim@new.example")
        assert embedded.app.get(link).location.endswith("/login")
        back = embedded.log_in("kim@example.com", OLD)
        assert back.location.endswith(link)
        assert "has been changed" in embedded.app.get(link).follow().text

    def test_another_accounts_link_is_refused(self, embedded):
        embedded.create_user("kim@example.com")
        embedded.create_user("lee@example.com")
        embedded.log_in("kim@example.com", OLD)
        self.ask(embedded, "kim@new.example")
        embedded.log_out()
        embedded.log_in("lee@example.com", OLD)
        page = embedded.app.get(embedded.link("email-change", "kim@new.example")).follow()
        assert "can&#39;t be used with your current login" in page.text


class TestSecondFactor:
    def test_totp_login(self, embedded):
        user = embedded.create_user("two@example.com", two_factor=True)
        assert embedded.log_in("two@example.com", OLD).location.endswith("/login/two-factor")
        page = embedded.app.get("/login/two-factor")
        key = base64.b32decode(user["totp_secret"] + "=" * (-len(user["totp_secret"]) % 8))
        totp = TOTP(key, 6, SHA1(), 30, enforce_key_length=False)
        embedded.enter_code(page, totp.generate(time.time()).decode())
        assert embedded.logged_in_as() == "two@example.com"

    def test_recovery_code_login_works_once(self, embedded):
        user = embedded.create_user("two@example.com", two_factor=True)
        code = user["recovery_codes"][0]
        embedded.log_in("two@example.com", OLD)
        page = embedded.app.get("/account/two-factor/recovery")
        embedded.enter_code(page, code)
        assert embedded.logged_in_as() == "two@example.com"
        embedded.log_out()
        embedded.log_in("two@example.com", OLD)
        page = embedded.app.get("/account/two-factor/recovery")
        refused = embedded.enter_code(page, code)
        assert refused.location.endswith("/login/two-factor")
        assert "There was a problem with your login." in refused.follow().text
        assert embedded.logged_in_as() is None

    def test_sms_code_login(self, embedded):
        embedded.create_user("two@example.com", two_factor=True, sms_number="+15551234567")
        embedded.log_in("two@example.com", OLD)
        two_factor = embedded.app.get("/login/two-factor")
        assert "***" in two_factor.text and "4567" in two_factor.text
        page = embedded.app.get("/account/two-factor/recovery/sms")
        sent = page.forms[0].submit().follow()
        assert "We sent a recovery code by SMS." in sent.text
        embedded.enter_code(sent, embedded.sms_code())
        assert embedded.logged_in_as() == "two@example.com"

    def test_no_sms_option_without_a_number(self, embedded):
        embedded.create_user("two@example.com", two_factor=True)
        embedded.log_in("two@example.com", OLD)
        assert "via SMS" not in embedded.app.get("/account/two-factor/recovery")
