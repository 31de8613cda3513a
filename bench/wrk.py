"""Identity's throughput against a bare Waitress + WebOb "hello", driven by wrk.

    .venv/bin/python -m bench.wrk [--database sqlite|postgresql] [--rounds N] [--seconds S]

Separate processes, all pinned to core 0 (``taskset``), wrk pinned to core 1:
the baseline (``bench.hello``: Waitress, 8 threads, one process), ``identity
serve`` (the embedded API in-process) on a fresh temporary database, and
``identity platform serve`` alone on the same database.  Each row is measured
in interleaved rounds, baseline and target alternating, the order flipped
every round; the table gives the median and range of the per-round ratios.
On ``--database postgresql`` a throwaway cluster is made as the tests make
theirs (``tests.postgres``), with durable commits switched back on.

Rows: ``GET /login`` for a new visitor; ``POST /oauth/token`` refresh and code
exchange (codes minted through ``/oauth/authorize`` beforehand, untimed, read
one per request by wrk's Lua script); the same refresh at the Platform API
alone and Identity's cost on top of it; ``POST /login`` against the pure
Argon2id verify rate on the same core; peak RSS growth from 20k to 100k
requests; cold start to the first 200.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import pathlib
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import requests

from bench import harness, seed
from bench.harness import expect

SERVER_CPU, WRK_CPU = "0", "1"
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def ensure_wrk() -> str:
    """wrk's path, installing Debian's package first when it is missing."""
    if shutil.which("wrk") is None:
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True)
    return shutil.which("wrk")


class Pinned:
    """A ``harness.Server`` whose command runs on the servers' core."""

    def command(self) -> list[str]:
        return ["taskset", "-c", SERVER_CPU, *super().command()]


class Hello(harness.Server):
    name = "hello"

    def command(self) -> list[str]:
        return ["taskset", "-c", SERVER_CPU, sys.executable, "-m", "bench.hello", str(self.port)]


class Identity(Pinned, harness.IdentityServer):
    pass


class Platform(Pinned, harness.PlatformServer):
    pass


# -- wrk ----------------------------------------------------------------------


def lua_request(method: str, headers: dict[str, str], body: str = "") -> str:
    """A wrk script sending one fixed request."""
    lines = [f"wrk.method = {json.dumps(method)}", f"wrk.body = {json.dumps(body)}"]
    lines += [f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items()]
    return "\n".join(lines) + "\n"


def lua_codes(path: pathlib.Path, headers: dict[str, str], redirect_uri: str) -> str:
    """A wrk script posting one code of *path* per request (a spent code once they run out)."""
    return lua_request("POST", headers) + (
        f"local codes = {{}}\nfor line in io.lines({json.dumps(str(path))}) do"
        " codes[#codes + 1] = line end\nlocal next_code = 0\n"
        "request = function()\n  next_code = next_code + 1\n"
        f"  return wrk.format(nil, nil, nil, 'grant_type=authorization_code&redirect_uri="
        f"{quote(redirect_uri, safe='')}&code=' .. (codes[next_code] or 'spent'))\nend\n"
    )


class Wrk:
    def __init__(self, binary: str, folder: pathlib.Path, args) -> None:
        self.binary, self.folder, self.args = binary, folder, args
        self.scripts = 0

    def script(self, text: str) -> pathlib.Path:
        self.scripts += 1
        path = self.folder / f"script{self.scripts}.lua"
        path.write_text(text)
        return path

    def run(self, url: str, script: pathlib.Path | None = None, seconds: float | None = None):
        """(requests/s, requests) of one run; raises on socket errors or non-2xx/3xx answers."""
        seconds = self.args.seconds if seconds is None else seconds
        command = ["taskset", "-c", WRK_CPU, self.binary, "-t1", f"-c{self.args.connections}"]
        command += [f"-d{seconds:g}s", "--timeout", "10s"]
        if script is not None:
            command += ["-s", str(script)]
        out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
        bad = re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)", out)
        if bad:
            raise RuntimeError(f"wrk {url}: {bad.group(0)}\n{out}")
        rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
        return rate, int(re.search(r"(\d+) requests in", out).group(1))


