"""Redirect URI matching and request parameter reading."""

from __future__ import annotations

import pytest

from identity.oauth.params import AuthorizeRequest, form_params
from identity.oauth.redirects import redirect_uri_matches
from identity.oauth.scopes import describe, normalize


@pytest.mark.parametrize(
    "registered,given,public,ok",
    [
        ("https://c/cb", "https://c/cb", False, True),
        ("https://c/cb", "https://c/cb/", False, False),
        ("https://c/cb", "https://C/cb", False, False),
        ("https://c/cb", "https://c/cb?x=1", False, False),
        ("http://127.0.0.1/cb", "http://127.0.0.1:5000/cb", True, True),
        ("http://127.0.0.1/cb", "http://127.0.0.1:5000/cb", False, False),
        ("http://[::1]:80/cb", "http://[::1]:4000/cb", True, True),
        ("http://127.0.0.1/cb", "http://127.0.0.1:99999/cb", True, False),
        ("http://127.0.0.1/cb", "http://127.0.0.1:5000/cb?x", True, False),
        ("http://127.0.0.1/cb", "http://[::1]:5000/cb", True, False),
        ("http://localhost/cb", "http://localhost:5000/cb", True, False),
        ("", "", False, False),
    ],
)
def test_redirect_uri_matches(registered, given, public, ok):
    assert redirect_uri_matches(registered, given, public) is ok


def test_form_params_drop_empties_and_report_duplicates():
    params, duplicates = form_params([("a", "1"), ("b", ""), ("a", "2"), ("c", "3"), ("b", "")])
    assert params == {"a": "1", "c": "3"} and duplicates == ["a"]


def test_authorize_request_normalises_scope_and_drops_ambiguous_state():
    auth = AuthorizeRequest.parse(
        [
            ("scope", "write, read read"),
            ("state", "1"),
            ("state", "2"),
            ("prompt", "login"),
            ("x", "y"),
        ]
    )
    assert auth.params == {"scope": "read write"}
    assert auth.duplicates == ("state",) and auth.prompts == {"login"}
    assert "prompt" not in auth.replay_query and "x=" not in auth.replay_query


def test_a_replay_after_login_keeps_every_prompt_but_login():
    auth = AuthorizeRequest.parse([("prompt", "login consent"), ("nonce", "n-1")])
    assert auth.prompts == {"login", "consent"}
    assert auth.params == {"prompt": "consent", "nonce": "n-1"}
    assert auth.replay_query == "prompt=consent&nonce=n-1"


def test_scopes():
    assert normalize(" b,a  a ") == ("a", "b") and normalize(None) == ()
    assert describe("nope") == "Unknown scope"
