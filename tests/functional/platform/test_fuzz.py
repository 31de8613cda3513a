"""Property-based fuzzing of every Platform API route: generated path
parameters, query strings, JSON bodies (of the expected shape and garbage),
content types and credentials never get a 5xx or a logged traceback.

Among the credentials tried are a real user's access token and a real
client's secret, so the views' bodies run past authentication.  Profiles as
in ``tests/functional/test_fuzz.py`` (``HYPOTHESIS_PROFILE=deep`` for more).
"""

from __future__ import annotations

import json
import logging
import re
from urllib.parse import quote

import pytest
import webob
from hypothesis import given, settings
from hypothesis import strategies as st

from identity.platform.api.routes import ROUTES, Route
from identity.platform.domain.accounts import create_user
from tests.functional.platform.conftest import CHEAP_HASHER, PASSWORD, basic, login_body
from tests.functional.test_fuzz import header_text

pytestmark = pytest.mark.engines("sqlite")  # the parsing fuzzed is the same on both

#: Body and nested keys the views read, so the fuzzer reaches their checks.
KEYS = [
    "client", "id", "secret", "grant", "type", "code", "refresh_token", "token", "scope",
    "description", "expires_in", "create_session", "create_tokens", "session", "email",
    "password", "new_password", "name", "email_change_token", "password_confirmation",
    "enrollment", "response_type",
]  # fmt: skip
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=2**63 - 2, max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=40),
    st.sampled_from(["", "~", "global", "identity", "read write", "authorization_code",
                     "refresh_token", "urn:ietf:params:oauth:grant-type:device_code"]),
)  # fmt: skip
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
bodies = st.dictionaries(st.sampled_from(KEYS), json_values, max_size=6)


def _path_value(known: list[str]):
    return st.sampled_from(["~", *known]) | st.text(min_size=1, max_size=30)


@st.composite
def requests(draw, route: Route, known: list[str], tokens: list[str], client: dict):
    path = re.sub(
        r"\{\w+\}",
        lambda _: quote(draw(_path_value(known)), safe="~"),
        route.pattern,
    )
    method = route.method
    body = draw(
        bodies.map(lambda b: json.dumps(b).encode())
        | bodies.map(lambda b: json.dumps({**b, "client": {"id": client["id"],
                                                           "secret": client["secret"]}}).encode())
        | json_values.map(lambda v: json.dumps(v).encode())
        | st.binary(max_size=200)
    )  # fmt: skip
    authorization = draw(
        st.sampled_from([None, "Basic Og==", "Basic !!", "Bearer", "Bearer x", "Digest x"])
        | st.sampled_from(tokens).map(lambda t: f"Bearer {t}")
        | st.sampled_from(tokens).map(lambda t: basic("", t)["Authorization"])
        | st.just(basic("fuzz@example.test", PASSWORD)["Authorization"])
        | header_text
    )
    headers = draw(
        st.dictionaries(
            st.sampled_from(["Range", "Accept", "Heroku-Password", "Heroku-Two-Factor-Code",
                             "X-Heroku-Legacy-Ids", "Request-Id", "User-Agent", "X-Forwarded-For"]),
            header_text | st.sampled_from(["id ..", "id ]x..; max=2", "true", PASSWORD]),
            max_size=3,
        )
    )  # fmt: skip
    request = webob.Request.blank(path, method=method)
    request.environ["REMOTE_ADDR"] = "127.0.0.1"
    if method != "GET":
        request.body = body
        request.environ["CONTENT_TYPE"] = draw(
            st.sampled_from(["application/json", "text/plain", "", "application/json; charset=x"])
        )
    if authorization is not None:
        request.environ["HTTP_AUTHORIZATION"] = authorization
    for name, value in headers.items():
        request.environ["HTTP_" + name.upper().replace("-", "_")] = value
    return request


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method} {r.pattern}")
def test_no_route_answers_5xx_or_logs_a_traceback(route, api, identity_client, third_party, caplog):
    """One test per route of the table, so a new route is fuzzed without a change here."""
    app = api.app
    create_user(
        app.database, app.services.settings, "fuzz@example.test", password=PASSWORD,
        hasher=CHEAP_HASHER,
    )  # fmt: skip
    created = api.post_json(
        "/oauth/authorizations",
        login_body(identity_client["id"]),
        headers=basic("fuzz@example.test", PASSWORD),
    ).json
    tokens = [created["access_token"]["token"], created["refresh_token"]["token"]]
    known = [created["id"], created["session"]["id"], identity_client["id"], third_party["id"],
             created["user"]["id"], "fuzz@example.test"]  # fmt: skip

    @settings(max_examples=max(10, settings().max_examples // 3))
    @given(request=requests(route, known, tokens, identity_client))
    def check(request):
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            response = request.get_response(app)
        described = (
            f"{request.method} {request.path_qs} {request.body[:300]!r} -> {response.status}"
        )
        assert response.status_int < 500, described + "\n" + caplog.text
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
        assert not errors, described + "\n" + caplog.text

    check()
