"""The safe-redirect check."""

from __future__ import annotations

import pytest

from identity.views.render import safe_redirect

HOSTS = ("devcenter.heroku.test",)


@pytest.mark.parametrize(
    "url,expected",
    [
        ("https://devcenter.heroku.test/x", "https://devcenter.heroku.test/x"),
        ("http://DEVCENTER.heroku.test/", "http://DEVCENTER.heroku.test/"),
        ("https://devcenter.heroku.test:8443/", None),
        ("https://user@devcenter.heroku.test/", None),
        ("https://devcenter.heroku.test\\@evil/", None),
        ("//devcenter.heroku.test/", None),
        ("https:devcenter.heroku.test", None),
        ("data:text/html,x", None),
        ("https://devcenter.heroku.test/\r\n", None),
        ("https://devcenter.heroku.test/\u2028", None),
        ("", None),
        (None, None),
    ],
)
def test_allow_list(url, expected):
    assert safe_redirect(url, HOSTS) == expected


@pytest.mark.parametrize(
    "url,expected",
    [
        ("/account", "/account"),
        ("//evil.test", None),
        ("/\\evil.test", None),
        ("/a b", None),
    ],
)
def test_local_paths(url, expected):
    assert safe_redirect(url, HOSTS, allow_local=True) == expected
