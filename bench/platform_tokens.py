"""Token endpoint and login throughput of ``identity platform serve``, against a read baseline.

    .venv/bin/python -m bench.platform_tokens [--rounds 5] [--seconds 2] [--clients 2]

Three interleaved A/B comparisons on one server (Waitress, development.ini,
a fresh temporary database): A is ``POST /oauth/tokens`` with a refresh_token
grant, then with an authorization_code grant, then a password login
(``POST /oauth/authorizations``); B is always ``GET /oauth/clients/{id}``.
"""

from __future__ import annotations

from bench import harness, seed


def main() -> None:
    args = harness.options(__doc__.splitlines()[0], rounds=5, seconds=2, clients=2).parse_args()
    with harness.scratch() as (environ, settings), harness.PlatformServer(environ) as server:
        data = seed.seed(settings)
        with harness.new_session() as session:
            tokens = seed.third_party_tokens(session, server.url, data)
        baseline = seed.client_info(server.url, data)
        comparisons = [
            seed.refresh(server.url, data, tokens["refresh_token"]["token"]),
            seed.code_exchange(
                server.url, data, settings, tokens["session"]["id"], args.max_requests
            ),
            seed.password_login(server.url, data),
        ]
        print(f"identity platform serve at {server.url}", flush=True)
        for workload in comparisons:
            print(f"\nA: {workload.name}  vs  B: {baseline.name}", flush=True)
            harness.ab(workload, baseline, args)


if __name__ == "__main__":
    main()
