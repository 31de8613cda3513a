"""The account pages in a real browser, 360 px wide: two-factor enrolment and a TOTP login,
revoking an application, logging another session out; axe-core and the keyboard on every page.

axe-core comes from the npm registry: .ci/run fetches a pinned release into
``build/axe-core/axe.min.js`` (or ``AXE_CORE_JS`` names the file).
"""

from __future__ import annotations

import base64
import json
import os
import time
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from cryptography.hazmat.primitives.hashes import SHA1
from cryptography.hazmat.primitives.twofactor.totp import TOTP

from tests.end_to_end.chromium import new_driver, require_chromium

require_chromium()

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

pytestmark = pytest.mark.browser
PASSWORD = "a long and unusual passphrase"
ROOT = Path(__file__).resolve().parents[2]
AXE = Path(os.environ.get("AXE_CORE_JS") or ROOT / "build" / "axe-core" / "axe.min.js")
PAGES = (
    "/account",
    "/account/password",
    "/account/two-factor",
    "/account/applications",
    "/account/sessions",
)


@pytest.fixture
def drivers(tmp_path):
    made = []

    def make():
        driver = new_driver(tmp_path / f"chromium-{len(made)}", width=360)
        made.append(driver)
        return driver

    yield make
    for driver in made:
        driver.quit()


def totp(secret: str, at: float) -> str:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return TOTP(key, 6, SHA1(), 30, enforce_key_length=False).generate(int(at)).decode()


def add_user(live, email: str) -> None:
    made = live.cli("user", "add", email, "--password-stdin", stdin=PASSWORD)
    assert made.returncode == 0, made.stderr


def log_in(driver, live, email: str, code: str | None = None) -> None:
    driver.get(f"{live.url}/login")
    driver.find_element(By.ID, "email").send_keys(email)
    driver.find_element(By.ID, "password").send_keys(PASSWORD + Keys.ENTER)
    if code is not None:
        WebDriverWait(driver, 20).until(
            expected_conditions.presence_of_element_located((By.ID, "code"))
        )
        driver.find_element(By.ID, "code").send_keys(code + Keys.ENTER)
    WebDriverWait(driver, 20).until(lambda d: urlsplit(d.current_url).path != "/login/two-factor")


def open_page(driver, live, path: str):
    driver.get(live.url + path)
    return driver


def test_axe_clean_and_keyboard_operable_at_360px(live_identity, drivers):
    assert AXE.is_file(), f"axe-core is missing: run .ci/run or set AXE_CORE_JS ({AXE})"
    add_user(live_identity, "axe@example.com")
    driver = drivers()
    log_in(driver, live_identity, "axe@example.com")
    for path in PAGES:
        open_page(driver, live_identity, path)
        assert urlsplit(driver.current_url).path == path
        driver.execute_script(AXE.read_text())
        result = driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document).then(r => done(JSON.stringify(r.violations)));"
        )
        assert json.loads(result) == [], (path, result)
        width = driver.execute_script("return document.documentElement.scrollWidth")
        assert width <= 360, (path, width)
        # Every link, field and button is reached with Tab alone.
        wanted = driver.execute_script(
            "return [...document.querySelectorAll('a[href], input:not([type=hidden]), button')]"
            ".length"
        )
        reached = set()
        body = driver.find_element(By.TAG_NAME, "body")
        body.click()
        for _ in range(wanted + 2):
            driver.switch_to.active_element.send_keys(Keys.TAB)
            reached.add(
                driver.execute_script("const e = document.activeElement; return e.outerHTML")
            )
        reached.discard(body.get_attribute("outerHTML"))
        assert len(reached) >= wanted, (path, wanted, len(reached))


def test_enrol_two_factor_then_log_in_with_a_totp_code(live_identity, drivers):
    add_user(live_identity, "totp@example.com")
    driver = drivers()
    log_in(driver, live_identity, "totp@example.com")
    open_page(driver, live_identity, "/account/two-factor")
    uri = driver.find_element(By.ID, "otpauth-uri").get_attribute("href")
    secret = parse_qs(urlsplit(uri).query)["secret"][0]
    assert secret == driver.find_element(By.ID, "totp-secret").text
    assert driver.find_elements(By.CSS_SELECTOR, ".qr svg")
    # The previous step's code (accepted as clock drift), so the login's current one is later.
    driver.find_element(By.ID, "code").send_keys(totp(secret, time.time() - 30) + Keys.ENTER)
    codes = WebDriverWait(driver, 20).until(
        expected_conditions.presence_of_element_located((By.ID, "recovery-codes"))
    )
    assert len(codes.find_elements(By.TAG_NAME, "li")) == 10
    open_page(driver, live_identity, "/logout")
    log_in(driver, live_identity, "totp@example.com", code=totp(secret, time.time()))
    open_page(driver, live_identity, "/account")
    assert "Two-factor authentication" in driver.page_source
    assert urlsplit(driver.current_url).path == "/account"


def test_revoked_application_gets_invalid_grant(live_identity, drivers, tmp_path):
    add_user(live_identity, "revoke@example.com")
    callback = f"{live_identity.url}/robots.txt"
    created = live_identity.cli("client", "add", "Revoked App", "--redirect-uri", callback)
    client = json.loads(created.stdout)
    driver = drivers()
    log_in(driver, live_identity, "revoke@example.com")
    driver.get(
        f"{live_identity.url}/oauth/authorize?"
        + urlencode(
            {
                "response_type": "code",
                "client_id": client["id"],
                "redirect_uri": callback,
                "scope": "identity",
                "state": "s",
            }
        )
    )
    WebDriverWait(driver, 20).until(
        expected_conditions.element_to_be_clickable((By.CSS_SELECTOR, "button[value=Allow]"))
    ).click()
    WebDriverWait(driver, 20).until(lambda d: "code=" in d.current_url)
    code = parse_qs(urlsplit(driver.current_url).query)["code"][0]
    auth = (client["id"], client["secret"])
    tokens = requests.post(
        f"{live_identity.url}/oauth/token",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": callback},
        auth=auth,
        timeout=10,
    ).json()
    open_page(driver, live_identity, "/account/applications")
    assert "Revoked App" in driver.page_source
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    WebDriverWait(driver, 20).until(lambda d: "no longer has access" in d.page_source)
    refused = requests.post(
        f"{live_identity.url}/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        auth=auth,
        timeout=10,
    )
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"


def test_log_out_another_session_sends_that_browser_to_login(live_identity, drivers):
    add_user(live_identity, "sessions@example.com")
    other, mine = drivers(), drivers()
    log_in(other, live_identity, "sessions@example.com")
    log_in(mine, live_identity, "sessions@example.com")
    open_page(mine, live_identity, "/account/sessions")
    assert "(this session)" in mine.page_source
    mine.find_element(By.CSS_SELECTOR, "input[name=session_id] ~ button").click()
    WebDriverWait(mine, 20).until(lambda d: "That session has been logged out." in d.page_source)
    open_page(other, live_identity, "/account")
    assert urlsplit(other.current_url).path == "/login"
