"""Throughput of Identity itself (``identity serve``), each endpoint against ``GET /health``.

    .venv/bin/python -m bench.identity_endpoints [--rounds 5] [--seconds 1.5] [--clients 2]

One ``identity serve development.ini`` (Waitress, the embedded Platform API
in-process, a fresh temporary database, ``IDENTITY_ENV=test``).  Three
interleaved A/B comparisons on it, B always ``GET /health`` (no template, no
session, no API call):

- ``GET /login`` as a new visitor: the template and a new session cookie;
- ``POST /oauth/token``, refresh_token grant of a confidential client: Identity
  and oauthlib, then the in-process API's ``POST /oauth/tokens``;
- ``POST /oauth/token``, authorization_code grant: codes are minted between
  runs, untimed, the way a browser gets them (log in through ``/login``, then
  ``GET /oauth/authorize`` of a trusted client redirects with ``code=``).

Then the cost of Identity's proxy layer: A is Identity's ``POST /oauth/token``
refresh again, B the Platform API's own ``POST /oauth/tokens`` refresh with the
same token, served alone by ``identity platform serve`` on the same database.
"""

from __future__ import annotations

import math
import re
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs, urlencode, urlsplit

import requests

from bench import harness, seed
from bench.harness import Exhausted, Workload, expect

#: Identity's clients are browsers and OAuth clients: requests' default headers.
PLAIN: dict[str, str] = {}
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def log_in(session: requests.Session, base_url: str) -> None:
    """Log in through the form, as a browser does: GET /login, POST it with its CSRF token."""
    form = expect(session.get(f"{base_url}/login"), 200)
    fields = {
        "email": seed.EMAIL,
        "password": seed.PASSWORD,
        "csrf_token": CSRF_FIELD.search(form.text).group(1),
    }
    answer = expect(session.post(f"{base_url}/login", data=fields, allow_redirects=False), 303)
    if urlsplit(answer.headers["Location"]).path.startswith("/login"):
        raise AssertionError(f"login refused: back to {answer.headers['Location']}")


def authorize(session: requests.Session, base_url: str, data: seed.Seed) -> str:
    """A grant code from ``GET /oauth/authorize`` of the trusted client (no consent page)."""
    client = data.third_party
    query = urlencode(
        {
            "response_type": "code",
            "client_id": client["id"],
            "redirect_uri": client["redirect_uri"],
            "state": "bench",
        }
    )
    answer = session.get(f"{base_url}/oauth/authorize?{query}", allow_redirects=False)
    location = expect(answer, 302).headers["Location"]
    code = parse_qs(urlsplit(location).query).get("code")
    if not location.startswith(client["redirect_uri"]) or not code:
        raise AssertionError(f"authorize did not redirect with a code: {location}")
    return code[0]


def token(session: requests.Session, base_url: str, data: seed.Seed, **form: str) -> dict:
    """``POST /oauth/token``, form-encoded, the client's id and secret as HTTP Basic."""
    client = data.third_party
    answer = session.post(
        f"{base_url}/oauth/token", data=form, auth=(client["id"], client["secret"])
    )
    return expect(answer, 200).json()


def health(base_url: str) -> Workload:
    """The baseline: ``GET /health``, Identity's cheapest page."""
    url = f"{base_url}/health"
    return Workload("GET /health", lambda session: expect(session.get(url), 200), headers=PLAIN)


def login_form(base_url: str) -> Workload:
    """``GET /login`` without a cookie: render the form, make and encrypt a session."""
    url = f"{base_url}/login"

    def call(session: requests.Session) -> None:
        session.cookies.clear()
        if "Set-Cookie" not in expect(session.get(url), 200).headers:
            raise AssertionError("GET /login set no session cookie")

    return Workload("GET /login (new visitor)", call, headers=PLAIN)


def refresh(base_url: str, data: seed.Seed, refresh_token: str) -> Workload:
    """``POST /oauth/token`` with a refresh_token grant (a confidential client's: no rotation)."""
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    return Workload(
        "POST /oauth/token (refresh_token)",
        lambda session: token(session, base_url, data, **form),
        headers=PLAIN,
    )


