"""Two-factor recovery: the recovery-code form and SMS codes (#14, #15)."""

from __future__ import annotations

import base64
import time

from responses import matchers

from tests.conftest import API
from tests.functional.conftest import login_answer

PENDING = {"email": "two@example.com", "password": "secret"}


def basic() -> dict:
    raw = base64.b64encode(b"two@example.com:secret").decode()
    return {"Authorization": f"Basic {raw}"}


def mock_number(api, number="+1 ***-***-1234", status=200):
    return api.get(
        f"{API}/users/~/sms-number",
        status=status,
        json={"sms_number": number} if status == 200 else {"id": "x", "message": "x"},
        match=[matchers.header_matcher(basic())],
    )


def mock_recover(api, status=201, body=None):
    return api.post(
        f"{API}/users/~/sms-number/actions/recover",
        status=status,
        json=body or {"sms_number": "+1 ***-***-1234"},
        match=[matchers.header_matcher(basic())],
    )


def pending(set_session, seconds_left=300):
    set_session(
        two_factor={**PENDING, "expires_at": int(time.time()) + seconds_left}, csrf_token="csrf"
    )


class TestRecoveryCodeForm:
    def test_posts_a_one_time_code_to_login(self, app, api, set_session):
        pending(set_session)
        mock_number(api, number=None)
        page = app.get("/account/two-factor/recovery")
        form = page.forms[0]
        assert form.action == "/login" and form["csrf_token"].value == "csrf"
        assert 'autocomplete="one-time-code"' in page.text
        assert "via SMS" not in page.text

    def test_offers_sms_when_the_api_has_a_number(self, app, api, set_session):
        pending(set_session)
        mock_number(api)
        assert "Get a code via SMS to +1 ***-***-1234" in app.get("/account/two-factor/recovery")

    def test_sms_option_hidden_when_the_api_fails(self, app, api, set_session):
        pending(set_session)
        mock_number(api, status=500)
        assert "via SMS" not in app.get("/account/two-factor/recovery")

    def test_without_pending_credentials_login_starts_again(self, app):
        response = app.get("/account/two-factor/recovery")
        assert response.location.endswith("/login")
        assert "Please log in again." in response.follow().text

    def test_expired_credentials_are_dropped(self, app, set_session, read_session):
        pending(set_session, seconds_left=-1)
        assert app.get("/account/two-factor/recovery").location.endswith("/login")
        assert "two_factor" not in read_session()

    def test_a_recovery_code_logs_in(self, app, api, set_session):
        pending(set_session)
        mock_number(api, number=None)
        api.post(
            f"{API}/oauth/authorizations",
            status=201,
            json=login_answer(),
            match=[
                matchers.header_matcher({**basic(), "Heroku-Two-Factor-Code": "0123456789abcdef"})
            ],
        )
        form = app.get("/account/two-factor/recovery").forms[0]
        form["code"] = "0123456789abcdef"
        assert form.submit().location == "http://localhost/"


class TestSms:
    def test_page_shows_the_masked_number_and_both_forms(self, app, api, set_session):
        pending(set_session)
        mock_number(api)
        page = app.get("/account/two-factor/recovery/sms")
        assert "+1 ***-***-1234" in page.text
        actions = [form.action for form in page.forms.values()]
        assert actions == ["/account/two-factor/recovery/sms", "/login"]
        assert 'autocomplete="one-time-code"' in page.text

    def test_page_without_a_number_offers_no_sms(self, app, api, set_session):
        pending(set_session)
        mock_number(api, number=None)
        page = app.get("/account/two-factor/recovery/sms")
        assert "no phone number" in page.text and not page.forms

    def test_sending_goes_to_the_sms_page(self, app, api, set_session):
        pending(set_session)
        mock_recover(api)
        response = app.post("/account/two-factor/recovery/sms", {"csrf_token": "csrf"})
        assert response.location.endswith("/account/two-factor/recovery/sms")

    def test_number_missing_goes_back_to_two_factor(self, app, api, set_session):
        pending(set_session)
        mock_recover(api, status=422, body={"id": "invalid_params", "message": "Number missing."})
        response = app.post("/account/two-factor/recovery/sms", {"csrf_token": "csrf"})
        assert response.location.endswith("/login/two-factor")
        mock_number(api, number=None)
        assert "Number missing." in response.follow().text

    def test_rate_limited_goes_back_to_two_factor(self, app, api, set_session):
        pending(set_session)
        mock_recover(api, status=429, body={"id": "rate_limit", "message": "x"})
        response = app.post("/account/two-factor/recovery/sms", {"csrf_token": "csrf"})
        assert response.location.endswith("/login/two-factor")

    def test_sending_needs_pending_credentials(self, app, set_session):
        set_session(csrf_token="csrf")
        response = app.post("/account/two-factor/recovery/sms", {"csrf_token": "csrf"})
        assert response.location.endswith("/login")

    def test_sending_needs_the_csrf_token(self, app, set_session):
        pending(set_session)
        app.post("/account/two-factor/recovery/sms", status=403)