# -- Identity's clients, set up untimed ---------------------------------------


def basic(user: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{secret}".encode()).decode()


def log_in(session: requests.Session, base_url: str) -> None:
    """Log in through the form, as a browser does: GET /login, POST it with its CSRF token."""
    form = expect(session.get(f"{base_url}/login"), 200)
    fields = {"email": seed.EMAIL, "password": seed.PASSWORD}
    fields["csrf_token"] = CSRF_FIELD.search(form.text).group(1)
    answer = expect(session.post(f"{base_url}/login", data=fields, allow_redirects=False), 303)
    if urlsplit(answer.headers["Location"]).path.startswith("/login"):
        raise AssertionError(f"login refused: back to {answer.headers['Location']}")


def authorize(session: requests.Session, base_url: str, data: seed.Seed) -> str:
    """A grant code from ``GET /oauth/authorize`` of the trusted client (no consent page)."""
    client = data.third_party
    query = urlencode(
        {"response_type": "code", "client_id": client["id"], "redirect_uri": client["redirect_uri"]}
    )
    answer = session.get(f"{base_url}/oauth/authorize?{query}", allow_redirects=False)
    location = expect(answer, 302).headers["Location"]
    return parse_qs(urlsplit(location).query)["code"][0]


def mint(browsers: list[requests.Session], base_url: str, data: seed.Seed, count: int) -> list:
    share = -(-count // len(browsers))
    with ThreadPoolExecutor(len(browsers)) as pool:
        batches = pool.map(
            lambda browser: [authorize(browser, base_url, data) for _ in range(share)], browsers
        )
        return [code for batch in batches for code in batch]


def argon2_rate(seconds: float) -> float:
    """Verifies per second of the account's Argon2id hash, one process on the servers' core."""
    code = (
        "import time; from identity.platform.domain.passwords import DEFAULT_HASHER as h\n"
        f"p = {seed.PASSWORD!r}; digest = h.hash(p); n = 0; end = time.perf_counter() + {seconds}\n"
        "start = time.perf_counter()\n"
        "while time.perf_counter() < end: assert h.verify(p, digest); n += 1\n"
        "print(n / (time.perf_counter() - start))"
    )
    command = ["taskset", "-c", SERVER_CPU, sys.executable, "-c", code]
    return float(subprocess.run(command, capture_output=True, text=True, check=True).stdout)


# -- rows ---------------------------------------------------------------------


class Table:
    """The rows: a ratio A/B of per-round rates (median, range), or a plain value."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, ...]] = []

    def ratios(self, name: str, a: list[float], b: list[float], target: str) -> None:
        ratios = [x / y for x, y in zip(a, b, strict=True)]
        median = statistics.median(ratios)
        cell = f"**{median:.2f}x** ({min(ratios):.2f}-{max(ratios):.2f})"
        rates = f"{statistics.median(a):.0f} / {statistics.median(b):.0f}"
        self.value(name, cell, target, rates)

    def value(self, name: str, text: str, target: str, rates: str = "") -> None:
        self.rows.append((name, text, rates, target))
        print(f"  {name}: {text} {rates}", flush=True)

    def markdown(self) -> str:
        lines = ["| row | median (range) | A / B median req/s | target |", "|---|---|---|---|"]
        return "\n".join([*lines, *("| " + " | ".join(row) + " |" for row in self.rows)])


def interleave(rounds: int, baseline, target) -> tuple[list[float], list[float]]:
    """Per-round (target, baseline) rates; baseline first in even rounds."""
    ours, theirs = [], []
    for index in range(rounds):
        pair = (baseline, target) if index % 2 == 0 else (target, baseline)
        rates = [side() for side in pair]
        b, t = rates if index % 2 == 0 else rates[::-1]
        ours.append(t)
        theirs.append(b)
    return ours, theirs


def peak_rss_kib(pid: int) -> int:
    status = pathlib.Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+)", status).group(1))


def cold_start(environ: dict[str, str], folder: pathlib.Path) -> float:
    """Seconds from starting ``identity serve`` on a fresh database to its first 200."""
    server = Identity(environ)
    server.log = folder / "cold.log"
    start = time.perf_counter()
    with server.log.open("wb") as log:
        process = subprocess.Popen(
            server.command(), env=server.child_environ(), cwd=harness.ROOT, stdout=log, stderr=log
        )
    try:
        while process.poll() is None:
            with contextlib.suppress(requests.ConnectionError):
                if requests.get(f"{server.url}/health", timeout=5).status_code == 200:
                    return time.perf_counter() - start
            time.sleep(0.01)
        raise RuntimeError(f"identity serve exited; see {server.log}")
    finally:
        process.terminate()
        process.wait()


# -- databases ----------------------------------------------------------------


@contextlib.contextmanager
def databases(engine: str) -> Iterator:
    """A function giving a new, empty DATABASE_URL per call (None: SQLite, the harness's)."""
    if engine == "sqlite":
        yield lambda: None
        return
    from tests.postgres import PostgresServer, TemporaryCluster, _server_binaries

    bin_dir, reason = _server_binaries()
    if bin_dir is None:
        raise SystemExit(f"no PostgreSQL server: {reason}")
    cluster = TemporaryCluster(bin_dir)
    cluster.start()
    server = PostgresServer(cluster.url)
    try:
        # The test cluster runs without fsync; a benchmark of durable commits needs it.
        for setting in ("fsync = on", "synchronous_commit = on", "full_page_writes = on"):
            server._admin(f"ALTER SYSTEM SET {setting}")
        server._admin("SELECT pg_reload_conf()")
        with contextlib.ExitStack() as stack:
            yield lambda: stack.enter_context(server.database())
    finally:
        server.close()
        cluster.remove()


@contextlib.contextmanager
def scratch(new_database) -> Iterator[tuple[dict[str, str], object, pathlib.Path]]:
    with harness.scratch() as (environ, _settings):
        url = new_database()
        if url is not None:
            environ["DATABASE_URL"] = url
        yield environ, harness.settings_for(environ), pathlib.Path(environ["OUTBOX_DIR"]).parent


# -- main ---------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=2, help="one wrk run (default 2)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (8)")
    parser.add_argument("--rss-requests", type=int, default=100_000)
    args = parser.parse_args()
    binary = ensure_wrk()
    table = Table()
    with databases(args.database) as new_database:
        with scratch(new_database) as (environ, settings, folder):
            measure_rows(table, Wrk(binary, folder, args), environ, settings, args)
        with scratch(new_database) as (environ, settings, folder):
            seed.seed(settings, trusted=True)
            rss_row(table, Wrk(binary, folder, args), environ, args.rss_requests)
        starts = []
        for _ in range(3):
            with scratch(new_database) as (environ, _settings, folder):
                starts.append(cold_start(environ, folder))
        table.value(
            "cold start of `identity serve` to first 200 (fresh database)",
            f"**{statistics.median(starts):.2f} s** ({min(starts):.2f}-{max(starts):.2f})",
            "< 1.5 s",
        )
    print(f"\n{args.database}, {args.rounds} rounds x {args.seconds:g} s,"
          f" wrk -t1 -c{args.connections}\n")  # fmt: skip
    print(table.markdown())


def measure_rows(table: Table, wrk: Wrk, environ, settings, args) -> None:
    data = seed.seed(settings, trusted=True)
    client = data.third_party
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    with Hello(environ) as hello, Identity(environ) as identity, Platform(environ) as alone:
        browsers = [requests.Session() for _ in range(2)]
        for browser in browsers:
            log_in(browser, identity.url)
        exchange = {"grant_type": "authorization_code", "redirect_uri": client["redirect_uri"]}
        first = expect(
            requests.post(
                f"{identity.url}/oauth/token",
                data={**exchange, "code": authorize(browsers[0], identity.url, data)},
                auth=(client["id"], client["secret"]),
            ),
            200,
        ).json()
        token_headers = {**form, "Authorization": basic(client["id"], client["secret"])}
        refresh_body = urlencode(
            {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
        )
        refresh = wrk.script(lua_request("POST", token_headers, refresh_body))
        direct = wrk.script(
            lua_request(
                "POST",
                harness.JSON_HEADERS,
                json.dumps(
                    {
                        "client": {"secret": client["secret"]},
                        "grant": {"type": "refresh_token"},
                        "refresh_token": {"token": first["refresh_token"]},
                    }
                ),
            )
        )
        visitor = requests.Session()
        page = expect(visitor.get(f"{identity.url}/login"), 200)
        login_body = urlencode(
            {
                "email": seed.EMAIL,
                "password": seed.PASSWORD,
                "csrf_token": CSRF_FIELD.search(page.text).group(1),
            }
        )
        cookie = "; ".join(f"{c.name}={c.value}" for c in visitor.cookies)
        login = wrk.script(lua_request("POST", {**form, "Cookie": cookie}, login_body))

        def base() -> float:
            return wrk.run(f"{hello.url}/")[0]

        def at(url: str, script=None):
            return lambda: wrk.run(url, script)[0]

        print("GET /login", flush=True)
        ours, theirs = interleave(args.rounds, base, at(f"{identity.url}/login"))
        table.ratios("`GET /login`, new visitor", ours, theirs, "≥ 0.55x")

        print("POST /oauth/token refresh", flush=True)
        refreshes, theirs = interleave(
            args.rounds, base, at(f"{identity.url}/oauth/token", refresh)
        )
        table.ratios(
            "`POST /oauth/token` refresh, Identity + embedded API",
            refreshes,
            theirs,
            "≥ 0.30x (PostgreSQL ≥ 0.25x)",
        )

        print("POST /oauth/token code exchange", flush=True)
        codes_file = wrk.folder / "codes.txt"
        enough = int(statistics.median(refreshes) * args.seconds * 2) + 100
        codes_script = wrk.script(lua_codes(codes_file, token_headers, client["redirect_uri"]))

        def exchange_run() -> float:
            codes_file.write_text("\n".join(quote(c, safe="") for c in mint(
                browsers, identity.url, data, enough)) + "\n")  # fmt: skip
            return wrk.run(f"{identity.url}/oauth/token", codes_script)[0]

        exchanges, theirs = interleave(args.rounds, base, exchange_run)
        table.ratios("`POST /oauth/token` code exchange", exchanges, theirs, "")
        table.ratios("code exchange / refresh (same rounds)", exchanges, refreshes, "≥ 0.8x")

        print("Platform API alone, refresh", flush=True)
        platform, theirs = interleave(args.rounds, base, at(f"{alone.url}/oauth/tokens", direct))
        table.ratios("`POST /oauth/tokens` refresh at the Platform API alone", platform, theirs, "")
        # Identity against the API alone, in rounds of their own (alternating as above).
        identity_side, api_side = interleave(
            args.rounds, at(f"{alone.url}/oauth/tokens", direct),
            at(f"{identity.url}/oauth/token", refresh),
        )  # fmt: skip
        table.ratios(
            "Identity's cost on top of the API alone (time per refresh)",
            api_side,
            identity_side,
            "≤ 1.6x",
        )

        print("POST /login vs Argon2id", flush=True)
        logins, hashes = interleave(
            args.rounds,
            lambda: argon2_rate(args.seconds),
            lambda: wrk.run(f"{identity.url}/login", login)[0],
        )
        table.ratios("`POST /login` / Argon2id verify rate", logins, hashes, "≥ 0.8x")
        for browser in [*browsers, visitor]:
            browser.close()


def rss_row(table: Table, wrk: Wrk, environ, total: int) -> None:
    """Peak RSS of a fresh ``identity serve`` after 20 % and after all of *total* requests."""
    with Identity(environ) as identity:
        served, marks = 0, {}
        for mark in (total // 5, total):
            while served < mark:
                served += wrk.run(f"{identity.url}/login", seconds=5)[1]
            marks[mark] = peak_rss_kib(identity.process.pid)
    low, high = marks[total // 5], marks[total]
    table.value(
        f"peak RSS growth, {total // 5:,} → {total:,} requests (`GET /login`)",
        f"**{100 * (high - low) / low:+.1f} %** ({low // 1024} → {high // 1024} MiB)",
        "< 5 %",
    )


if __name__ == "__main__":
    main()
