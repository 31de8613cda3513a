"""HerokuAPI against a real requests.Session, the network mocked by responses."""

from __future__ import annotations

import base64
import json

import pytest
import requests
from responses import matchers

from identity import errors
from identity.embedded import Upstream
from identity.upstream import HerokuAPI, token_calls
from tests.conftest import API, OAUTH_ID, OAUTH_SECRET


@pytest.fixture
def heroku():
    return HerokuAPI(
        Upstream(API, OAUTH_ID, OAUTH_SECRET), connect_timeout=1.5, read_timeout=4.0
    ).with_context("req-1", "203.0.113.9")


def basic(user, password):
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


LOGIN = {
    "access_token": {"token": "a", "expires_in": 7200},
    "refresh_token": {"token": "r"},
    "session": {"id": "s"},
    "user": {"id": "u", "email": "e@x", "full_name": None},
    "sso_entity": "acme",
}


def test_every_call_sends_the_v3_headers_and_the_request_context(heroku, api):
    api.get(
        f"{API}/account",
        json={"id": "u"},
        match=[
            matchers.header_matcher(
                {
                    "Accept": "application/vnd.heroku+json; version=3",
                    "Content-Type": "application/json",
                    "Request-Id": "req-1",
                    "X-Forwarded-For": "203.0.113.9",
                    "Authorization": basic("", "tok"),
                }
            )
        ],
    )
    assert heroku.get_account("tok") == {"id": "u"}


def test_timeouts_are_passed_to_requests(heroku, monkeypatch):
    seen = {}

    def fake(method, url, **kwargs):
        seen.update(kwargs)
        raise requests.ConnectionError()

    monkeypatch.setattr(heroku.session, "request", fake)
    with pytest.raises(errors.UpstreamUnavailable):
        heroku.get_account("t")
    assert seen["timeout"] == (1.5, 4.0)


def test_login_dance_uses_password_auth_and_two_factor_code(heroku, api):
    api.post(
        f"{API}/oauth/authorizations",
        status=201,
        json=LOGIN,
        match=[
            matchers.header_matcher(
                {"Authorization": basic("e@x", "pä:ss"), "Heroku-Two-Factor-Code": "123456"}
            ),
            matchers.json_params_matcher(
                {
                    "client": {"id": OAUTH_ID},
                    "create_session": True,
                    "create_tokens": True,
                    "response_type": "code",
                }
            ),
        ],
    )
    login = heroku.create_session_authorization("e@x", "pä:ss", "123456")
    assert (login.access_token, login.expires_in, login.session_id) == ("a", 7200, "s")
    assert login.user.email == "e@x" and login.sso_entity == "acme"


def test_login_answer_without_integer_expiry_is_refused(heroku, api):
    bad = {**LOGIN, "access_token": {"token": "a", "expires_in": None}}
    api.post(f"{API}/oauth/authorizations", status=201, json=bad)
    with pytest.raises(errors.UpstreamUnavailable):
        heroku.create_session_authorization("e@x", "p")


def test_unauthenticated_client_info_sends_no_ids_or_auth(heroku, api):
    api.get(f"{API}/oauth/clients/c%2F..", json={"id": "c", "name": "n", "public": True})
    client = heroku.get_client("c/..")
    assert client.public and not client.trusted
    sent = api.calls[0].request.headers
    assert "Authorization" not in sent and "Request-Id" not in sent


def test_client_info_with_token_reports_delinquency(heroku, api):
    api.get(
        f"{API}/oauth/clients/c",
        json={"id": "c", "name": "n", "redirect_uri": "r"},
        headers={"Heroku-Delinquent": "true", "Location": "https://pay"},
        match=[matchers.header_matcher({"X-Heroku-Legacy-Ids": "true"})],
    )
    assert heroku.get_client("c", token="t").delinquent_location == "https://pay"


