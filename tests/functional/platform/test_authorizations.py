"""Calls #2-#4 and #8: third-party grants, the list, client info, session logout."""

from identity.platform.domain.accounts import set_state
from identity.platform.domain.clients import create_client
from tests import sql
from tests.functional.platform.conftest import basic, bearer
from tests.functional.platform.test_tokens import exchange

URL = "/oauth/authorizations"


def grant_for(api, token, client_id, session_id, scope=None, status=201, **headers):
    return api.post_json(
        URL,
        {
            "client": {"id": client_id},
            "scope": scope,
            "response_type": "code",
            "session": {"id": session_id},
        },
        headers={**basic("", token), "X-Heroku-Legacy-Ids": "true", **headers},
        status=status,
    )


def test_third_party_grant(api, login, user, third_party):
    me = login()
    body = grant_for(
        api, me["access_token"]["token"], third_party["id"], me["session"]["id"], ["read"]
    ).json
    assert body["grant"]["code"] and body["grant"]["expires_in"] == 300
    assert body["client"]["redirect_uri"] == third_party["redirect_uri"]
    assert len(body["client"]["legacy_id"]) == 24
    assert body["access_token"] is None and body["refresh_token"] is None
    assert body["session"] == {"id": me["session"]["id"]}


def test_null_scope_means_global_and_client_may_be_a_string(api, login, user, third_party):
    me = login()
    body = api.post_json(
        URL,
        {"client": third_party["id"], "scope": None, "session": {"id": me["session"]["id"]}},
        headers=bearer(me["access_token"]["token"]),
        status=201,
    ).json
    assert body["scope"] == ["global"]


def test_bad_token_is_401(api, third_party):
    grant_for(api, "HRKU-nope", third_party["id"], "x", status=401)


def test_unknown_session_is_404(api, login, user, third_party):
    me = login()
    grant_for(api, me["access_token"]["token"], third_party["id"], "nope", status=404)


def test_only_privileged_tokens_link_sessions(api, login, user, third_party, db):
    me = login()
    code = grant_for(api, me["access_token"]["token"], third_party["id"], me["session"]["id"]).json[
        "grant"
    ]["code"]
    tokens = api.post_json(
        "/oauth/tokens",
        {
            "client": {"secret": third_party["secret"]},
            "grant": {"type": "authorization_code", "code": code},
        },
    ).json
    response = grant_for(
        api, tokens["access_token"]["token"], third_party["id"], me["session"]["id"], status=403
    )
    assert response.json["id"] == "forbidden"


def test_list_with_legacy_ids_and_range(api, login, user, third_party):
    me = login()
    token = me["access_token"]["token"]
    grant_for(api, token, third_party["id"], me["session"]["id"], ["read", "write"])
    response = api.get(
        URL,
        headers={**basic("", token), "X-Heroku-Legacy-Ids": "true", "Range": "id ..; max=1000"},
    )
    assert response.status_int == 200
    third = [a for a in response.json if a["client"]["id"] == third_party["id"]]
    assert third[0]["scope"] == ["read", "write"]
    assert third[0]["client"]["legacy_id"]
    assert third[0]["grant"] is None
    own = next(a for a in response.json if a["id"] == me["id"])
    assert own["access_token"]["token"] is None  # shown only once, at creation
    assert "legacy_id" not in api.get(URL, headers=bearer(token)).json[0]["client"]


def test_list_is_206_only_past_max(api, login, user, third_party):
    me = login()
    token = me["access_token"]["token"]
    for _ in range(2):
        grant_for(api, token, third_party["id"], me["session"]["id"])
    first = api.get(URL, headers={**bearer(token), "Range": "id ..; max=2"})
    assert first.status_int == 206
    assert len(first.json) == 2
    rest = api.get(URL, headers={**bearer(token), "Range": first.headers["Next-Range"]})
    assert rest.status_int == 200
    assert len(rest.json) == 1
    assert {a["id"] for a in first.json + rest.json} == {
        a["id"] for a in api.get(URL, headers=bearer(token)).json
    }
    api.get(URL, headers={**bearer(token), "Range": "name ..; max=2"}, status=416)


def test_info_and_delete(api, login, user, third_party):
    me = login()
    token = me["access_token"]["token"]
    other = grant_for(api, token, third_party["id"], me["session"]["id"]).json
    assert api.get(f"{URL}/{other['id']}", headers=bearer(token)).json["id"] == other["id"]
    assert api.get(f"{URL}/~", headers=bearer(token)).json["id"] == me["id"]
    assert api.delete(f"{URL}/{other['id']}", headers=bearer(token)).json["id"] == other["id"]
    api.get(f"{URL}/{other['id']}", headers=bearer(token), status=404)


def test_another_users_authorization_is_404(api, login, user, two_factor_user, db, settings):
    from identity.platform.domain.accounts import create_user
    from tests.functional.platform.conftest import CHEAP_HASHER, PASSWORD

    create_user(db, settings, "carol@example.test", password=PASSWORD, hasher=CHEAP_HASHER)
    alice, carol = login(), login(email="carol@example.test")
    api.get(f"{URL}/{carol['id']}", headers=bearer(alice["access_token"]["token"]), status=404)


