"""Interop: off-the-shelf OpenID Connect relying parties against a real ``identity serve``,
configured from the discovery URL alone.

- Authlib (its OAuth 2 client, its JOSE and its ``CodeIDToken`` checks: signature
  from ``jwks_uri``, iss, aud, exp, nonce, at_hash);
- pyoidc (``oic``), an independent implementation: discovery, code + PKCE, the
  id_token checks its token request does, userinfo, a refresh with a new
  id_token (checked again), and RP-initiated logout.
"""

from __future__ import annotations

import types
import warnings
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.oidc.core import CodeIDToken
from oic.oic import Client as PyoidcClient
from oic.oic.message import AuthorizationResponse, RegistrationResponse
from oic.utils.authn.client import CLIENT_AUTHN_METHOD

from identity.platform import open_database
from identity.platform.domain.clients import create_client
from tests.end_to_end.test_interop import (
    REDIRECT_URI,
    add_user,
    browser_consent,
    log_in,
)

with warnings.catch_warnings():
    # Authlib's own JOSE on purpose (the relying party checks id_tokens its way); its
    # deprecation notice points to joserfc, and Authlib forces such notices to "always".
    warnings.simplefilter("ignore", DeprecationWarning)
    from authlib.jose import JsonWebKey, jwt

POST_LOGOUT = "https://client.test/logged-out"


@pytest.fixture(scope="module")
def rp(live_identity) -> dict:
    """A client with a post-logout URI, registered straight in the server's database."""
    db = open_database(types.SimpleNamespace(database_url=live_identity.env["DATABASE_URL"]))
    try:
        return create_client(
            db, "OIDC interop", REDIRECT_URI, post_logout_redirect_uris=[POST_LOGOUT]
        )
    finally:
        db.close()


def test_authlib_openid_client_from_the_discovery_url(live_identity, rp):
    add_user(live_identity, "authlib-oidc@example.com")
    issuer = live_identity.url
    config = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=10).json()
    assert config["issuer"] == issuer
    session = OAuth2Session(
        rp["id"],
        rp["secret"],
        scope="openid email profile",
        redirect_uri=REDIRECT_URI,
        code_challenge_method="S256",
    )
    verifier, nonce = "v" * 64, "n-authlib-0123"
    url, state = session.create_authorization_url(
        config["authorization_endpoint"], code_verifier=verifier, nonce=nonce
    )
    callback = browser_consent(live_identity, "authlib-oidc@example.com", url)
    token = session.fetch_token(
        config["token_endpoint"],
        authorization_response=callback,
        state=state,
        code_verifier=verifier,
    )
    keys = JsonWebKey.import_key_set(requests.get(config["jwks_uri"], timeout=10).json())
    claims = jwt.decode(
        token["id_token"],
        keys,
        claims_cls=CodeIDToken,
        claims_options={"iss": {"essential": True, "value": issuer}},
        claims_params={
            "nonce": nonce,
            "client_id": rp["id"],
            "access_token": token["access_token"],
        },
    )
    claims.validate()  # exp, iat, aud, nonce, at_hash
    assert claims["email"] == "authlib-oidc@example.com"
    userinfo = session.get(config["userinfo_endpoint"], timeout=10).json()
    assert userinfo["sub"] == claims["sub"]


def test_pyoidc_discovery_code_pkce_userinfo_and_logout(live_identity, rp):
    add_user(live_identity, "pyoidc@example.com")
    client = PyoidcClient(client_authn_method=CLIENT_AUTHN_METHOD)
    client.provider_config(live_identity.url)  # discovery; checks the issuer, loads jwks_uri
    client.store_registration_info(
        RegistrationResponse(
            client_id=rp["id"],
            client_secret=rp["secret"],
            redirect_uris=[REDIRECT_URI],
            post_logout_redirect_uris=[POST_LOGOUT],
        )
    )
    client.redirect_uris = [REDIRECT_URI]
    pkce, verifier = client.add_code_challenge()
    state, nonce = "st-pyoidc", "n-pyoidc-0123"
    request = client.construct_AuthorizationRequest(
        request_args={
            "response_type": "code",
            "scope": ["openid", "email"],
            "state": state,
            "nonce": nonce,
            "redirect_uri": REDIRECT_URI,
            **pkce,
        }
    )
    url = request.request(client.authorization_endpoint)
    callback = browser_consent(live_identity, "pyoidc@example.com", url)
    response = client.parse_response(
        AuthorizationResponse, info=urlsplit(callback).query, sformat="urlencoded"
    )
    assert response["state"] == state
    token = client.do_access_token_request(
        state=state,
        request_args={
            "code": response["code"],
            "redirect_uri": REDIRECT_URI,
            "code_verifier": verifier,
        },
        authn_method="client_secret_basic",
    )
    id_token = token["id_token"]  # verified by pyoidc against the JWKS: iss, aud, exp, sig
    assert id_token["nonce"] == nonce and id_token["iss"] == live_identity.url
    info = client.do_user_info_request(state=state)
    assert info["sub"] == id_token["sub"] and info["email"] == "pyoidc@example.com"
    refreshed = client.do_access_token_refresh(state=state, authn_method="client_secret_basic")
    assert refreshed["id_token"]["sub"] == id_token["sub"]  # verified again by pyoidc
    assert "nonce" not in refreshed["id_token"]

    browser = log_in(live_identity, "pyoidc@example.com")
    end_session = client.construct_EndSessionRequest(
        state=state, request_args={"post_logout_redirect_uri": POST_LOGOUT, "state": "bye"}
    )
    answer = browser.get(
        end_session.request(client.end_session_endpoint), allow_redirects=False, timeout=10
    )
    assert answer.status_code == 302
    location = answer.headers["Location"]
    assert location.startswith(POST_LOGOUT) and parse_qs(urlsplit(location).query)["state"] == [
        "bye"
    ]
    assert "identity-session" not in browser.cookies