def test_list_authorizations_skips_entries_without_client(heroku, api):
    api.get(
        f"{API}/oauth/authorizations",
        json=[
            {"client": None, "scope": ["global"]},
            {"client": {"id": 123, "legacy_id": "abc"}, "scope": ["read"]},
        ],
    )
    [only] = heroku.list_authorizations("t")
    assert (only.client_id, only.client_legacy_id, only.scope) == ("123", "abc", ("read",))


def entry(client_id: str) -> dict:
    return {"client": {"id": client_id}, "scope": ["read"]}


def test_a_partial_list_is_followed_to_its_end_by_next_range(heroku, api):
    """More than 1000 authorizations: 206 and ``Next-Range``, asked for until a 200."""
    first = api.get(
        f"{API}/oauth/authorizations",
        status=206,
        json=[entry("a")],
        headers={"Next-Range": "id ]a1..; max=1000"},
        match=[matchers.header_matcher({"Range": "id ..; max=1000"})],
    )
    second = api.get(
        f"{API}/oauth/authorizations",
        status=200,
        json=[entry("b")],
        match=[matchers.header_matcher({"Range": "id ]a1..; max=1000"})],
    )
    assert [a.client_id for a in heroku.list_authorizations("t")] == ["a", "b"]
    assert first.call_count == second.call_count == 1


def test_following_pages_stops_at_its_bound(heroku, api):
    endless = api.get(
        f"{API}/oauth/authorizations",
        status=206,
        json=[entry("a")],
        headers={"Next-Range": "id ]a1..; max=1000"},
    )
    found = heroku.list_authorizations("t")
    assert len(found) == endless.call_count == token_calls.MAX_AUTHORIZATION_PAGES


def test_exchange_sends_nulls_for_missing_values(heroku, api):
    api.post(
        f"{API}/oauth/tokens",
        status=201,
        json={"access_token": {"token": "a", "expires_in": 1}, "user": {"id": "u"}},
        match=[
            matchers.json_params_matcher(
                {
                    "client": {"id": "c", "secret": None},
                    "grant": {"type": "refresh_token", "code": None},
                    "refresh_token": {"token": "r"},
                }
            )
        ],
    )
    tokens = heroku.exchange_token("refresh_token", refresh_token="r", client_id="c")
    assert tokens.refresh_token is None and tokens.user_id == "u"
    assert "Authorization" not in api.calls[0].request.headers


def test_identity_refresh_uses_identity_secret(heroku, api):
    api.post(
        f"{API}/oauth/tokens",
        status=201,
        json={"access_token": {"token": "a", "expires_in": 1}},
        match=[
            matchers.json_params_matcher(
                {
                    "client": {"secret": OAUTH_SECRET},
                    "grant": {"type": "refresh_token"},
                    "refresh_token": {"token": "r"},
                }
            )
        ],
    )
    assert heroku.refresh_identity_token("r").access_token == "a"


@pytest.mark.parametrize("status", [200, 401, 404])
def test_delete_session_accepts_gone_sessions(heroku, api, status):
    api.delete(f"{API}/oauth/sessions/s", status=status, json={})
    assert heroku.delete_session("t", "s") is None


@pytest.mark.parametrize(
    "status,body,headers,expected",
    [
        (400, {"id": "bad_request", "message": "m"}, {}, errors.BadRequest),
        (401, {"id": "unauthorized", "message": "m"}, {}, errors.Unauthorized),
        (403, {"id": "forbidden", "message": "m"}, {}, errors.Forbidden),
        (
            403,
            {"id": "two_factor", "message": "m"},
            {"Heroku-Two-Factor-Required": "true"},
            errors.TwoFactorRequired,
        ),
        (404, {"id": "not_found", "message": "m"}, {}, errors.NotFound),
        (409, {"id": "conflict", "message": "m"}, {}, errors.UpstreamError),
        (422, {"id": "invalid_params", "message": "m"}, {}, errors.InvalidParams),
        (422, {"id": "password_expired", "message": "m"}, {}, errors.PasswordExpired),
        (422, {"id": "suspended", "message": "m"}, {}, errors.Suspended),
        (403, {"id": "suspended", "message": "m"}, {}, errors.Suspended),
        (429, {"id": "rate_limit", "message": "m"}, {"Retry-After": "30"}, errors.RateLimited),
        (406, {"id": "not_acceptable", "message": "m"}, {}, errors.UpstreamUnavailable),
        (500, {}, {}, errors.UpstreamUnavailable),
        (503, {}, {}, errors.UpstreamUnavailable),
        (302, {}, {"Location": "/x"}, errors.UpstreamUnavailable),
    ],
)
def test_status_mapping(heroku, api, status, body, headers, expected):
    api.post(f"{API}/password-resets", status=status, json=body, headers=headers)
    with pytest.raises(expected) as caught:
        heroku.create_password_reset("e@x")
    assert type(caught.value) is expected
    assert caught.value.status == status


