"""The `identity` command: each sub-command prints one JSON object or one error line."""

from __future__ import annotations

import email
import email.policy
import io
import json
import re
import socket
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from identity import cli
from identity.oauth.signing import parse_keys
from tests.postgres import tables_in

ROOT = Path(__file__).resolve().parents[2]
CONFIG = str(ROOT / "development.ini")


@pytest.fixture(autouse=True)
def fresh_database(tmp_path, monkeypatch, database_url):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("OUTBOX_DIR", str(tmp_path / "outbox"))
    monkeypatch.setenv("IDENTITY_URL", "http://identity.test")
    return tmp_path


def run(capsys, *argv: str, stdin: str | None = None, monkeypatch=None) -> tuple[int, str, str]:
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    status = cli.main([*argv, "--config", CONFIG] if argv[0] != "keygen" else list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_keygen_prints_a_fernet_key(capsys):
    status, out, _ = run(capsys, "keygen")
    assert status == 0
    Fernet(out.strip())  # raises when it is not a valid key


@pytest.mark.parametrize("alg", ["RS256", "ES256"])
def test_keygen_signing_prints_a_key_identity_signs_with(capsys, alg):
    status, out, _ = run(capsys, "keygen", "--signing", "--alg", alg)
    assert status == 0 and out.startswith("-----BEGIN PRIVATE KEY-----")
    (key,) = parse_keys(out)
    assert key.alg == alg


def test_keygen_signing_defaults_to_rs256_which_every_client_takes(capsys):
    _, out, _ = run(capsys, "keygen", "--signing")
    assert [key.alg for key in parse_keys(out)] == ["RS256"]


def test_user_add_prints_id_and_email(capsys, monkeypatch):
    status, out, err = run(
        capsys,
        "user",
        "add",
        "ada@example.com",
        "--name",
        "Ada",
        "--password-stdin",
        stdin="correct horse battery staple\n",
        monkeypatch=monkeypatch,
    )
    assert (status, err) == (0, "")
    user = json.loads(out)
    assert user["email"] == "ada@example.com"
    assert re.fullmatch(r"[0-9a-f-]{36}", user["id"])
    assert "totp_secret" not in user


def test_user_add_with_two_factor_shows_secret_and_recovery_codes_once(capsys):
    status, out, _ = run(capsys, "user", "add", "grace@example.com", "--two-factor")
    assert status == 0
    user = json.loads(out)
    assert re.fullmatch(r"[A-Z2-7]+=*", user["totp_secret"])
    assert len(user["recovery_codes"]) >= 8
    assert all(re.fullmatch(r"[0-9a-f]{16}", code) for code in user["recovery_codes"])


def test_duplicate_email_is_one_line_and_non_zero(capsys):
    run(capsys, "user", "add", "dup@example.com")
    status, out, err = run(capsys, "user", "add", "DUP@example.com")
    assert (status, out) == (1, "")
    assert err.startswith("identity: ") and err.count("\n") == 1


def test_weak_password_is_refused_with_its_reason(capsys, monkeypatch):
    status, _, err = run(
        capsys,
        "user",
        "add",
        "weak@example.com",
        "--password-stdin",
        stdin="password\n",
        monkeypatch=monkeypatch,
    )
    assert status == 1
    assert err.startswith("identity: ") and err.count("\n") == 1


def test_client_add_confidential_and_public(capsys):
    status, out, _ = run(
        capsys, "client", "add", "Web", "--redirect-uri", "https://app.example.com/cb", "--trusted"
    )
    assert status == 0
    client = json.loads(out)
    assert set(client) == {"id", "secret", "name", "redirect_uri", "trusted", "public"}
    assert client["trusted"] is True and client["public"] is False
    assert client["redirect_uri"] == "https://app.example.com/cb"

    status, out, _ = run(
        capsys, "client", "add", "CLI", "--redirect-uri", "http://127.0.0.1/callback", "--public"
    )
    assert status == 0
    public = json.loads(out)
    assert public["public"] is True and "secret" not in public


@pytest.mark.parametrize("uri", ["not a uri", "/relative", "https://app.example.com/cb#frag"])
def test_client_add_refuses_a_bad_redirect_uri(capsys, uri):
    status, out, err = run(capsys, "client", "add", "Bad", "--redirect-uri", uri)
    assert (status, out) == (1, "")
    assert err.startswith("identity: ") and err.count("\n") == 1


def test_user_invite_prints_a_link_and_mails_it(capsys, fresh_database):
    status, out, _ = run(capsys, "user", "invite", "new@example.com")
    assert status == 0
    invitation = json.loads(out)
    assert invitation["email"] == "new@example.com"
    assert invitation["invitation_url"].startswith("http://identity.test/account/accept/")
    mails = list((fresh_database / "outbox").glob("*.eml"))
    assert len(mails) == 1
    mail = email.message_from_bytes(mails[0].read_bytes(), policy=email.policy.default)
    assert mail["To"] == "new@example.com"
    assert invitation["invitation_url"] in mail.get_body(("plain",)).get_content()


def test_missing_config_file_is_one_line(capsys, tmp_path):
    status = cli.main(["user", "add", "x@example.com", "--config", str(tmp_path / "nope.ini")])
    _, err = capsys.readouterr()
    assert status == 1
    assert err == f"identity: config file not found: {tmp_path / 'nope.ini'}\n"


def test_production_refuses_development_keys(capsys, monkeypatch):
    monkeypatch.setenv("IDENTITY_ENV", "production")
    monkeypatch.setenv("IDENTITY_URL", "https://identity.example.com")
    status, _, err = run(capsys, "user", "add", "p@example.com")
    assert status == 1
    # The data commands need only the platform's key, and refuse its development one.
    assert "PLATFORM_ENCRYPTION_KEY is a development key" in err


def test_the_api_alone_needs_none_of_identitys_keys(capsys, monkeypatch):
    monkeypatch.setenv("IDENTITY_ENV", "production")
    monkeypatch.setenv("IDENTITY_URL", "https://identity.example.com")
    monkeypatch.setenv("PLATFORM_ENCRYPTION_KEY", Fernet.generate_key().decode())
    for name in ("COOKIE_ENCRYPTION_KEY", "HEROKU_ROOT_DOMAIN_COOKIE_ENCRYPTION_KEY"):
        monkeypatch.setenv(name, "")
    status, out, err = run(capsys, "user", "add", "p@example.com")
    assert (status, err) == (0, "")
    assert json.loads(out)["email"] == "p@example.com"


@pytest.mark.engines("sqlite")  # a file path
def test_a_database_folder_that_does_not_exist_is_one_line(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", str(tmp_path / "missing" / "identity.sqlite3"))
    status, out, err = run(capsys, "user", "add", "x@example.com")
    assert status == 1 and out == ""
    assert err.startswith("identity: ") and err.count("\n") == 1


def test_a_port_in_use_is_one_line(capsys, monkeypatch, database_url):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        monkeypatch.setenv("PORT", str(taken.getsockname()[1]))
        status = cli.main(["serve", CONFIG])
    out, err = capsys.readouterr()
    assert (status, out) == (1, "")
    assert err.startswith("identity: cannot listen on ") and err.count("\n") == 1
    assert tables_in(database_url) == set()  # nothing made for nothing


def test_only_a_privileged_client_may_have_a_plain_http_redirect_off_loopback(capsys):
    uri = "http://identity.internal/login"
    status, _, err = run(capsys, "client", "add", "Plain", "--redirect-uri", uri)
    assert status == 1 and "https" in err
    status, out, _ = run(capsys, "client", "add", "Own", "--redirect-uri", uri, "--privileged")
    assert status == 0 and json.loads(out)["redirect_uri"] == uri


def test_serve_creates_the_demo_on_the_first_start_only(capsys, monkeypatch):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}"  # loopback: the demo's redirect URI may be plain http
    monkeypatch.setenv("PORT", str(port))
    monkeypatch.setenv("IDENTITY_URL", url)
    served = []
    monkeypatch.setattr(cli, "_serve_forever", lambda app, *where: served.append(where))
    assert cli.main(["serve", CONFIG]) == 0
    first = capsys.readouterr().out
    assert first.startswith("First start: created a demo account and a demo OAuth client.\n")
    demo = json.loads(first[first.index("{") : first.index("\nOpen this")])
    assert demo["user"]["email"] == "demo@example.com"
    assert demo["client"]["redirect_uri"] == f"{url}/demo/callback"
    assert cli.main(["serve", CONFIG]) == 0
    out, err = capsys.readouterr()
    assert out == ""  # no demo again; the start-up line is a log line (stderr)
    assert f"Identity listening on 127.0.0.1:{port}, issuer {url}" in err
    assert len(served) == 2


def test_user_reset_two_factor_tells_the_account(capsys, fresh_database):
    run(capsys, "user", "add", "lost@example.com", "--two-factor")
    status, out, _ = run(capsys, "user", "reset-two-factor", "lost@example.com")
    assert status == 0 and json.loads(out)["email"] == "lost@example.com"
    [path] = (fresh_database / "outbox").glob("*-two-factor-disabled.eml")
    mail = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert mail["To"] == "lost@example.com"
    assert mail["Subject"] == "Two-factor authentication was turned off"
    assert mail.get_body(("html",)) is not None


def test_user_reset_two_factor_without_it_sends_nothing(capsys, fresh_database):
    run(capsys, "user", "add", "plain@example.com")
    status, _, _ = run(capsys, "user", "reset-two-factor", "plain@example.com")
    assert status == 0
    assert not list((fresh_database / "outbox").glob("*.eml"))
