"""GET /login/external (signed JWT hand-over) and the SSO hand-off on authorize."""

from __future__ import annotations

import base64
import json
import time
import uuid

import jwt
import pytest
import webtest

from identity.session import Session
from identity.views.external_login import MAX_AGE, MAX_EXPIRES_IN
from tests.conftest import API, CLIENT_ID, REDIRECT_URI
from tests.functional.conftest import USER, client_answer, grant_answer, put_session

SECRET = "a-shared-secret-of-at-least-32-characters"
SSO = "https://sso.heroku.test"


def claims(**overrides) -> dict:
    values = {
        "access_token": {"token": "external-access", "expires_in": 9000},
        "refresh_token": {"token": "external-refresh"},
        "session": {"id": "session-9"},
        "user": USER,
        "sso_entity": "initech",
        "exp": int(time.time()) + 60,
        "iat": int(time.time()),
        "jti": str(uuid.uuid4()),
    }
    values.update(overrides)
    return values


def token(payload=None, secret=SECRET, algorithm="HS256") -> str:
    return jwt.encode(claims() if payload is None else payload, secret, algorithm=algorithm)


@pytest.fixture
def external(make_testapp):
    return make_testapp(login_external_secret=SECRET, sso_base_url=SSO)


def read(app, codec) -> Session:
    return codec.load(app.cookies.get("identity-session"))


class TestExternalLogin:
    def test_not_found_without_a_secret(self, app):
        app.get(f"/login/external?token={token()}", status=404)

    def test_good_token_writes_the_session(self, external, codec):
        response = external.get(f"/login/external?token={token()}")
        assert response.location == "http://localhost/"
        session = read(external, codec)
        assert session["access_token"] == "external-access"
        assert session["refresh_token"] == "external-refresh"
        assert session["session_id"] == "session-9"
        assert session["user"] == USER
        assert session["sso_entity"] == "initech"
        assert session["access_token_expires_at"] >= int(time.time()) + 8990
        cookies = response.headers.getall("Set-Cookie")
        assert any(c.startswith("heroku_session_nonce=session-9") for c in cookies)

    def test_sso_entity_is_dropped_without_sso(self, make_testapp, codec):
        app = make_testapp(login_external_secret=SECRET)
        app.get(f"/login/external?token={token()}")
        assert "sso_entity" not in read(app, codec)

    def test_continues_a_pending_authorization(self, external, codec):
        put_session(external, codec, authorize_params=[["client_id", CLIENT_ID]])
        location = external.get(f"/login/external?token={token()}").location
        assert location == f"http://localhost/oauth/authorize?client_id={CLIENT_ID}"

    def test_ends_the_previous_api_session(self, external, api, codec):
        put_session(
            external,
            codec,
            access_token="old",
            session_id="session-1",
            access_token_expires_at=2**40,
            user=USER,
        )
        api.delete(f"{API}/oauth/sessions/session-1", json={})
        external.get(f"/login/external?token={token()}")
        assert read(external, codec)["session_id"] == "session-9"

    @pytest.mark.parametrize(
        "bad",
        [
            "123",
            "",
            token(secret="another-secret-of-at-least-32-characters"),
            token(claims(exp=int(time.time()) - 10)),
            token({k: v for k, v in claims().items() if k != "exp"}),
            token(claims(session={})),
            token(claims(access_token={"token": "t", "expires_in": "soon"})),
            token(claims(user={"id": "u"})),
            token({k: v for k, v in claims().items() if k != "jti"}),
            token({k: v for k, v in claims().items() if k != "iat"}),
            token(claims(iat=int(time.time()) - MAX_AGE - 60)),
            token(claims(iat=int(time.time()) + 3600, exp=int(time.time()) + 3660)),
            token(claims(exp=int(time.time()) + MAX_AGE + 60)),
            token(claims(jti="")),
            token(claims(iat="now")),
        ],
        ids=[
            "garbage",
            "empty",
            "wrong-secret",
            "expired",
            "no-exp",
            "no-session",
            "bad-expiry",
            "no-email",
            "no-jti",
            "no-iat",
            "issued-too-long-ago",
            "issued-in-the-future",
            "lives-too-long",
            "empty-jti",
            "bad-iat",
        ],
    )
    def test_bad_tokens_get_the_401_page(self, external, bad):
        assert "not valid" in external.get(f"/login/external?token={bad}", status=401)

    def test_a_token_logs_in_once(self, external, codec):
        link = f"/login/external?token={token()}"
        external.get(link, status=302)
        replay = webtest.TestApp(external.app)  # a browser with no session of its own
        assert "not valid" in replay.get(link, status=401)
        assert "user" not in read(replay, codec)
        assert "not valid" in external.get(link, status=401)

    def test_tokens_with_other_jtis_each_log_in(self, external, codec):
        external.get(f"/login/external?token={token()}", status=302)
        other = webtest.TestApp(external.app)
        other.get(f"/login/external?token={token()}", status=302)
        assert read(other, codec)["user"] == USER

    def test_a_long_access_token_life_is_cut_to_the_cap(self, external, codec):
        long_lived = claims(access_token={"token": "a", "expires_in": 10 * MAX_EXPIRES_IN})
        external.get(f"/login/external?token={token(long_lived)}", status=302)
        expires_at = read(external, codec)["access_token_expires_at"]
        assert expires_at <= int(time.time()) + MAX_EXPIRES_IN

    def test_unsigned_token_is_refused(self, external):
        header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=")
        body = base64.urlsafe_b64encode(json.dumps(claims()).encode()).rstrip(b"=")
        unsigned = f"{header.decode()}.{body.decode()}."
        external.get(f"/login/external?token={unsigned}", status=401)

    def test_other_algorithms_are_refused(self, make_testapp):
        secret = "s" * 64  # long enough for HS512, so only the algorithm differs
        app = make_testapp(login_external_secret=secret)
        hs512 = token(secret=secret, algorithm="HS512")
        app.get(f"/login/external?token={hs512}", status=401)


