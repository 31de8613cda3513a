"""Security mails through the API: address, subject, a text and an HTML part, links whole."""

from __future__ import annotations

import email
import re

import pytest

from identity.platform.domain.clients import create_client
from tests.functional.platform.conftest import PASSWORD, basic, bearer, html_of, text_of
from tests.functional.platform.test_tokens import grant_code

RESET = "https://id.example.test/account/password/reset"
APPLICATIONS = "https://id.example.test/account/applications"


@pytest.fixture
def token(login, user):
    return login()["access_token"]["token"]


def newest(outbox, to: str):
    """The newest mail to *to*, parsed, and its file's bytes."""
    for path in reversed(outbox.files()):
        raw = path.read_bytes()
        message = email.message_from_bytes(raw)
        if message["To"] == to:
            return message, raw
    raise AssertionError(f"no mail to {to}")


def assert_well_formed(message, raw: bytes, url: str) -> None:
    """Both parts; 8bit bodies, so the file holds *url* whole on a line of its own."""
    assert message.get_content_type() == "multipart/alternative"
    assert url in text_of(message) and url in html_of(message)
    assert b"quoted-printable" not in raw.lower()
    assert re.search(rb"^" + re.escape(url.encode()) + rb"\r?$", raw, re.MULTILINE)


class TestEmailChanged:
    def change(self, api, token, outbox, new_email: str) -> None:
        api.patch_json(
            "/account", {"email": new_email, "password": PASSWORD}, headers=bearer(token)
        )
        link = re.search(r"https://id\.example\.test/\S+", outbox.last_body())[0]
        api.patch_json(
            "/users/~", {"email_change_token": link.rsplit("/", 1)[1]}, headers=bearer(token)
        )

    def test_the_old_address_hears_where_the_account_went(self, api, token, outbox, settings):
        self.change(api, token, outbox, "new@example.test")
        old, raw = newest(outbox, "alice@example.test")
        assert old["Subject"] == "Your account's email address was changed"
        assert "new@example.test" in text_of(old) and settings.mail_from in text_of(old)
        assert_well_formed(old, raw, RESET)

    def test_the_new_address_hears_it_is_the_login_now(self, api, token, outbox):
        self.change(api, token, outbox, "new@example.test")
        new, raw = newest(outbox, "new@example.test")
        assert new["Subject"] == "Your new email address is confirmed"
        assert "now the login address" in text_of(new)
        assert_well_formed(new, raw, RESET)

    def test_markup_in_an_address_is_escaped_in_html(self, api, token, outbox):
        self.change(api, token, outbox, "<script>x</script>@example.test")
        new = outbox.messages()[-1]
        assert "<script>" not in html_of(new)
        assert "&lt;script&gt;x&lt;/script&gt;@example.test" in html_of(new)
        assert "<script>x</script>@example.test" in text_of(new)


class TestApplicationAuthorized:
    def test_the_first_authorization_of_an_app_mails_the_account(
        self, api, login, user, third_party, outbox
    ):
        grant_code(api, login(), third_party)
        notice, raw = newest(outbox, "alice@example.test")
        assert notice["Subject"] == "Dashboard was given access to your account"
        assert "read your apps, except their config vars" in text_of(notice)
        assert " UTC" in text_of(notice)
        assert_well_formed(notice, raw, APPLICATIONS)

    def test_a_later_authorization_of_the_same_app_does_not(
        self, api, login, user, third_party, outbox
    ):
        me = login()
        grant_code(api, me, third_party)
        grant_code(api, me, third_party)
        kinds = [m["Subject"] for m in outbox.messages()]
        assert kinds == ["Dashboard was given access to your account"]

    def test_logging_in_with_identitys_own_client_does_not(self, login, user, outbox):
        login()
        login()
        assert outbox.messages() == []

    def test_after_a_revoke_the_next_authorization_is_new_again(
        self, api, login, user, third_party, outbox
    ):
        me = login()
        grant_code(api, me, third_party)
        token = basic("", me["access_token"]["token"])
        for listed in api.get("/oauth/authorizations", headers=token).json:
            if listed["client"] and listed["client"]["name"] == "Dashboard":
                api.delete(f"/oauth/authorizations/{listed['id']}", headers=token)
        grant_code(api, me, third_party)
        assert len(outbox.messages()) == 2

    def test_markup_in_an_app_name_is_escaped_in_html(self, api, db, login, user, outbox):
        evil = create_client(db, "<script>alert(1)</script>", "https://evil.example.test/cb")
        grant_code(api, login(), evil)
        notice = outbox.messages()[-1]
        assert "<script>" not in html_of(notice)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html_of(notice)

    def test_a_line_break_in_an_app_name_stays_out_of_the_headers(
        self, api, db, login, user, outbox
    ):
        forged = create_client(db, "Dash\r\nBcc: victim@example.test", "https://f.example.test/cb")
        grant_code(api, login(), forged)
        notice = outbox.messages()[-1]
        assert notice["Subject"] == "Dash Bcc: victim@example.test was given access to your account"
        assert notice["Bcc"] is None


class TestConvertedMails:
    def test_the_reset_mail_has_both_parts_and_the_whole_link(self, api, user, outbox):
        api.post_json("/password-resets", {"email": "alice@example.test"}, status=201)
        message, raw = newest(outbox, "alice@example.test")
        link = re.search(r"https://id\.example\.test/\S+", text_of(message))[0]
        assert link.startswith(RESET + "/") and len(link) > 78
        assert_well_formed(message, raw, link)

    def test_the_password_changed_notice_has_both_parts(self, api, token, user, outbox):
        api.patch_json(
            "/account",
            {"password": PASSWORD, "new_password": "a fresh long passphrase 42"},
            headers=bearer(token),
        )
        notice, raw = newest(outbox, "alice@example.test")
        assert notice["Subject"] == "Your password was changed"
        assert_well_formed(notice, raw, RESET)
