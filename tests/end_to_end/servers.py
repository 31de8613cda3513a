"""Real `identity serve` / `identity platform serve` processes on free ports, and a
browser that connects from a chosen loopback address (127.0.0.0/8 is all loopback)."""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
CONFIG = str(ROOT / "development.ini")
PASSWORD = "correct horse battery staple"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_listening(process: subprocess.Popen, port: int, seconds: float = 30.0) -> None:
    """Poll the port (bounded), failing early if the process exits."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)  # polling a process we don't control, not synchronising tests
    raise RuntimeError(f"nothing listening on {port}")


class Server:
    """One `identity …` process; stopped by `stop()`."""

    def __init__(self, args: list[str], env: dict[str, str], port: int, log: Path):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.env = env
        self.log_path = log
        self._log = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "identity.cli", *args],
            env=env,
            cwd=log.parent,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        wait_until_listening(self.process, port)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.close()

    def log(self) -> str:
        return self.log_path.read_text()


def base_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _SERVER_VARIABLES}
    env.update(
        DATABASE_URL=str(tmp_path / "identity.sqlite3"),
        OUTBOX_DIR=str(tmp_path / "outbox"),
        **extra,
    )
    return env


_SERVER_VARIABLES = {"PORT", "HEROKU_API_URL", "HEROKU_OAUTH_ID", "HEROKU_OAUTH_SECRET"}


def cli(env: dict[str, str], *args: str, stdin: str | None = None) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "identity.cli", *args, "--config", CONFIG],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout)


def platform_serve(tmp_path: Path, **extra: str) -> Server:
    port = free_port()
    env = base_env(tmp_path, **extra)
    return Server(
        ["platform", "serve", CONFIG, "--port", str(port)], env, port, tmp_path / "api.log"
    )


def identity_serve(tmp_path: Path, api_url: str, client: dict, **extra: str) -> Server:
    """Identity in front of the API at *api_url*, as its privileged *client*."""
    port = free_port()
    env = base_env(
        tmp_path,
        PORT=str(port),
        IDENTITY_URL=f"http://127.0.0.1:{port}",
        HEROKU_API_URL=api_url,
        HEROKU_OAUTH_ID=client["id"],
        HEROKU_OAUTH_SECRET=client["secret"],
        **extra,
    )
    return Server(["serve", CONFIG], env, port, tmp_path / "identity.log")


class Browser:
    """A cookie jar that connects from *source* (a loopback address)."""

    def __init__(self, port: int, source: str = "127.0.0.1", headers: dict | None = None):
        self.port = port
        self.source = source
        self.headers = headers or {}
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None, timeout: float = 30):
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=timeout, source_address=(self.source, 0)
        )
        headers = dict(self.headers)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                cookie_name, _, rest = value.partition("=")
                self.cookies[cookie_name] = rest.split(";", 1)[0]
        return response.status, dict(response.getheaders()), text

    def log_in(self, email: str, password: str) -> str:
        """Submit the login form; the Location it answers with."""
        _, _, page = self.request("GET", "/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        status, headers, _ = self.request(
            "POST", "/login", {"email": email, "password": password, "csrf_token": token}
        )
        assert status == 303, status
        return headers["Location"]


class Router:
    """A forwarding proxy like a platform's router: it appends the peer's address
    to ``X-Forwarded-For`` and connects onward from *source*."""

    def __init__(self, target_port: int, source: str):
        import http.server
        import threading

        router = self

        class Forward(http.server.BaseHTTPRequestHandler):
            def _forward(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                seen = self.headers.get("X-Forwarded-For")
                peer = self.client_address[0]
                headers["X-Forwarded-For"] = f"{seen}, {peer}" if seen else peer
                upstream = http.client.HTTPConnection(
                    "127.0.0.1", router.target_port, timeout=30, source_address=(source, 0)
                )
                try:
                    upstream.request(self.command, self.path, body=body, headers=headers)
                    answer = upstream.getresponse()
                    content = answer.read()
                finally:
                    upstream.close()
                self.send_response(answer.status)
                for name, value in answer.getheaders():
                    if name.lower() not in {"transfer-encoding", "connection", "content-length"}:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _forward

            def log_message(self, *args):
                pass

        self.target_port = target_port
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Forward)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
