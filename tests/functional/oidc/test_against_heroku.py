"""OpenID Connect against the real Heroku API's contract (a mocked API, no extensions).

Heroku stores none of the OpenID scopes: Identity asks it for ``identity``
(never the ``global`` of an empty scope), keeps the OpenID facts in the
sealed code and refresh token, and userinfo answers from ``GET /account``
for any token that may read the account.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

import jwt
from responses import matchers

from tests.conftest import API, CLIENT_ID, ISSUER, REDIRECT_URI
from tests.functional.conftest import USER, grant_answer, mock_client, query, token_answer


def mock_grant(api, scope):
    api.post(
        f"{API}/oauth/authorizations",
        status=201,
        json=grant_answer(),
        match=[
            matchers.json_params_matcher(
                {
                    "client": {"id": CLIENT_ID},
                    "scope": scope,
                    "response_type": "code",
                    "session": {"id": "session-1"},
                }
            )
        ],
    )


def code_for(app, api, set_session, scope: str) -> str:
    set_session(
        access_token="identity-access",
        access_token_expires_at=int(time.time()) + 7200,
        session_id="session-1",
        user=USER,
        csrf_token="csrf",
        auth_time=int(time.time()) - 5,
        amr=["pwd"],
    )
    mock_client(api, trusted=True)
    mock_grant(api, ["identity"])
    params = {
        "client_id": CLIENT_ID,
        "response_type": "code",
        "state": "s",
        "scope": scope,
        "redirect_uri": REDIRECT_URI,
    }
    response = app.get("/oauth/authorize?" + urlencode(params), status=302)
    return query(response.headers["Location"])["code"][0]


def exchange(app, api, code: str) -> dict:
    api.post(f"{API}/oauth/tokens", status=201, json=token_answer())
    return app.post(
        "/oauth/token",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "client_id": CLIENT_ID,
            "client_secret": "secret",
        },
    ).json


def test_openid_alone_asks_heroku_for_identity_and_gets_an_id_token(app, api, set_session):
    # Also: Heroku's client has redirect_uri alone, which is then the only one.
    answer = exchange(app, api, code_for(app, api, set_session, "openid email"))
    assert answer["scope"] == "email identity openid"
    claims = jwt.decode(answer["id_token"], options={"verify_signature": False})
    assert claims["iss"] == ISSUER and claims["sub"] == USER["id"] and claims["aud"] == CLIENT_ID
    assert claims["email"] == USER["email"] and claims["amr"] == ["pwd"]


def test_userinfo_reads_the_account_with_the_clients_token(app, api):
    api.get(
        f"{API}/oauth/authorizations/~",
        json={"id": "a1", "scope": ["identity"], "user": {"id": USER["id"]}},
        match=[matchers.header_matcher({"Authorization": "Basic OmNsaWVudC1hY2Nlc3M="})],
    )
    api.get(f"{API}/account", json={"id": USER["id"], "email": USER["email"], "name": "Full Name"})
    info = app.get("/oauth/userinfo", headers={"Authorization": "Bearer client-access"}).json
    assert info == {
        "sub": USER["id"],
        "email": USER["email"],
        "email_verified": True,
        "name": "Full Name",
    }


def test_userinfo_refuses_a_token_that_cannot_read_the_account(app, api):
    api.get(
        f"{API}/oauth/authorizations/~",
        json={"id": "a1", "scope": ["read"], "user": {"id": USER["id"]}},
    )
    response = app.get(
        "/oauth/userinfo", headers={"Authorization": "Bearer client-access"}, status=403
    )
    assert 'error="insufficient_scope"' in response.headers["WWW-Authenticate"]


def test_userinfo_maps_the_apis_401_to_invalid_token(app, api):
    api.get(
        f"{API}/oauth/authorizations/~", status=401, json={"id": "unauthorized", "message": "x"}
    )
    response = app.get("/oauth/userinfo", headers={"Authorization": "Bearer gone"}, status=401)
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_userinfo_when_the_api_is_down_is_503(app, api):
    api.get(f"{API}/oauth/authorizations/~", status=503)
    response = app.get("/oauth/userinfo", headers={"Authorization": "Bearer t"}, status=503)
    assert response.json["error"] == "temporarily_unavailable"


def test_prompt_none_for_a_delinquent_account_is_interaction_required(app, api, logged_in):
    mock_client(api, headers={"Heroku-Delinquent": "true", "Location": "https://pay.test"})
    params = {
        "client_id": CLIENT_ID,
        "response_type": "code",
        "state": "s",
        "scope": "openid",
        "redirect_uri": REDIRECT_URI,
        "prompt": "none",
    }
    response = app.get("/oauth/authorize?" + urlencode(params), status=302)
    answer = query(response.headers["Location"])
    assert answer["error"] == ["interaction_required"] and answer["state"] == ["s"]
    assert response.headers["Location"].startswith(REDIRECT_URI)
