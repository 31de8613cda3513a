"""What the access line and request metrics cost per request (``identity.observe.Observed``).

In-process, no server: the same ``GET /health/live`` through Identity as
``identity.main`` builds it (observed, a JSON access line written to memory)
and through the bare ``IdentityApp``, in interleaved rounds (A first in even
rounds, B in odd ones); prints each side's median time per call and the
median per-round ratio.

    .venv/bin/python -m bench.observe_overhead [--rounds 7] [--calls 5000]
"""

from __future__ import annotations

import argparse
import io
import logging
import statistics
import timeit

from cryptography.fernet import Fernet

import identity
from identity import logs
from identity.app import make_app

KEYS = (
    "cookie_encryption_key",
    "heroku_root_domain_cookie_encryption_key",
    "sealed_code_key",
    "platform_encryption_key",
)


def _values() -> dict:
    return {
        "identity_env": "test",
        "identity_url": "https://identity.test",
        "heroku_api_url": "https://api.test",  # never called: /health/live asks nothing
        "heroku_oauth_id": "bench",
        "heroku_oauth_secret": "bench",
        **{key: Fernet.generate_key().decode() for key in KEYS},
    }


def _caller(app, calls: int):
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/health/live",
        "SERVER_NAME": "identity.test",
        "SERVER_PORT": "443",
        "wsgi.url_scheme": "https",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(),
    }

    def one() -> None:
        list(app(dict(environ), lambda status, headers, exc_info=None: None))

    return lambda: timeit.timeit(one, number=calls) / calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--calls", type=int, default=5000)
    args = parser.parse_args()
    root = logging.getLogger()
    root.addHandler(logging.StreamHandler(io.StringIO()))
    root.setLevel(logging.INFO)
    logs.use_format("json")  # production's lines
    values = _values()
    observed = _caller(identity.main({}, **values), args.calls)
    bare = _caller(make_app({}, values), args.calls)
    times: dict[str, list[float]] = {"observed": [], "bare": []}
    for round_number in range(args.rounds):
        order = ("observed", "bare") if round_number % 2 == 0 else ("bare", "observed")
        for side in order:
            times[side].append((observed if side == "observed" else bare)())
    for side, seconds in times.items():
        print(f"{side}: {statistics.median(seconds) * 1e6:.1f} µs per GET /health/live")
    ratios = [o / b for o, b in zip(times["observed"], times["bare"], strict=True)]
    print(f"observed / bare: {statistics.median(ratios):.2f} (median of {args.rounds} rounds)")


if __name__ == "__main__":
    main()
