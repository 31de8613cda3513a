"""The shared benchmark harness: a server to measure, a workload runner, A/B rounds.

The house rule (bench/README.md): a speed is only ever reported as a ratio
against a baseline measured side by side, in interleaved A/B rounds, with
the median taken, because this 2-core machine is small and noisy.  So:

- ``PlatformServer`` starts ``identity platform serve`` (Waitress), and
  ``IdentityServer`` ``identity serve`` (Identity with the embedded API
  in-process), each a ``Server``: a child process on a free loopback port of
  a fresh temporary database, waited for until it answers, then terminated;
- ``measure`` runs one workload for a bounded time *and* count from a pool
  of client threads, each with its own keep-alive ``requests.Session``;
- ``ab`` alternates A and B for N rounds (A first in even rounds, B first in
  odd ones, so a drift in machine speed hits both alike) and prints each
  side's median requests/s and the median of the per-round ratios A/B.

Everything listens on and talks to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import pathlib
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping

import requests

from identity.settings import load_settings

ROOT = pathlib.Path(__file__).resolve().parent.parent
CONFIG = ROOT / "development.ini"
HOST = "127.0.0.1"
#: How long a server may take to start answering, seconds.
STARTUP_TIMEOUT = 30
JSON_HEADERS = {
    "Accept": "application/vnd.heroku+json; version=3",
    "Content-Type": "application/json",
}


class Exhausted(Exception):
    """A workload has used up what was prepared for this run (e.g. grant codes)."""


@dataclasses.dataclass
class Workload:
    """One kind of request: ``call(session)`` sends one and raises on a wrong answer.

    ``before_run`` prepares, untimed, what one timed run may consume;
    ``headers`` are every session's defaults (the Platform API's JSON ones,
    or none for Identity's form-encoded and browser endpoints).
    """

    name: str
    call: Callable[[requests.Session], None]
    before_run: Callable[[], None] = lambda: None
    headers: Mapping[str, str] = dataclasses.field(default_factory=lambda: JSON_HEADERS)


def options(description: str, *, rounds: int, seconds: float, clients: int):
    """The command-line flags every benchmark takes, with its own defaults."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--rounds", type=int, default=rounds, help="A/B rounds (default %(default)s)"
    )
    parser.add_argument(
        "--seconds",
        type=float,
        default=seconds,
        help="length of one timed run of one side (default %(default)s)",
    )
    parser.add_argument(
        "--clients",
        type=int,
        default=clients,
        help="client threads, one keep-alive session each (default %(default)s)",
    )
    parser.add_argument(
        "--max-requests",
        type=int,
        default=5000,
        help="cap on the requests of one timed run (default %(default)s)",
    )
    return parser


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def environment(folder: pathlib.Path) -> dict[str, str]:
    """``os.environ`` pointed at a fresh database and outbox in *folder*."""
    return {
        **os.environ,
        "HOST": HOST,  # loopback only, whatever the environment says
        "HEROKU_API_URL": "",  # the embedded API, never a remote one
        "DATABASE_URL": str(folder / "platform.sqlite3"),
        "OUTBOX_DIR": str(folder / "outbox"),
    }


def settings_for(environ: dict[str, str]):
    """The settings ``identity platform serve`` will have: development.ini under *environ*."""
    from paste.deploy import appconfig

    values = dict(appconfig(f"config:{CONFIG}"))
    values.pop("use", None)
    return load_settings(values, environ)


@contextlib.contextmanager
def scratch() -> Iterator[tuple[dict[str, str], object]]:
    """A temporary folder for one benchmark: its environment and settings."""
    with tempfile.TemporaryDirectory(prefix="identity-bench-") as folder:
        environ = environment(pathlib.Path(folder))
        yield environ, settings_for(environ)


class Server:
    """A command serving HTTP in a child process on a free loopback port.

    Subclasses name the ``command`` and a ``ready_path`` to probe: any HTTP
    answer there means the server serves.  Its output goes to ``NAME.log``
    beside the outbox, so several servers may share one scratch folder (and
    one database).
    """

    name = "server"
    ready_path = "/"

    def __init__(self, environ: dict[str, str]) -> None:
        self.environ = environ
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.process: subprocess.Popen | None = None
        self.log = pathlib.Path(environ["OUTBOX_DIR"]).parent / f"{self.name}.log"

    def command(self) -> list[str]:
        raise NotImplementedError

    def child_environ(self) -> dict[str, str]:
        return self.environ

    def __enter__(self):
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                self.command(),
                env=self.child_environ(),
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            self._wait_until_ready()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited; see {self.log}:\n{self.log.read_text()}")
            with contextlib.suppress(requests.ConnectionError):
                requests.get(f"{self.url}{self.ready_path}", timeout=1)
                return
            time.sleep(0.1)
        raise RuntimeError(f"server not answering after {STARTUP_TIMEOUT} s")

    def __exit__(self, *exc_info) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class PlatformServer(Server):
    """``identity platform serve development.ini --port N``: the embedded API alone."""

    name = "platform"
    ready_path = "/oauth/clients/ready"  # a 404, but an answer

    def command(self) -> list[str]:
        cli = [sys.executable, "-m", "identity.cli"]
        return [*cli, "platform", "serve", str(CONFIG), "--port", str(self.port)]


