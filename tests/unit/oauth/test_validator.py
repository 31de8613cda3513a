"""IdentityValidator, one class per question oauthlib asks."""

from __future__ import annotations

import base64
from unittest import mock

import pytest
from cryptography.fernet import Fernet
from oauthlib.common import Request
from oauthlib.oauth2.rfc6749 import errors as oauth_errors

from identity import errors
from identity.oauth.validator import DEVICE_CODE, IdentityValidator
from identity.sealed import SealedCodes, SealedGrant
from identity.upstream import Client
from tests.conftest import pkce_pair

CLIENT = Client("c1", "n", "d", "https://c/cb")


def validator(api=None):
    sealed = SealedCodes(Fernet.generate_key().decode(), 300)
    return IdentityValidator(api or mock.Mock(), sealed, token="t", session_id="s")


def grant(**overrides):
    values = dict(
        code="inner",
        client_id="c1",
        redirect_uri="https://c/cb",
        redirect_uri_sent=True,
        code_challenge=None,
        code_challenge_method=None,
        scope=("read",),
        issued_at=0,
    )
    values.update(overrides)
    return SealedGrant(**values)


class TestValidateClientId:
    def test_fetches_the_client_once_per_request(self):
        api = mock.Mock()
        api.get_client.return_value = CLIENT
        v = validator(api)
        assert v.validate_client_id("c1", Request("/"))
        assert v.validate_client_id("c1", Request("/"))
        api.get_client.assert_called_once_with("c1", token="t")

    @pytest.mark.parametrize("exc", [errors.NotFound("x"), errors.BadRequest("x")])
    def test_returns_false_for_unknown_clients(self, exc):
        api = mock.Mock()
        api.get_client.side_effect = exc
        assert not validator(api).validate_client_id("c1", Request("/"))

    @pytest.mark.parametrize("client_id", ["../admin", "a b", "x" * 101, "é"])
    def test_returns_false_for_odd_ids_without_asking_the_api(self, client_id):
        api = mock.Mock()
        assert not validator(api).validate_client_id(client_id, Request("/"))
        api.get_client.assert_not_called()

    def test_lets_outages_through(self):
        api = mock.Mock()
        api.get_client.side_effect = errors.UpstreamUnavailable("x")
        with pytest.raises(errors.UpstreamUnavailable):
            validator(api).validate_client_id("c1", Request("/"))


class TestValidateCode:
    def request(self, **params):
        request = Request("/", body=params)
        return request

    def test_accepts_a_sealed_code_of_this_client(self):
        v = validator()
        request = self.request()
        assert v.validate_code("c1", v.sealed.seal(grant()), None, request)
        assert request.sealed_grant.code == "inner" and request.scopes == ["read"]

    def test_another_clients_code_is_invalid_grant_for_a_client_that_proved_itself(self):
        v = validator()
        with pytest.raises(oauth_errors.InvalidGrantError):
            v.validate_code("c2", v.sealed.seal(grant()), None, self.request(client_id="c2"))

    def test_another_clients_code_is_invalid_client_for_an_unknown_client(self):
        api = mock.Mock()
        api.get_client.side_effect = errors.NotFound("x")
        v = validator(api)
        with pytest.raises(oauth_errors.InvalidClientError):
            v.validate_code("c2", v.sealed.seal(grant()), None, self.request(client_id="c2"))

    def test_a_verifier_without_challenge_is_invalid_grant(self):
        v = validator()
        request = self.request(client_id="c1", code_verifier=pkce_pair()[0])
        with pytest.raises(oauth_errors.InvalidGrantError):
            v.validate_code("c1", v.sealed.seal(grant()), None, request)

    @pytest.mark.parametrize("verifier", [None, "x" * 43])
    def test_a_missing_or_wrong_verifier_is_invalid_grant(self, verifier):
        v = validator()
        code = v.sealed.seal(grant(code_challenge=pkce_pair()[1], code_challenge_method="S256"))
        params = {"client_id": "c1", **({"code_verifier": verifier} if verifier else {})}
        with pytest.raises(oauth_errors.InvalidGrantError):
            v.validate_code("c1", code, None, self.request(**params))
        good = self.request(client_id="c1", code_verifier=pkce_pair()[0])
        assert v.validate_code("c1", code, None, good)

    def test_default_scope_when_none_was_asked(self):
        v = validator()
        request = self.request()
        v.validate_code("c1", v.sealed.seal(grant(scope=())), None, request)
        assert request.scopes == ["global"]


