"""The in-process transport against a loopback socket: time per call to the embedded API.

    .venv/bin/python -m bench.transport [--rounds 5] [--seconds 2] [--clients 1]

A is Identity's way to reach the embedded API: a ``requests.Session`` with
``identity.transport.WSGIAdapter`` mounted by ``identity.embedded.in_process``
(and, as there, no proxy lookups), calling the app in this process.
B is the same call over a keep-alive loopback connection to ``identity
platform serve`` (Waitress) on the same database.  Two calls are compared:
``GET /oauth/clients/{id}`` and ``POST /oauth/tokens`` (refresh_token).  With
one client the time per call is 1 / rate, so time(A) / time(B) = 1 / (A/B).
"""

from __future__ import annotations

import dataclasses

from bench import harness, seed
from identity import platform
from identity.embedded import EMBEDDED_BASE_URL, in_process


def main() -> None:
    args = harness.options(__doc__.splitlines()[0], rounds=5, seconds=2, clients=1).parse_args()
    with harness.scratch() as (environ, settings), harness.PlatformServer(environ) as server:
        data = seed.seed(settings)
        with harness.new_session() as session:
            refresh_token = seed.third_party_tokens(session, server.url, data)["refresh_token"]
        app = platform.make_app(settings)
        mount = in_process(app)  # exactly how Identity mounts the embedded API
        try:
            for make in (
                lambda url: seed.client_info(url, data),
                lambda url: seed.refresh(url, data, refresh_token["token"]),
            ):
                local = dataclasses.replace(make(EMBEDDED_BASE_URL), name="in-process")
                loopback = dataclasses.replace(make(server.url), name="loopback Waitress")
                print(f"\n{make(server.url).name}: A in-process  vs  B loopback", flush=True)
                result = harness.ab(local, loopback, args, mount_a=mount)
                print(
                    f"time per call: A {1000 / result['a']:.3f} ms, B {1000 / result['b']:.3f} ms;"
                    f" A/B time ratio {1 / result['ratio']:.3f}",
                    flush=True,
                )
        finally:
            app.close()


if __name__ == "__main__":
    main()
