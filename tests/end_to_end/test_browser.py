"""A person in a real browser: log in, approve a client, land on its redirect URI with a code.

Drives headless Chromium (Debian's chromium + chromium-driver, installed by
.ci/run) against `identity serve`.  Without Chromium the test is skipped on a
developer's machine, but fails in CI, where it must run.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from tests.end_to_end.chromium import new_driver, require_chromium

require_chromium()

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

pytestmark = pytest.mark.browser
PASSWORD = "a long and unusual passphrase"


class _Callback(BaseHTTPRequestHandler):
    def do_GET(self):  # the name http.server calls
        body = b"<!doctype html><title>Client callback</title><p id=done>Back at the client</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        """Keep the test output quiet."""


@pytest.fixture
def client_callback():
    server = HTTPServer(("127.0.0.1", 0), _Callback)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/callback"
    server.shutdown()
    server.server_close()


@pytest.fixture
def browser(tmp_path):
    driver = new_driver(tmp_path / "chromium")
    yield driver
    driver.quit()


def test_log_in_and_approve_in_a_real_browser(live_identity, browser, client_callback):
    user = live_identity.cli(
        "user", "add", "browser@example.com", "--password-stdin", stdin=PASSWORD
    )
    assert user.returncode == 0, user.stderr
    created = live_identity.cli("client", "add", "Browser App", "--redirect-uri", client_callback)
    assert created.returncode == 0, created.stderr
    client = json.loads(created.stdout)

    authorize = f"{live_identity.url}/oauth/authorize?" + urlencode(
        {
            "response_type": "code",
            "client_id": client["id"],
            "redirect_uri": client_callback,
            "scope": "identity",
            "state": "browser-state",
        }
    )
    browser.get(authorize)
    wait = WebDriverWait(browser, 20)
    wait.until(expected_conditions.presence_of_element_located((By.ID, "email")))
    assert urlsplit(browser.current_url).path == "/login"
    browser.find_element(By.ID, "email").send_keys("browser@example.com")
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()

    allow = wait.until(
        expected_conditions.element_to_be_clickable((By.CSS_SELECTOR, "button[value=Allow]"))
    )
    assert "Browser App" in browser.find_element(By.TAG_NAME, "h1").text
    allow.click()

    wait.until(expected_conditions.presence_of_element_located((By.ID, "done")))
    landed = urlsplit(browser.current_url)
    assert f"{landed.scheme}://{landed.netloc}{landed.path}" == client_callback
    query = parse_qs(landed.query)
    assert query["state"] == ["browser-state"]
    assert query["iss"] == [live_identity.url]

    token = requests.post(
        f"{live_identity.url}/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": query["code"][0],
            "redirect_uri": client_callback,
        },
        auth=(client["id"], client["secret"]),
        timeout=10,
    )
    assert token.status_code == 200, token.text
    assert token.json()["token_type"] == "Bearer"
    assert token.json()["access_token"]