class TestClientAuthentication:
    def basic(self, value):
        return {"Authorization": "Basic " + base64.b64encode(value.encode()).decode()}

    def test_basic_credentials_are_form_decoded(self):
        request = Request("/", headers=self.basic("c%3A1:s+x%25"))
        v = validator()
        assert v.client_authentication_required(request)
        assert v.authenticate_client(request)
        assert (request.client.client_id, request.client.secret) == ("c:1", "s x%")

    def test_public_client_names_itself(self):
        request = Request("/", body={"client_id": "c1"})
        v = validator()
        assert not v.client_authentication_required(request)
        assert v.authenticate_client_id("c1", request)

    def test_secret_in_both_places_is_invalid_request(self):
        request = Request("/", body={"client_secret": "s"}, headers=self.basic("c1:s"))
        with pytest.raises(oauth_errors.InvalidRequestError):
            validator().client_authentication_required(request)

    def test_other_schemes_are_invalid_client(self):
        request = Request("/", headers={"Authorization": "Bearer x"})
        with pytest.raises(oauth_errors.InvalidClientError):
            validator().client_authentication_required(request)


class TestExchange:
    @pytest.mark.parametrize(
        "exc,expected",
        [
            (errors.Unauthorized("x"), ("invalid_client", 401)),
            (errors.NotFound("x"), ("invalid_grant", 400)),
            (errors.InvalidParams("x"), ("invalid_grant", 400)),
            (errors.Forbidden("x"), ("invalid_grant", 400)),
            (errors.PasswordExpired("x"), ("invalid_grant", 400)),
            (errors.RateLimited("x"), ("temporarily_unavailable", 429)),
            (errors.UpstreamUnavailable("x"), ("temporarily_unavailable", 503)),
        ],
    )
    def test_maps_api_refusals_by_the_one_table(self, exc, expected):
        api = mock.Mock()
        api.exchange_token.side_effect = exc
        request = Request("/", body={"grant_type": "refresh_token", "refresh_token": "r"})
        request.client = mock.Mock(client_id="c1", secret="s")
        with pytest.raises(oauth_errors.OAuth2Error) as caught:
            validator(api).exchange(request)
        assert (caught.value.error, caught.value.status_code) == expected

    def test_suspended_is_403(self):
        api = mock.Mock()
        api.exchange_token.side_effect = errors.Suspended("Suspended.")
        request = Request("/", body={"grant_type": "refresh_token", "refresh_token": "r"})
        request.client = mock.Mock(client_id="c1", secret="s")
        with pytest.raises(oauth_errors.OAuth2Error) as caught:
            validator(api).exchange(request)
        assert caught.value.status_code == 403


class TestScopesAndTypes:
    def test_only_known_scopes(self):
        v = validator()
        assert v.validate_scopes("c", ["global", "read", "create-apps"], None, None)
        assert not v.validate_scopes("c", ["read", "admin"], None, None)

    def test_only_code(self):
        assert validator().validate_response_type("c", "code", None, None)
        assert not validator().validate_response_type("c", "token", None, None)

    def test_only_code_refresh_and_device_grants(self):
        v = validator()
        assert v.validate_grant_type("c", "authorization_code", None, None)
        assert v.validate_grant_type("c", "refresh_token", None, None)
        assert v.validate_grant_type("c", DEVICE_CODE, None, None)
        assert not v.validate_grant_type("c", "password", None, None)
        assert not v.validate_grant_type("c", "client_credentials", None, None)
