"""Logs: one JSON access line per request, one line per security event, never a secret.

Identity runs on its embedded Platform API (the ``world`` fixture); every
line any logger writes is captured in each of the three formats and parsed.
"""

from __future__ import annotations

import email
import email.policy
import io
import json
import logging
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import webtest
from cryptography.fernet import Fernet

import identity
from identity import logs
from identity.platform.domain.twofactor import totp_code
from tests.conftest import PASSWORD, pkce_pair


class Captured:
    """Every record written while a test runs, as JSON, logfmt and text lines."""

    def __init__(self):
        self.streams = {name: io.StringIO() for name in logs.FORMATS}
        self.handlers = []
        for name, stream in self.streams.items():
            handler = logging.StreamHandler(stream)
            handler.setFormatter(logs.formatter(name))
            handler.addFilter(logs.ContextFilter())
            self.handlers.append(handler)

    def lines(self) -> list[dict]:
        return [json.loads(line) for line in self.streams["json"].getvalue().splitlines()]

    def access(self) -> list[dict]:
        return [line for line in self.lines() if line["logger"] == "identity.access"]

    def events(self, event: str | None = None, app: str = "identity") -> list[dict]:
        """Security events of *app* (Identity's own by default; the embedded API's are
        ``app="platform"``)."""
        found = [line for line in self.lines() if line["logger"] == "identity.audit"]
        found = [line for line in found if line.get("app") == app]
        return [line for line in found if event is None or line["event"] == event]

    def everything(self) -> str:
        return "\n".join(stream.getvalue() for stream in self.streams.values())


@pytest.fixture
def captured():
    root = logging.getLogger()
    level = root.level
    capture = Captured()
    root.setLevel(logging.DEBUG)  # everything, as a debugging operator would set it
    oauthlib_level = logging.getLogger("oauthlib").level
    logs.guard_secret_logging_libraries()  # as serving does
    for handler in capture.handlers:
        root.addHandler(handler)
    yield capture
    for handler in capture.handlers:
        root.removeHandler(handler)
    root.setLevel(level)
    logging.getLogger("oauthlib").setLevel(oauthlib_level)


def test_every_request_is_one_json_access_line_with_its_route_pattern(world, captured):
    response = world.browser().get(
        "/account/password/reset/secret-link-token-123",
        extra_environ={"REMOTE_ADDR": "203.0.113.9"},
        status=404,
    )
    [line] = captured.access()
    assert line["method"] == "GET"
    assert line["route"] == "/account/password/reset/{token}"
    assert line["status"] == 404  # an unknown reset link says so on GET
    assert line["request_id"] == response.headers["Request-Id"]
    assert line["client_ip"] == "203.0.113.9"
    assert isinstance(line["duration_ms"], float)
    assert line["level"] == "INFO" and line["time"]
    assert "secret-link-token-123" not in captured.everything()


def test_an_unrouted_path_is_logged_without_it(world, captured):
    world.browser().get("/no/such/secret-path", status=404)
    [line] = captured.access()
    assert (line["route"], line["status"]) == ("-", 404)
    assert "secret-path" not in captured.everything()


def test_a_passed_request_id_is_the_logged_one(world, captured):
    world.browser().get("/login", headers={"Request-Id": "abc-123"})
    assert [line["request_id"] for line in captured.access()] == ["abc-123"]


def test_login_failed_then_succeeded_with_user_id_on_the_lines(world, captured):
    user = world.user("ada@example.com")
    browser = world.browser()
    world.log_in(browser, "ada@example.com", "wrong password")
    world.log_in(browser, "ada@example.com")
    [failed] = captured.events("login.failed")
    assert failed["reason"] == "bad_credentials" and "user_id" not in failed
    # The embedded API logs the same attempt by its own rule, under its own app.
    [platform_failed] = captured.events("login.failed", app="platform")
    assert platform_failed["user_id"] == user["id"]
    assert captured.events("login.succeeded", app="platform")[0]["user_id"] == user["id"]
    [succeeded] = captured.events("login.succeeded")
    assert succeeded["user_id"] == user["id"]
    assert succeeded["route"] == "/login" and succeeded["request_id"]
    posts = [line for line in captured.access() if line["method"] == "POST"]
    assert [line.get("user_id") for line in posts] == [None, user["id"]]


def test_consent_token_and_logout_events(world, captured):
    client = world.client()
    world.user()
    browser = world.browser("user@example.com")
    world.authorize(browser, client, decision="Deny")
    code = world.code(browser, client)
    tokens = world.exchange(client, code, status=200).json
    world.exchange(client, code, status=400)
    browser.get("/logout", status=302)
    assert [e["client_id"] for e in captured.events("consent.denied")] == [client["id"]]
    [granted] = captured.events("consent.granted")
    assert granted["scope"] and granted["client_id"] == client["id"]
    [issued] = captured.events("token.issued")
    assert issued["grant_type"] == "authorization_code"
    assert (issued["client_id"], issued["user_id"]) == (client["id"], tokens["user_id"])
    [refused] = captured.events("token.refused")
    assert (refused["error"], refused["client_id"]) == ("invalid_grant", client["id"])
    [ended] = captured.events("session.ended")
    assert ended["reason"] == "logout" and ended["user_id"] == tokens["user_id"]


