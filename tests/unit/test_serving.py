"""Waitress options: the environment wins over [server:main]; bad values are named."""

from __future__ import annotations

import ipaddress

import pytest

from identity.serving import ServerOptionError, TrustedProxies, server_config


def test_environment_overrides_the_ini_and_proxies_are_ours_to_apply():
    config = server_config(
        {"trusted_proxy": "127.0.0.1", "threads": "4", "url_scheme": "https"},
        {"TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.1", "MAX_REQUEST_BODY_SIZE": "1000"},
    )
    assert config.proxies.networks == (
        ipaddress.ip_network("10.0.0.0/8"),
        ipaddress.ip_network("192.0.2.1/32"),
    )
    assert config.waitress["threads"] == 4
    assert config.waitress["url_scheme"] == "https"
    assert config.waitress["max_request_body_size"] == 1000
    # Waitress itself must not clear or read X-Forwarded-*: wrap() does.
    assert "trusted_proxy" not in config.waitress
    assert config.waitress["clear_untrusted_proxy_headers"] is False


def test_defaults_bound_bodies_headers_and_idle_connections():
    options = server_config({}, {}).waitress
    assert options["max_request_body_size"] == 64 * 1024
    assert options["max_request_header_size"] == 32 * 1024
    assert options["channel_timeout"] == 20


@pytest.mark.parametrize(
    ("variable", "value"),
    [("TRUSTED_PROXIES", "not-an-address"), ("TRUSTED_PROXY_COUNT", "0"), ("THREADS", "x")],
)
def test_a_bad_value_names_its_variable(variable, value):
    with pytest.raises(ServerOptionError, match=variable):
        server_config({}, {variable: value})


def test_only_listed_peers_are_trusted():
    proxies = TrustedProxies((ipaddress.ip_network("10.0.0.0/8"),))
    assert proxies.trusts("10.1.2.3")
    assert not proxies.trusts("192.0.2.1")
    assert not proxies.trusts("unix-socket")
