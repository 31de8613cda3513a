"""Waitress options for both servers, from the config's ``[server:main]`` and the environment.

A platform sets config vars, not files, so every option below has an
environment variable that wins over the ini value.  Two jobs sit here:

* **Hostile clients**: request body and header limits (Waitress answers 413
  and 431), idle-connection timeouts and a connection cap.  What Waitress
  cannot do, refusing a client that trickles a header line every few seconds
  (slowloris), needs a buffering proxy in front (docs/security.md).
* **Client addresses**: which peers are trusted proxies, and how their
  ``X-Forwarded-*`` headers are read.  Waitress trusts one address or all;
  here a list of addresses and networks picks the peers, and Waitress's own
  header parsing does the rest.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from collections.abc import Callable, Mapping
from typing import Any

from waitress.proxy_headers import proxy_headers_middleware


class ServerOptionError(ValueError):
    """A server option is malformed; the message names its environment variable."""


def _networks(value: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    try:
        return tuple(
            ipaddress.ip_network(item.strip(), strict=False)
            for item in value.replace(",", " ").split()
        )
    except ValueError as exc:
        raise ValueError(f"expected IP addresses or networks: {exc}") from None


def _headers(value: str) -> frozenset[str]:
    return frozenset(item.strip().lower() for item in value.replace(",", " ").split())


def _count(value: str) -> int:
    number = int(value)
    if number <= 0:
        raise ValueError(f"expected a positive whole number, got {value!r}")
    return number


@dataclasses.dataclass(frozen=True)
class ServerOption:
    env: str
    converter: Callable[[str], Any]
    default: Any
    help: str


# [server:main] key (Waitress's name) -> option.  The environment variable wins.
SERVER_OPTIONS: dict[str, ServerOption] = {
    "threads": ServerOption("THREADS", _count, 8, "Waitress worker threads"),
    "trusted_proxy": ServerOption(
        "TRUSTED_PROXIES",
        _networks,
        (),
        "addresses or networks of the proxies (routers, load balancers) in front of this server",
    ),
    "trusted_proxy_count": ServerOption(
        "TRUSTED_PROXY_COUNT", _count, 1, "how many trusted proxies each request passes through"
    ),
    "trusted_proxy_headers": ServerOption(
        "TRUSTED_PROXY_HEADERS",
        _headers,
        frozenset({"x-forwarded-for", "x-forwarded-proto"}),
        "X-Forwarded-* headers believed from a trusted proxy",
    ),
    # Identity's largest honest body is a form or a token request of a few KB.
    "max_request_body_size": ServerOption(
        "MAX_REQUEST_BODY_SIZE", _count, 64 * 1024, "bytes of request body; more is a 413"
    ),
    # Room for the 4 KB session cookie, the sibling-site cookies and a long URL.
    "max_request_header_size": ServerOption(
        "MAX_REQUEST_HEADER_SIZE", _count, 32 * 1024, "bytes of request line and headers; 431"
    ),
    "channel_timeout": ServerOption(
        "CHANNEL_TIMEOUT", _count, 20, "seconds a connection may send nothing before it is closed"
    ),
    "cleanup_interval": ServerOption(
        "CLEANUP_INTERVAL", _count, 5, "seconds between checks for idle connections"
    ),
    "connection_limit": ServerOption(
        "CONNECTION_LIMIT", _count, 500, "open connections; beyond it new ones wait"
    ),
}

#: Options that are ours to apply, not Waitress's (see ``wrap``).
PROXY_OPTIONS = ("trusted_proxy", "trusted_proxy_count", "trusted_proxy_headers")


@dataclasses.dataclass(frozen=True)
class TrustedProxies:
    """The peers whose ``X-Forwarded-*`` headers are believed."""

    networks: tuple = ()
    count: int = 1
    headers: frozenset[str] = frozenset()

    def trusts(self, peer: str | None) -> bool:
        try:
            address = ipaddress.ip_address(peer or "")
        except ValueError:
            return False
        return any(address in network for network in self.networks)


@dataclasses.dataclass(frozen=True)
class ServerConfig:
    """What ``waitress.serve`` is given, and the proxies that ``wrap`` applies."""

    waitress: Mapping[str, Any]
    proxies: TrustedProxies


def server_config(ini: Mapping[str, str], environ: Mapping[str, str]) -> ServerConfig:
    """*ini* (``[server:main]`` without use/host/port) overridden by *environ*."""
    options: dict[str, Any] = {}
    for name, value in ini.items():
        if name not in SERVER_OPTIONS:
            options[name] = value  # any other Waitress option, as written
    for name, option in SERVER_OPTIONS.items():
        raw = environ.get(option.env, ini.get(name))
        try:
            options[name] = option.default if raw is None else option.converter(str(raw))
        except ValueError as exc:
            raise ServerOptionError(f"{option.env}: {exc}") from None
    proxies = TrustedProxies(*(options.pop(name) for name in PROXY_OPTIONS))
    # Waitress must leave X-Forwarded-* alone: ``wrap`` decides who is believed.
    options["clear_untrusted_proxy_headers"] = False
    return ServerConfig(options, proxies)


def wrap(app, proxies: TrustedProxies, *, platform: bool = False):
    """*app* behind the trusted-proxy rules: Identity's, or the Platform API's."""
    if platform:
        return _peel_trusted_hops(app, proxies)
    believed = proxy_headers_middleware(
        app,
        trusted_proxy="*",
        trusted_proxy_count=proxies.count,
        trusted_proxy_headers=set(proxies.headers),
        clear_untrusted=True,
    )
    # A peer that is no proxy of ours: its X-Forwarded-* are forged, dropped.
    disbelieved = proxy_headers_middleware(app, trusted_proxy=None, clear_untrusted=True)

    def identity_app(environ, start_response):
        trusted = proxies.trusts(environ.get("REMOTE_ADDR"))
        return (believed if trusted else disbelieved)(environ, start_response)

    return identity_app


def _peel_trusted_hops(app, proxies: TrustedProxies):
    """The Platform API behind routers: drop the routers' hops, keep the rest.

    The API believes the last ``X-Forwarded-For`` entry only from its own
    ``PLATFORM_TRUSTED_PROXIES`` (Identity).  A router between Identity and
    the API appends Identity's address: taking that entry as the peer and
    keeping the entries before it lets the API make its own judgement, as
    if Identity had connected directly.  Waitress's own parsing keeps only
    the peeled entries, which would lose the person's address.
    """

    def platform_app(environ, start_response):
        if proxies.trusts(environ.get("REMOTE_ADDR")):
            raw = environ.get("HTTP_X_FORWARDED_FOR", "")
            hops = [hop.strip() for hop in raw.split(",") if hop.strip()]
            if hops:
                peeled = min(proxies.count, len(hops))
                environ["REMOTE_ADDR"] = hops[-peeled]
                earlier = hops[:-peeled]
                if earlier:
                    environ["HTTP_X_FORWARDED_FOR"] = ", ".join(earlier)
                else:
                    del environ["HTTP_X_FORWARDED_FOR"]
        return app(environ, start_response)

    return platform_app