def code_exchange(
    base_url: str, data: seed.Seed, browsers: list[requests.Session], *, first: int, cap: int
) -> Workload:
    """``POST /oauth/token`` with an authorization_code grant.

    Before each run, the logged-in *browsers* mint codes through
    ``/oauth/authorize`` (one thread each), untimed: *first* codes for the
    first run, then half again what the last run used (twice as many if it
    ran out, which ends a run early), at most *cap*.  Unused codes carry over.
    """
    codes: deque[str] = deque()
    state = {"target": min(first, cap), "stock": 0}

    def mint_batch(browser: requests.Session, count: int) -> list[str]:
        return [authorize(browser, base_url, data) for _ in range(count)]

    def mint() -> None:
        if state["stock"]:
            used = state["stock"] - len(codes)
            if not codes:
                print("  (the codes ran out, ending that run early; minting more)", flush=True)
            wanted = 2 * state["target"] if not codes else math.ceil(used * 1.5)
            state["target"] = max(1, min(cap, wanted))
        missing = max(0, state["target"] - len(codes))
        shares = [
            missing // len(browsers) + (index < missing % len(browsers))
            for index in range(len(browsers))
        ]
        with ThreadPoolExecutor(len(browsers)) as pool:
            for batch in pool.map(mint_batch, browsers, shares):
                codes.extend(batch)
        state["stock"] = len(codes)

    redirect_uri = data.third_party["redirect_uri"]

    def call(session: requests.Session) -> None:
        try:
            code = codes.popleft()
        except IndexError:
            raise Exhausted from None
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
        token(session, base_url, data, **form)

    return Workload("POST /oauth/token (authorization_code)", call, before_run=mint, headers=PLAIN)


def main() -> None:
    args = harness.options(__doc__.splitlines()[0], rounds=5, seconds=1.5, clients=2).parse_args()
    with harness.scratch() as (environ, settings):
        data = seed.seed(settings, trusted=True)
        with harness.IdentityServer(environ) as identity:
            print(f"identity serve at {identity.url}", flush=True)
            browsers = [harness.new_session(headers=PLAIN) for _ in range(args.clients)]
            for browser in browsers:
                log_in(browser, identity.url)
            code = authorize(browsers[0], identity.url, data)
            with harness.new_session(headers=PLAIN) as session:
                form = {
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": data.third_party["redirect_uri"],
                }
                refresh_token = token(session, identity.url, data, **form)["refresh_token"]
            baseline = health(identity.url)
            identity_refresh = refresh(identity.url, data, refresh_token)
            results = {}
            for workload in (login_form(identity.url), identity_refresh):
                print(f"\nA: {workload.name}  vs  B: {baseline.name}", flush=True)
                results[workload.name] = harness.ab(workload, baseline, args)
            exchange = code_exchange(
                identity.url,
                data,
                browsers,
                # Sized by the refresh just measured, which costs about the same.
                first=math.ceil(results[identity_refresh.name]["a"] * args.seconds * 1.5),
                cap=args.max_requests,
            )
            print(f"\nA: {exchange.name}  vs  B: {baseline.name}", flush=True)
            harness.ab(exchange, baseline, args)
            for browser in browsers:
                browser.close()

            with harness.PlatformServer(environ) as alone:
                print(
                    f"\nA: Identity {identity_refresh.name}  vs"
                    f"  B: platform alone at {alone.url}, POST /oauth/tokens (refresh_token)",
                    flush=True,
                )
                direct = seed.refresh(alone.url, data, refresh_token)
                result = harness.ab(identity_refresh, direct, args)
                print(
                    f"time per call (Little's law, {args.clients} clients / rate):"
                    f" A {1000 * args.clients / result['a']:.2f} ms,"
                    f" B {1000 * args.clients / result['b']:.2f} ms",
                    flush=True,
                )


if __name__ == "__main__":
    main()