def test_a_cookie_opened_by_the_old_key_is_an_event(world, captured):
    world.user()
    browser = world.browser("user@example.com")
    rotated = {
        **world.values,
        "cookie_encryption_key": Fernet.generate_key().decode(),
        "old_cookie_encryption_key": world.values["cookie_encryption_key"],
    }
    after_rotation = webtest.TestApp(identity.main({}, **rotated))
    after_rotation.cookiejar = browser.cookiejar
    after_rotation.get("/", status=200)  # still logged in
    [event] = captured.events("key.old_key_used")
    assert event["key"] == "OLD_COOKIE_ENCRYPTION_KEY"


def test_logfmt_and_text_lines_carry_the_same_fields(world, captured):
    world.browser().get("/login")
    logfmt = captured.streams["logfmt"].getvalue().splitlines()
    text = captured.streams["text"].getvalue().splitlines()
    access_logfmt = [line for line in logfmt if "logger=identity.access" in line]
    [line] = access_logfmt
    assert re.search(r"(^| )route=/login( |$)", line) and "status=200" in line
    assert re.search(r'message="GET /login 200 [0-9.]+ms"', line)
    [line] = [line for line in text if "[identity.access]" in line]
    assert " GET /login 200 " in line and "route=/login" in line


def _outbox_link(world, kind: str) -> str:
    [path] = sorted(Path(world.values["outbox_dir"]).glob(f"*-{kind}.eml"))
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    return re.search(r"https?://\S+", message.get_body(("plain",)).get_content()).group(0)


def test_no_secret_of_any_flow_reaches_any_log_line(world, captured):
    """Passwords, codes, tokens, cookies, client secrets and link tokens, in every format."""
    secrets = [PASSWORD, "a wrong password of mine"]
    client = world.client()
    secrets.append(client["secret"])
    user = world.user("two@example.com", two_factor=True)
    secrets += [user["totp_secret"], *user["recovery_codes"]]
    # Password, then a wrong second factor, then the right one.
    browser = world.browser()
    world.log_in(browser, "two@example.com", "a wrong password of mine")
    world.log_in(browser, "two@example.com")
    form = browser.get("/login/two-factor").forms[0]
    form["code"] = "000000" if totp_code(user["totp_secret"], time.time()) != "000000" else "1"
    form.submit(status=303)
    world.log_in(browser, "two@example.com")
    code = totp_code(user["totp_secret"], time.time())
    form = browser.get("/login/two-factor").forms[0]
    form["code"] = code
    form.submit(status=303)
    secrets.append(code)
    secrets += [cookie.value for cookie in browser.cookiejar]
    # The code flow, a refresh and a revocation.
    sealed = world.code(browser, client)
    tokens = world.exchange(client, sealed, status=200).json
    refreshed = world.token(
        {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
        | world.credentials(client),
        status=200,
    ).json
    world.client_app.post(
        "/oauth/revoke",
        {"token": refreshed["access_token"], **world.credentials(client)},
        status=200,
    )
    secrets += [sealed, pkce_pair()[0], tokens["access_token"], tokens["refresh_token"]]
    secrets += [refreshed["access_token"]]
    # A password reset by its mailed link.
    world.user("reset@example.com")
    other = world.browser()
    form = other.get("/account/password/reset").forms[0]
    form["email"] = "reset@example.com"
    form.submit(status=200)
    link = _outbox_link(world, "password-reset")
    secrets.append(link.rsplit("/", 1)[1])
    form = other.get(urlsplit(link).path).forms[0]
    form["password"] = form["password_confirmation"] = "another long passphrase 42"
    form.submit(status=303)
    secrets.append("another long passphrase 42")
    secrets += [cookie.value for cookie in other.cookiejar]

    revoked = [line for line in captured.access() if line["route"] == "/oauth/revoke"]
    assert [line["client_id"] for line in revoked] == [client["id"]]
    written = captured.everything()
    assert captured.events("password_reset.completed") and captured.events("token.revoked")
    assert captured.events("two_factor.failed") and captured.events("two_factor.succeeded")
    leaked = [secret for secret in secrets if secret and secret in written]
    assert leaked == []


def test_a_refused_form_is_logged_under_its_route(world, captured):
    world.browser().post("/login", {"email": "x"}, status=403)  # no CSRF token
    assert [(line["route"], line["status"]) for line in captured.access()] == [("/login", 403)]


def test_logging_in_again_ends_the_old_session_first(world, captured):
    user = world.user()
    browser = world.browser("user@example.com")
    world.log_in(browser, "user@example.com")
    [ended] = captured.events("session.ended")
    assert (ended["reason"], ended["user_id"]) == ("replaced", user["id"])
    assert len(captured.events("login.succeeded")) == 2
