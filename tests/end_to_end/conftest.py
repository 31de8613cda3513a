"""End-to-end fixtures: `identity serve` as a newcomer runs it, on a fresh database."""

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
    """A running `identity serve` process and the environment it was started with."""

    def __init__(self, tmp_path: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.outbox = tmp_path / "outbox"
        self.env = {
            **os.environ,
            "PORT": str(self.port),
            "IDENTITY_URL": self.url,
            "DATABASE_URL": str(tmp_path / "identity.sqlite3"),
            "OUTBOX_DIR": str(self.outbox),
        }
        self.log = (tmp_path / "identity.log").open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "identity.cli", "serve", str(ROOT / "development.ini")],
            cwd=tmp_path,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self._wait_until_healthy()

    def _wait_until_healthy(self, seconds: float = 30.0) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"identity serve exited with {self.process.returncode}")
            try:
                if requests.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except requests.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("identity serve did not become healthy")

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
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


@pytest.fixture(scope="module")
def live_identity(tmp_path_factory):
    server = LiveIdentity(tmp_path_factory.mktemp("live"))
    yield server
    server.stop()
