"""The `identity` command as an operator meets it: version, bad config files, the logs it prints."""

from __future__ import annotations

import importlib.metadata
import json
import logging
import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import webtest
from cryptography.fernet import Fernet

from identity import cli
from tests.conftest import SIGNING_KEY

ROOT = Path(__file__).resolve().parents[2]
DEVELOPMENT = str(ROOT / "development.ini")
PRODUCTION = str(ROOT / "production.ini")
COMMANDS = [
    ["serve"],
    ["platform", "serve"],
    ["user", "add", "ada@example.com"],
    ["user", "invite", "ada@example.com"],
    ["client", "add", "App", "--redirect-uri", "https://app.test/cb"],
]
OBSERVED_LOGGERS = ("identity", "identity.access", "identity.audit", "identity.server")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(autouse=True)
def fresh_database(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", str(tmp_path / "identity.sqlite3"))
    monkeypatch.setenv("OUTBOX_DIR", str(tmp_path / "outbox"))
    return tmp_path


@pytest.fixture
def restore_logging():
    """Serving configures logging for the process: put it back afterwards."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    loggers = {name: logging.getLogger(name) for name in OBSERVED_LOGGERS}
    levels = {name: (lg.level, lg.handlers[:], lg.propagate) for name, lg in loggers.items()}
    yield
    root.handlers[:], root.level = saved[0], saved[1]
    for name, (level, handlers, propagate) in levels.items():
        loggers[name].setLevel(level)
        loggers[name].handlers[:] = handlers
        loggers[name].propagate = propagate


def test_version_comes_from_the_installed_package(capsys):
    with pytest.raises(SystemExit) as exited:
        cli.main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out == f"identity {importlib.metadata.version('identity')}\n"


BAD_CONFIGS = {
    "garbage": ("[app:main]\nuse = egg:identity\njust words\n", "line 3 is not `name = value`"),
    "sectionless": ("port = 5000\n", "line 1 comes before any [section] header"),
    "no-app": ("[server:main]\nuse = egg:waitress#main\n", "has no [app:main] section"),
    "bad-interpolation": ("[app:main]\nuse = egg:identity\nport = %(nothing)s\n", "nothing"),
    "unknown-use": ("[app:main]\nuse = egg:no-such-distribution\n", "no-such-distribution"),
}


@pytest.mark.parametrize("kind", sorted(BAD_CONFIGS))
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_bad_config_file_is_one_line_and_exit_1(tmp_path, capsys, kind, command):
    text, says = BAD_CONFIGS[kind]
    config = tmp_path / "bad.ini"
    config.write_text(text)
    assert cli.main([*command, "--config", str(config)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and err.startswith("identity: ")
    assert says in err


def test_public_and_privileged_exclude_each_other(capsys):
    argv = ["client", "add", "X", "--redirect-uri", "https://x.test/cb", "--public"]
    assert cli.main([*argv, "--privileged", "--config", DEVELOPMENT]) == 1
    out, err = capsys.readouterr()
    assert (out, err) == ("", "identity: --public and --privileged exclude each other\n")


def test_an_invitation_link_follows_port_and_is_a_page_of_identity(
    capsys, monkeypatch, world, tmp_path
):
    # After `world`, which clears the settings' environment: a database of the CLI's own.
    monkeypatch.setenv("DATABASE_URL", str(tmp_path / "cli.sqlite3"))
    monkeypatch.setenv("OUTBOX_DIR", str(tmp_path / "cli-outbox"))
    monkeypatch.setenv("PORT", "5123")
    assert cli.main(["user", "invite", "new@example.com", "--config", DEVELOPMENT]) == 0
    link = json.loads(capsys.readouterr().out)["invitation_url"]
    assert link.startswith("http://127.0.0.1:5123/account/accept/")
    # The path is one Identity serves (an unknown invitation still gets the form).
    assert webtest.TestApp(world.wsgi).get(urlsplit(link).path).forms


def _production_environment(monkeypatch, port: int) -> None:
    for name in (
        "COOKIE_ENCRYPTION_KEY",
        "HEROKU_ROOT_DOMAIN_COOKIE_ENCRYPTION_KEY",
        "SEALED_CODE_KEY",
        "PLATFORM_ENCRYPTION_KEY",
    ):
        monkeypatch.setenv(name, Fernet.generate_key().decode())
    monkeypatch.setenv("ID_TOKEN_SIGNING_KEYS", SIGNING_KEY)
    monkeypatch.setenv("IDENTITY_URL", "https://identity.test")
    monkeypatch.setenv("HOST", "127.0.0.1")
    monkeypatch.setenv("PORT", str(port))
    monkeypatch.delenv("LOG_FORMAT", raising=False)


def test_production_ini_prints_start_up_access_lines_and_failed_logins_as_json(
    capsys, monkeypatch, restore_logging
):
    port = _free_port()
    _production_environment(monkeypatch, port)

    def serve_a_failed_login(app, host, serving_port, config, platform=False):
        browser = webtest.TestApp(app, extra_environ={"wsgi.url_scheme": "https"})
        form = browser.get("https://identity.test/login").forms[0]
        form["email"], form["password"] = "nobody@example.com", "not a password"
        form.submit(status=303)

    monkeypatch.setattr(cli, "_serve_forever", serve_a_failed_login)
    assert cli.main(["serve", PRODUCTION]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    [start] = [line for line in lines if line["logger"] == "identity.server"]
    assert start["listen"] == f"127.0.0.1:{port}"
    assert start["issuer"] == "https://identity.test"
    [failed] = [
        line for line in lines if line.get("event") == "login.failed" and line["app"] == "identity"
    ]
    assert failed["level"] == "INFO" and failed["route"] == "/login"
    routes = [
        (line["method"], line["route"]) for line in lines if line["logger"] == "identity.access"
    ]
    assert routes == [("GET", "/login"), ("POST", "/login")]
    assert "not a password" not in json.dumps(lines)


def test_log_format_overrides_the_default_and_metrics_port_serves(
    capsys, monkeypatch, restore_logging
):
    port, metrics_port = _free_port(), _free_port()
    _production_environment(monkeypatch, port)
    monkeypatch.setenv("LOG_FORMAT", "logfmt")
    monkeypatch.setenv("METRICS_PORT", str(metrics_port))
    scraped = []

    def scrape(app, *where):
        import requests

        scraped.append(requests.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5))

    monkeypatch.setattr(cli, "_serve_forever", scrape)
    assert cli.main(["serve", PRODUCTION]) == 0
    err = capsys.readouterr().err
    assert f"metrics=127.0.0.1:{metrics_port}" in err
    assert f"listen=127.0.0.1:{port} issuer=https://identity.test" in err
    assert scraped[0].status_code == 200 and "identity_http_requests_total" in scraped[0].text


def test_a_metrics_port_in_use_is_one_line(capsys, monkeypatch, restore_logging):
    _production_environment(monkeypatch, _free_port())
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        monkeypatch.setenv("METRICS_PORT", str(taken.getsockname()[1]))
        monkeypatch.setattr(cli, "_serve_forever", lambda *args: pytest.fail("served"))
        assert cli.main(["serve", PRODUCTION]) == 1
    err = capsys.readouterr().err
    assert err.startswith("identity: cannot listen on 127.0.0.1:") and err.count("\n") == 1


def test_platform_serve_is_access_logged_and_says_where_it_listens(
    capsys, monkeypatch, restore_logging
):
    port = _free_port()
    _production_environment(monkeypatch, _free_port())

    def serve_one_request(app, host, serving_port, config, platform=False):
        assert serving_port == port
        webtest.TestApp(app).get("/oauth/clients/unknown", status=404)

    monkeypatch.setattr(cli, "_serve_forever", serve_one_request)
    assert cli.main(["platform", "serve", PRODUCTION, "--port", str(port)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    [start] = [line for line in lines if line["logger"] == "identity.server"]
    assert start["message"] == f"Platform API listening on 127.0.0.1:{port}"
    [access] = [line for line in lines if line["logger"] == "identity.access"]
    assert (access["method"], access["status"]) == ("GET", 404) and access["request_id"]
    assert "unknown" not in access["route"]  # the API names no route pattern yet: "-"