class IdentityServer(Server):
    """``identity serve development.ini``: Identity with the embedded API in-process.

    ``PORT`` and ``IDENTITY_URL`` point it at its port; ``IDENTITY_ENV=test``
    keeps the first start from creating the demo account and client.
    """

    name = "identity"
    ready_path = "/health"

    def command(self) -> list[str]:
        return [sys.executable, "-m", "identity.cli", "serve", str(CONFIG)]

    def child_environ(self) -> dict[str, str]:
        return {
            **self.environ,
            "PORT": str(self.port),
            "IDENTITY_URL": self.url,
            "IDENTITY_ENV": "test",
        }


def new_session(
    mount: Callable[[requests.Session], None] | None = None,
    headers: Mapping[str, str] = JSON_HEADERS,
) -> requests.Session:
    session = requests.Session()
    session.headers.update(headers)
    if mount is not None:
        mount(session)
    return session


def expect(response: requests.Response, status: int) -> requests.Response:
    if response.status_code != status:
        raise AssertionError(
            f"{response.request.method} {response.url}: {response.status_code}"
            f" (expected {status}) {response.text[:200]}"
        )
    return response


def measure(
    workload: Workload,
    *,
    seconds: float,
    clients: int,
    max_requests: int,
    mount: Callable[[requests.Session], None] | None = None,
) -> float:
    """Requests per second of *workload* from *clients* threads, for at most *seconds*
    and *max_requests* (whichever ends first)."""
    workload.before_run()
    sessions = [new_session(mount, workload.headers) for _ in range(clients)]
    lock = threading.Lock()
    done = 0
    errors: list[BaseException] = []

    def client(session: requests.Session, deadline: float) -> None:
        nonlocal done
        while time.perf_counter() < deadline:
            with lock:
                if done >= max_requests:
                    return
                done += 1  # claimed before the call, so the cap is never passed
            try:
                workload.call(session)
            except Exhausted:
                with lock:
                    done -= 1
                return
            except BaseException as error:
                errors.append(error)
                return

    start = time.perf_counter()
    threads = [
        threading.Thread(target=client, args=(session, start + seconds)) for session in sessions
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    for session in sessions:
        session.close()
    if errors:
        raise errors[0]
    return done / elapsed


def ab(
    a: Workload,
    b: Workload,
    args,
    *,
    mount_a: Callable[[requests.Session], None] | None = None,
    mount_b: Callable[[requests.Session], None] | None = None,
) -> dict[str, float]:
    """Interleaved A/B rounds; print and return the medians and the median ratio A/B."""
    sides = {"A": (a, mount_a), "B": (b, mount_b)}
    rates: dict[str, list[float]] = {"A": [], "B": []}
    for index in range(args.rounds):
        for side in ("A", "B") if index % 2 == 0 else ("B", "A"):
            workload, mount = sides[side]
            rates[side].append(
                measure(
                    workload,
                    seconds=args.seconds,
                    clients=args.clients,
                    max_requests=args.max_requests,
                    mount=mount,
                )
            )
        print(
            f"  round {index + 1}: A {rates['A'][-1]:8.1f}/s  B {rates['B'][-1]:8.1f}/s"
            f"  A/B {rates['A'][-1] / rates['B'][-1]:.3f}",
            flush=True,
        )
    ratios = [x / y for x, y in zip(rates["A"], rates["B"], strict=True)]
    result = {
        "a": statistics.median(rates["A"]),
        "b": statistics.median(rates["B"]),
        "ratio": statistics.median(ratios),
    }
    print(
        f"A = {a.name}: median {result['a']:.1f} requests/s\n"
        f"B = {b.name}: median {result['b']:.1f} requests/s\n"
        f"A/B median ratio {result['ratio']:.3f} (range {min(ratios):.3f}-{max(ratios):.3f},"
        f" {args.rounds} rounds x {args.seconds:g} s, {args.clients} client(s))",
        flush=True,
    )
    return result