class TestClientInfo:
    def test_unauthenticated_info(self, api, third_party):
        body = api.get(f"/oauth/clients/{third_party['id']}").json
        assert body["name"] == "Dashboard"
        assert body["trusted"] is False and body["ignores_delinquent"] is False
        assert "secret" not in body and "legacy_id" not in body
        assert "Heroku-Delinquent" not in api.get(f"/oauth/clients/{third_party['id']}").headers

    def test_unknown_client_is_404(self, api):
        assert api.get("/oauth/clients/nope", status=404).json["id"] == "not_found"

    def test_bad_token_is_401(self, api, third_party):
        api.get(f"/oauth/clients/{third_party['id']}", headers=bearer("nope"), status=401)

    def test_delinquent_user_gets_the_headers(self, api, db, login, user, third_party, settings):
        token = login()["access_token"]["token"]
        set_state(db, "alice@example.test", delinquent=True)
        response = api.get(
            f"/oauth/clients/{third_party['id']}",
            headers={**basic("", token), "X-Heroku-Legacy-Ids": "true"},
        )
        assert response.headers["Heroku-Delinquent"] == "true"
        assert response.headers["Location"] == settings.delinquent_url
        assert len(response.json["legacy_id"]) == 24


class TestSessionLogout:
    def test_cascade(self, api, login, user, third_party):
        me = login()
        token = me["access_token"]["token"]
        code = grant_for(api, token, third_party["id"], me["session"]["id"]).json["grant"]["code"]
        other = api.post_json(
            "/oauth/tokens",
            {
                "client": {"secret": third_party["secret"]},
                "grant": {"type": "authorization_code", "code": code},
            },
        ).json
        unused_code = grant_for(api, token, third_party["id"], me["session"]["id"]).json
        response = api.delete(f"/oauth/sessions/{me['session']['id']}", headers=basic("", token))
        assert response.json["id"] == me["session"]["id"]
        assert response.json["description"].startswith("Session @ ")
        assert response.json["expires_in"] == 2592000
        # Identity's tokens, the third party's tokens and unused grants are all gone.
        api.get("/account", headers=bearer(token), status=401)
        api.get("/account", headers=bearer(other["access_token"]["token"]), status=401)
        api.post_json(
            "/oauth/tokens",
            {
                "client": {"secret": third_party["secret"]},
                "grant": {"type": "refresh_token"},
                "refresh_token": {"token": other["refresh_token"]["token"]},
            },
            status=404,
        )
        api.post_json(
            "/oauth/tokens",
            {
                "client": {"secret": third_party["secret"]},
                "grant": {"type": "authorization_code", "code": unused_code["grant"]["code"]},
            },
            status=404,
        )

    def test_unknown_session_is_404_and_bad_token_401(self, api, login, user):
        token = login()["access_token"]["token"]
        api.delete("/oauth/sessions/nope", headers=bearer(token), status=404)
        api.delete("/oauth/sessions/nope", headers=bearer("bad"), status=401)

    def test_tilde_is_the_callers_session(self, api, login, user):
        me = login()
        token = me["access_token"]["token"]
        assert (
            api.delete("/oauth/sessions/~", headers=bearer(token)).json["id"]
            == (me["session"]["id"])
        )

    def test_sessions_expire(self, api, db, login, user, identity_client, clock):
        """The session's end ends its tokens, however long they had left."""
        me = login()
        token = me["access_token"]["token"]
        with db.transaction(write=True) as tx:
            sql.execute(
                tx,
                "UPDATE sessions SET expires_at = :at WHERE id = :id",
                at=tx.now + 60,
                id=me["session"]["id"],
            )
        api.get("/account", headers=bearer(token))
        clock.advance(61)  # the access token has two hours left, the session none
        api.get("/account", headers=bearer(token), status=401)
        api.delete(f"/oauth/sessions/{me['session']['id']}", headers=bearer(token), status=401)
        api.post_json(
            "/oauth/tokens",
            {
                "client": {"secret": identity_client["secret"]},
                "grant": {"type": "refresh_token"},
                "refresh_token": {"token": me["refresh_token"]["token"]},
            },
            status=404,
        )


class TestWhatThirdPartyTokensCreate:
    """Issue: a third-party client's ``global`` token minted tokens that outlived logout."""

    def third_party_token(self, api, me, third_party) -> str:
        """A ``global`` token of the third-party client, from a grant in *me*'s session."""
        code = grant_for(
            api, me["access_token"]["token"], third_party["id"], me["session"]["id"], ["global"]
        ).json["grant"]["code"]
        return exchange(api, code, {"secret": third_party["secret"]}).json["access_token"]["token"]

    def test_a_direct_token_it_creates_ends_with_the_login(self, api, login, user, third_party):
        me = login()
        token = self.third_party_token(api, me, third_party)
        direct = api.post_json("/oauth/authorizations", {}, headers=bearer(token)).json
        assert direct["session"] == {"id": me["session"]["id"]}
        minted = direct["access_token"]["token"]
        api.get("/account", headers=bearer(minted))
        api.delete("/oauth/sessions/~", headers=bearer(me["access_token"]["token"]))
        api.get("/account", headers=bearer(minted), status=401)

    def test_a_grant_it_creates_ends_with_the_login(self, api, login, user, third_party, db):
        other = create_client(db, "Other", "https://other.example.test/cb")
        me = login()
        token = self.third_party_token(api, me, third_party)
        made = api.post_json(
            "/oauth/authorizations", {"client": {"id": other["id"]}}, headers=bearer(token)
        ).json
        assert made["session"] == {"id": me["session"]["id"]}
        api.delete("/oauth/sessions/~", headers=bearer(me["access_token"]["token"]))
        exchange(api, made["grant"]["code"], {"secret": other["secret"]}, status=404)
