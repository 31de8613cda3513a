"""heroku-api.md §1: Accept, Request-Id, JSON errors, bad input never a 500."""

import pytest

from tests.functional.platform.conftest import basic, bearer


def test_heroku_accept_is_accepted(api, third_party):
    response = api.get(
        f"/oauth/clients/{third_party['id']}",
        headers={"Accept": "application/vnd.heroku+json; version=3"},
    )
    assert response.status_int == 200
    assert response.content_type == "application/json"


def test_absent_accept_is_fine(api, third_party):
    assert api.get(f"/oauth/clients/{third_party['id']}").status_int == 200


def test_accept_excluding_json_is_406(api, third_party):
    response = api.get(
        f"/oauth/clients/{third_party['id']}", headers={"Accept": "text/html"}, status=406
    )
    assert response.json["id"] == "not_acceptable"


def test_request_id_is_echoed(api, third_party):
    response = api.get(f"/oauth/clients/{third_party['id']}", headers={"Request-Id": "abc-123"})
    assert response.headers["Request-Id"] == "abc-123"


@pytest.mark.parametrize("sent", ["", " , ", ",first-id,second-id"])
def test_empty_or_repeated_request_ids_are_tolerated(api, third_party, sent):
    response = api.get(f"/oauth/clients/{third_party['id']}", headers={"Request-Id": sent})
    assert response.status_int == 200
    expected = "first-id" if "first" in sent else None
    assert response.headers["Request-Id"] == expected or (
        expected is None and len(response.headers["Request-Id"]) == 36
    )


def test_request_id_is_generated_on_errors_too(api):
    response = api.get("/nowhere", status=404)
    assert response.json == {"id": "not_found", "message": "Couldn't find that resource."}
    assert response.headers["Request-Id"]


def test_wrong_method_is_405(api):
    response = api.put("/oauth/tokens", status=405)
    assert response.json["id"] == "method_not_allowed"
    assert response.headers["Allow"] == "POST"


def test_malformed_json_is_400(api):
    response = api.post("/oauth/tokens", "{nope", content_type="application/json", status=400)
    assert response.json["id"] == "bad_request"


@pytest.mark.parametrize(
    "body",
    [
        [1, 2],
        {"grant": "x"},
        {"grant": {"type": 5}},
        {"grant": {"type": "authorization_code", "code": ["x"]}, "client": {"secret": "s"}},
        {"grant": {"type": "authorization_code", "code": "x"}, "client": {"secret": 7}},
    ],
)
def test_wrong_types_are_422(api, body):
    response = api.post_json("/oauth/tokens", body, status=422)
    assert set(response.json) == {"id", "message"}
    assert response.json["id"] == "invalid_params"


def test_garbage_authorization_header_is_401(api):
    response = api.get("/account", headers={"Authorization": "Basic %%%"}, status=401)
    assert response.json["id"] == "unauthorized"


def test_bodiless_post_with_content_type_is_fine(api, two_factor_user):
    response = api.post(
        "/users/~/sms-number/actions/recover",
        headers={**basic("bob@example.test", "correct horse battery staple")},
        content_type="application/json",
    )
    assert response.status_int == 201


@pytest.mark.parametrize(
    "raw",
    [
        b'{"grant": {"type": "authorization_code", "code": "x"}, "client": {"secret": "\\ud800"}}',
        b'{"grant": {"type": "authorization_code", "code": "x"}, "client": {"id": "\\udfff"}}',
        b'{"email": "\\ud800@example.test"}',
        b"[" * 3000 + b"]" * 3000,
    ],
)
def test_lone_surrogates_and_deep_nesting_are_400(api, raw):
    for path in ("/oauth/tokens", "/password-resets"):
        response = api.post(path, raw, content_type="application/json", status=400)
        assert response.json["id"] == "bad_request"


def test_surrogate_pairs_are_fine(api):
    raw = b'{"email": "\\ud83d\\ude00@example.test"}'
    assert api.post("/password-resets", raw, content_type="application/json").status_int == 201


@pytest.mark.parametrize("path", ["/users/%FF", "/oauth/clients/%ED%A0%80"])
def test_path_that_is_not_utf8_is_404(api, path):
    response = api.get(path, status=404)
    assert response.json["id"] == "not_found"


def test_range_max_must_be_ascii_digits(api, login, user):
    token = login()["access_token"]["token"]
    response = api.get(
        "/oauth/authorizations",
        headers={**bearer(token), "Range": "id ..; max=\xb2"},
        status=416,
    )
    assert response.json["id"] == "requested_range_not_satisfiable"
