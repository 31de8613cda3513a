"""Property-based fuzzing of every route: generated paths, parameters, bodies,
headers and cookies never get a 5xx or a logged traceback.

Identity runs in front of its embedded Platform API (nothing mocked), with a
real user, a real client and a logged-in session among the cookies tried.
The ``ci`` profile keeps the suite fast; ``HYPOTHESIS_PROFILE=deep`` runs
many more examples locally.
"""

from __future__ import annotations

import logging
import os
import re
from urllib.parse import quote, urlencode

import pytest
import webob
import webtest
from cryptography.fernet import Fernet
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from identity.routes import EXTENSION_ROUTES, ROUTES
from tests.conftest import ISSUER, PASSWORD, SIGNING_KEY, World

settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "deep",
    max_examples=3000,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ALL_ROUTES = ROUTES + EXTENSION_ROUTES
METHODS = ("GET", "POST", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS")
#: Parameter names the views read, so the fuzzer gets past "missing parameter".
NAMES = [
    "email",
    "password",
    "code",
    "csrf_token",
    "client_id",
    "client_secret",
    "redirect_uri",
    "response_type",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
    "grant_type",
    "refresh_token",
    "token",
    "token_type_hint",
    "prompt",
    "url",
    "authorize",
    "user_code",
    "device_code",
    "id",
    "password_confirmation",
    "receive_newsletter",
    "jwt",
    "p",
    "from",
]
CONTENT_TYPES = (
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=iso-8859-1",
    "application/x-www-form-urlencoded; charset=utf-16",
    "multipart/form-data",
    "multipart/form-data; boundary=x",
    "application/json",
    "text/plain",
    "",
)

# Header values as a client can send them: printable latin-1, no CR/LF.
header_text = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0xFF, blacklist_characters="\x7f"),
    max_size=80,
)
values = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["", "code", "S256", "plain", "Allow", "Deny", "authorization_code"]),
    st.sampled_from(["https://client.test/callback", "http://127.0.0.1:9/cb", "javascript:x"]),
)
params = st.lists(st.tuples(st.sampled_from(NAMES) | st.text(max_size=10), values), max_size=8)


@pytest.fixture(scope="module", params=["test", "production"])
def fuzz_world(request, tmp_path_factory):
    """Identity as tests and as production run it (``__Host-`` cookie, HSTS)."""
    folder = tmp_path_factory.mktemp("fuzz")
    keys = {
        name: Fernet.generate_key().decode()
        for name in (
            "cookie_encryption_key",
            "heroku_root_domain_cookie_encryption_key",
            "sealed_code_key",
            "platform_encryption_key",
        )
    }
    world = World(
        {
            "identity_env": request.param,
            "identity_url": ISSUER,
            "heroku_cookie_domain": ".heroku.test",
            "database_url": str(folder / "identity.sqlite3"),
            "outbox_dir": str(folder / "outbox"),
            "id_token_signing_keys": SIGNING_KEY,
            **keys,
        }
    )
    world.user("fuzz@example.com", PASSWORD)
    world.client()
    # Over https, as production's Secure cookie needs.
    browser = webtest.TestApp(
        world.wsgi, extra_environ={"wsgi.url_scheme": "https", "HTTP_HOST": "identity.test"}
    )
    answer = world.log_in(browser, "fuzz@example.com")
    world.logged_in_cookie = next(
        c.split(";")[0] for c in answer.headers.getall("Set-Cookie") if "identity-session=" in c
    )
    home = webob.Request.blank("/", base_url=ISSUER)
    home.environ["HTTP_COOKIE"] = world.logged_in_cookie
    assert "/login" not in (home.get_response(world.wsgi).location or ""), "not logged in"
    # The session's CSRF token, so that generated form posts reach the views behind it.
    account = webob.Request.blank("/account/password", base_url=ISSUER)
    account.environ["HTTP_COOKIE"] = world.logged_in_cookie
    world.csrf_token = CSRF_FIELD.search(account.get_response(world.wsgi).text).group(1)
    yield world
    world.close()


CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


@st.composite
def requests(draw, logged_in_cookie: str, csrf_token: str):
    route = draw(st.sampled_from(ALL_ROUTES))
    path = re.sub(
        r"\{\w+\}", lambda _: quote(draw(st.text(min_size=1, max_size=30)), safe=""), route.path
    )
    method = draw(st.sampled_from(sorted(route.views)) | st.sampled_from(METHODS))
    query = urlencode(draw(params))
    content_type = draw(st.sampled_from(CONTENT_TYPES))
    # A form with the session's real CSRF token (and same-origin headers, below) gets
    # past the CSRF check with the logged-in cookie, so the views' own parsing is hit.
    form = params.map(lambda p: [("csrf_token", csrf_token), *p])
    body = draw(
        st.one_of(st.binary(max_size=300), (params | form).map(lambda p: urlencode(p).encode()))
    )
    headers = draw(
        st.dictionaries(
            st.sampled_from(
                [
                    "Origin",
                    "Sec-Fetch-Site",
                    "Authorization",
                    "Accept",
                    "X-Forwarded-For",
                    "Request-Id",
                    "Range",
                    "Referer",
                ]
            ),
            header_text
            | st.sampled_from(["Basic Og==", "Basic !!", "Bearer x", ISSUER, "same-origin"]),
            max_size=4,
        )
    )
    cookie = draw(
        st.sampled_from(["", logged_in_cookie, "identity-session=x", "__Host-identity-session=x"])
        | header_text.map(lambda v: f"identity-session={v}")
    )
    request = webob.Request.blank(
        path + (f"?{query}" if query else ""), method=method, base_url=ISSUER
    )
    if method not in ("GET", "HEAD"):
        request.body = body
        request.environ["CONTENT_TYPE"] = content_type
    for name, value in headers.items():
        request.environ["HTTP_" + name.upper().replace("-", "_")] = value
    if cookie:
        request.environ["HTTP_COOKIE"] = cookie
    return request


def test_no_route_answers_5xx_or_logs_a_traceback(fuzz_world, caplog):
    @given(request=requests(fuzz_world.logged_in_cookie, fuzz_world.csrf_token))
    def check(request):
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            response = request.get_response(fuzz_world.wsgi)
        described = f"{request.method} {request.path_qs} -> {response.status}"
        assert response.status_int < 500, described
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
        assert not errors, described + "\n" + "\n".join(r.getMessage() for r in errors)

    check()