def test_error_carries_id_message_and_headers(heroku, api):
    api.post(
        f"{API}/password-resets",
        status=429,
        json={"id": "rate_limit", "message": "Wait"},
        headers={"Retry-After": "30"},
    )
    with pytest.raises(errors.RateLimited) as caught:
        heroku.create_password_reset("e@x")
    assert (caught.value.id, caught.value.message, caught.value.retry_after) == (
        "rate_limit",
        "Wait",
        30,
    )


def test_error_without_message_joins_the_body(heroku, api):
    api.post(f"{API}/password-resets", status=422, json={"id": "wat", "error": "x"})
    with pytest.raises(errors.InvalidParams) as caught:
        heroku.create_password_reset("e@x")
    assert caught.value.message == "id wat; error x"


def test_non_json_error_is_shown_as_is(heroku, api):
    api.post(f"{API}/password-resets", status=422, body="plain failure")
    with pytest.raises(errors.InvalidParams, match="plain failure"):
        heroku.create_password_reset("e@x")


@pytest.mark.parametrize(
    "failure", [requests.ConnectTimeout(), requests.ReadTimeout(), requests.ConnectionError()]
)
def test_transport_failures_are_unavailable(heroku, api, failure):
    api.get(f"{API}/account", body=failure)
    with pytest.raises(errors.UpstreamUnavailable):
        heroku.get_account("t")


def test_success_that_is_not_json_is_unavailable(heroku, api):
    api.get(f"{API}/account", body="<html>")
    with pytest.raises(errors.UpstreamUnavailable):
        heroku.get_account("t")


def test_sms_number_fails_open(heroku, api):
    api.get(f"{API}/users/~/sms-number", body=requests.ConnectionError())
    assert heroku.get_sms_number("e@x", "p") is None


def test_remaining_calls(heroku, api):
    api.patch(
        f"{API}/users/~",
        json={},
        match=[matchers.json_params_matcher({"email_change_token": "ect"})],
    )
    api.post(
        f"{API}/password-resets/tok%2Fx/actions/finalize",
        json={},
        match=[matchers.json_params_matcher({"password": "p", "password_confirmation": "p"})],
    )
    api.patch(f"{API}/invitations/inv", json={"user": {"email": "e@x"}})
    api.post(
        f"{API}/users/~/sms-number/actions/recover",
        status=201,
        json={},
        match=[matchers.header_matcher({"Authorization": basic("e@x", "p")})],
    )
    assert heroku.confirm_email_change("t", "ect") is None  # an answer without the account
    heroku.finalize_password_reset("tok/x", "p", "p")
    assert heroku.accept_invitation("inv", "p", "p", "1") == "e@x"
    heroku.send_sms_recovery_code("e@x", "p")
    assert json.loads(api.calls[2].request.body)["receive_newsletter"] == "1"
    assert api.calls[3].request.body is None


def test_one_session_per_thread(heroku):
    import threading

    sessions = []
    thread = threading.Thread(target=lambda: sessions.append(heroku.session))
    thread.start()
    thread.join()
    assert heroku.session is heroku.with_context("x", None).session
    assert sessions[0] is not heroku.session