SPEND = f"{API}/login-tokens/actions/spend"


class TestSingleUseAtTheApi:
    """With the API's extensions the jti is spent there, for every process."""

    @pytest.fixture
    def external(self, make_testapp):
        return make_testapp(login_external_secret=SECRET, platform_extensions=True)

    def test_the_jti_is_spent_with_the_tokens_access_token(self, external, api):
        payload = claims()
        api.post(SPEND, json={"first_use": True})
        external.get(f"/login/external?token={token(payload)}", status=302)
        call = api.calls[0].request
        scheme, credentials = call.headers["Authorization"].split()
        assert (scheme, base64.b64decode(credentials)) == ("Basic", b":external-access")
        assert json.loads(call.body) == {"jti": payload["jti"], "expires_at": payload["exp"]}

    def test_a_jti_spent_before_is_refused(self, external, api, codec):
        api.post(SPEND, json={"first_use": False})
        assert "not valid" in external.get(f"/login/external?token={token()}", status=401)
        assert "user" not in read(external, codec)

    def test_an_access_token_the_api_does_not_know_is_refused(self, external, api):
        api.post(SPEND, status=401, json={"id": "unauthorized", "message": "Invalid."})
        external.get(f"/login/external?token={token()}", status=401)

    @pytest.mark.parametrize("status", [404, 405])
    def test_without_the_call_this_process_remembers(self, external, api, status):
        api.post(SPEND, status=status, json={"id": "not_found", "message": "No such call."})
        link = f"/login/external?token={token()}"
        external.get(link, status=302)
        external.get(link, status=401)


AUTHORIZE = f"/oauth/authorize?client_id={CLIENT_ID}&response_type=code&redirect_uri={REDIRECT_URI}"


class TestSsoHandOff:
    def logged_in_by_sso(self, app, codec):
        put_session(
            app,
            codec,
            access_token="identity-access",
            session_id="session-1",
            access_token_expires_at=2**40,
            user=USER,
            sso_entity="initech",
        )

    def test_dead_token_goes_back_to_the_sso_entity(self, make_testapp, api, codec):
        app = make_testapp(sso_base_url=SSO)
        self.logged_in_by_sso(app, codec)
        api.get(f"{API}/account", status=401, json={"id": "unauthorized", "message": "x"})
        response = app.get(AUTHORIZE)
        assert response.location == f"{SSO}/initech"
        assert dict(read(app, codec)["authorize_params"])["client_id"] == CLIENT_ID

    def test_live_token_authorizes_here(self, make_testapp, api, codec):
        app = make_testapp(sso_base_url=SSO)
        self.logged_in_by_sso(app, codec)
        api.get(f"{API}/account", json={"id": "u"})
        api.get(f"{API}/oauth/clients/{CLIENT_ID}", json=client_answer(trusted=True))
        api.post(f"{API}/oauth/authorizations", status=201, json=grant_answer())
        assert app.get(AUTHORIZE).location.startswith(REDIRECT_URI)

    def test_no_hand_off_without_sso_configured(self, app, api, codec):
        self.logged_in_by_sso(app, codec)
        api.get(f"{API}/oauth/clients/{CLIENT_ID}", json=client_answer())
        api.get(f"{API}/oauth/authorizations", json=[])
        assert "Authorize" in app.get(AUTHORIZE).text

    def test_login_page_links_to_sso(self, make_testapp):
        assert f'href="{SSO}"' in make_testapp(sso_base_url=SSO).get("/login")

    def test_login_page_has_no_sso_link_by_default(self, app):
        assert "SSO" not in app.get("/login")
