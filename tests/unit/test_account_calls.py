"""The account pages' calls of HerokuAPI, the network mocked by responses."""

from __future__ import annotations

import base64

import pytest
from responses import matchers

from identity import errors
from identity.embedded import Upstream
from identity.upstream import HerokuAPI
from tests.conftest import API, OAUTH_ID, OAUTH_SECRET

TOKEN = {"Authorization": "Basic " + base64.b64encode(b":tok").decode()}


@pytest.fixture
def heroku():
    return HerokuAPI(
        Upstream(API, OAUTH_ID, OAUTH_SECRET), connect_timeout=1.5, read_timeout=4.0
    ).with_context("req-1", "203.0.113.9")


def test_change_password_is_herokus_patch_account(heroku, api):
    api.patch(
        f"{API}/account",
        json={"id": "u"},
        match=[
            matchers.header_matcher(TOKEN),
            matchers.json_params_matcher({"password": "old", "new_password": "new"}),
        ],
    )
    heroku.change_password("tok", "old", "new")


def test_sessions_are_listed_with_what_the_api_knows(heroku, api):
    api.get(
        f"{API}/oauth/sessions",
        json=[
            {
                "id": "s1",
                "description": "Session @ 1.2.3.4",
                "ip": "1.2.3.4",
                "user_agent": "Firefox",
                "created_at": "2026-12-01T10:00:00Z",
            },
            {"id": "s2", "description": "Heroku's own shape"},
        ],
        match=[matchers.header_matcher(TOKEN)],
    )
    first, second = heroku.list_sessions("tok")
    assert (first.id, first.ip, first.user_agent) == ("s1", "1.2.3.4", "Firefox")
    assert (second.id, second.ip, second.created_at) == ("s2", None, None)


@pytest.mark.parametrize("status", [404, 405])
def test_an_api_without_the_call_is_feature_unavailable(heroku, api, status):
    api.get(f"{API}/oauth/sessions", status=status, json={"id": "not_found", "message": "no"})
    with pytest.raises(errors.FeatureUnavailable):
        heroku.list_sessions("tok")


def test_ending_a_session_that_is_gone_is_fine(heroku, api):
    api.delete(f"{API}/oauth/sessions/s2", status=404, json={"id": "not_found"})
    heroku.end_session("tok", "s2")


def test_a_bad_token_is_still_unauthorized(heroku, api):
    api.get(f"{API}/oauth/sessions", status=401, json={"id": "unauthorized", "message": "no"})
    with pytest.raises(errors.Unauthorized):
        heroku.list_sessions("tok")


def test_two_factor_enrol_confirm_disable(heroku, api):
    api.post(
        f"{API}/account/two-factor/actions/enroll",
        status=201,
        json={"secret": "ABC", "enrollment": "sealed", "expires_in": 900},
    )
    api.post(
        f"{API}/account/two-factor/actions/confirm",
        json={"two_factor_authentication": True, "recovery_codes": ["a" * 16]},
        match=[matchers.json_params_matcher({"enrollment": "sealed", "code": "123456"})],
    )
    api.delete(
        f"{API}/account/two-factor",
        json={"two_factor_authentication": False},
        match=[
            matchers.header_matcher(
                {**TOKEN, "Heroku-Password": "pw", "Heroku-Two-Factor-Code": "654321"}
            )
        ],
    )
    assert heroku.enroll_two_factor("tok")["secret"] == "ABC"
    assert heroku.confirm_two_factor("tok", "sealed", "123456") == ["a" * 16]
    heroku.disable_two_factor("tok", "pw", "654321")


def test_a_wrong_code_keeps_its_error_id(heroku, api):
    api.post(
        f"{API}/account/two-factor/actions/confirm",
        status=401,
        json={"id": "invalid_two_factor_code", "message": "Invalid two-factor code."},
    )
    with pytest.raises(errors.Unauthorized) as raised:
        heroku.confirm_two_factor("tok", "sealed", "000000")
    assert raised.value.id == "invalid_two_factor_code"


def test_recovery_codes_with_the_password(heroku, api):
    api.post(
        f"{API}/account/recovery-codes",
        status=201,
        json=["0123456789abcdef"],
        match=[matchers.header_matcher({**TOKEN, "Heroku-Password": "pw"})],
    )
    assert heroku.regenerate_recovery_codes("tok", "pw") == ["0123456789abcdef"]


def test_authorizations_carry_their_last_use_and_can_be_deleted(heroku, api):
    api.get(
        f"{API}/oauth/authorizations",
        json=[
            {
                "id": "a1",
                "scope": ["identity"],
                "created_at": "2026-12-01T10:00:00Z",
                "last_used_at": "2026-12-02T10:00:00Z",
                "client": {"id": "c1", "name": "Deployer"},
            },
        ],
    )
    api.delete(f"{API}/oauth/authorizations/a1", json={"id": "a1"})
    (found,) = heroku.list_authorizations("tok")
    assert (found.id, found.client_name, found.last_used_at) == (
        "a1",
        "Deployer",
        "2026-12-02T10:00:00Z",
    )
    heroku.delete_authorization("tok", "a1")


def test_the_login_dance_passes_the_browsers_user_agent(heroku, api):
    api.post(
        f"{API}/oauth/authorizations",
        status=201,
        json={
            "access_token": {"token": "a", "expires_in": 7200},
            "session": {"id": "s"},
            "user": {"id": "u", "email": "e@x", "full_name": None},
        },
        match=[matchers.header_matcher({"User-Agent": "Mozilla/5.0 Firefox/140.0"})],
    )
    heroku.create_session_authorization("e@x", "pw", user_agent="Mozilla/5.0 Firefox/140.0")
