"""End-to-end fixtures: `identity serve` as a newcomer runs it, on a fresh database
of each engine (``tests/postgres.py``)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveIdentity:
    """A running `identity serve` process and the environment it was started with.

    *command* `platform` serves the Platform API alone instead; *environ* adds
    to (or, with None values, removes from) the environment.
    """

    def __init__(
        self,
        tmp_path: Path,
        database_url: str,
        *,
        command: str = "serve",
        environ: dict[str, str | None] | None = None,
    ):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.outbox = tmp_path / "outbox"
        env = {
            **os.environ,
            "PORT": str(self.port),
            "IDENTITY_URL": self.url,
            "DATABASE_URL": database_url,
            "OUTBOX_DIR": str(self.outbox),
            **(environ or {}),
        }
        self.env = {name: value for name, value in env.items() if value is not None}
        config = str(ROOT / "development.ini")
        if command == "platform":
            argv = ["platform", "serve", config, "--port", str(self.port)]
        else:
            argv = ["serve", config]
        # Ready: the database (the API's own, or the embedded one) answers.
        up, self.health_url = (lambda status: status == 200), f"{self.url}/health/ready"
        self.name = "identity platform serve" if command == "platform" else "identity serve"
        self.log_path = tmp_path / f"{command}-{self.port}.log"
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "identity.cli", *argv],
            cwd=tmp_path,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        try:
            self._wait_until_up(up)
        except RuntimeError:
            self.stop()
            raise

    def _wait_until_up(self, up, seconds: float = 30.0) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = self.log_path.read_text(errors="replace")[-3000:]
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n{log}")
            try:
                if up(requests.get(self.health_url, timeout=1).status_code):
                    return
            except requests.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not become healthy in {seconds} s")

    def cli(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        """Run `identity ARGS --config development.ini` against this server's database."""
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "identity.cli",
                *args,
                "--config",
                str(ROOT / "development.ini"),
            ],
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    def stop(self) -> None:
        if self.log.closed:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


@pytest.fixture(scope="module")
def live_identity(tmp_path_factory, module_database_url):
    server = LiveIdentity(tmp_path_factory.mktemp("live"), module_database_url)
    yield server
    server.stop()


@pytest.fixture
def identity_values(identity_values, database_url) -> dict:
    """Identity and its embedded API in one process (``world``), on each engine."""
    return {**identity_values, "database_url": database_url}
