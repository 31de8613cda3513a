"""Scale-out: two `identity platform serve` processes and two `identity serve`
processes in front of them (one each), on one database: PostgreSQL, as a
deployment over several machines has it, and one SQLite file, which several
processes of one machine may share.

What is single-use or counted must stay so across processes: one code
redeemed at once through both Identities gives one success, one refresh
token refreshed at once gives one successor, and a login limit reached
through one process holds in the other.
"""

from __future__ import annotations

import json
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from html import unescape
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from tests.conftest import pkce_pair
from tests.end_to_end.conftest import LiveIdentity

PASSWORD = "correct horse battery staple"
REDIRECT_URI = "https://client.test/callback"
PUBLIC_REDIRECT_URI = "http://127.0.0.1/callback"
RACERS = 20


class ScaleOut:
    def __init__(self, tmp_path, database_url: str) -> None:
        self.servers: list[LiveIdentity] = []
        try:
            self._start(tmp_path, database_url)
        except BaseException:
            self.stop()
            raise

    def _start(self, tmp_path, database_url: str) -> None:
        self.platforms = [
            self._serve(tmp_path / f"platform-{n}", database_url, command="platform")
            for n in range(2)
        ]
        own = self.add("client", "add", "Identity", "--redirect-uri", "http://127.0.0.1/login",
                       "--privileged", "--trusted")  # fmt: skip
        self.identities = [
            self._serve(
                tmp_path / f"identity-{n}",
                database_url,
                environ={
                    "HEROKU_API_URL": platform.url,
                    "PLATFORM_EXTENSIONS": "true",
                    "HEROKU_OAUTH_ID": own["id"],
                    "HEROKU_OAUTH_SECRET": own["secret"],
                },
            )
            for n, platform in enumerate(self.platforms)
        ]
        self.client = self.add("client", "add", "Racer", "--redirect-uri", REDIRECT_URI)
        self.public_client = self.add(
            "client", "add", "Native", "--redirect-uri", PUBLIC_REDIRECT_URI, "--public"
        )

    def _serve(self, folder, database_url: str, **options) -> LiveIdentity:
        folder.mkdir()
        server = LiveIdentity(folder, database_url, **options)
        self.servers.append(server)
        return server

    def add(self, *args: str, stdin: str | None = None) -> dict:
        done = self.platforms[0].cli(*args, stdin=stdin)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    def user(self, email: str) -> dict:
        return self.add("user", "add", email, "--password-stdin", stdin=PASSWORD + "\n")

    def stop(self) -> None:
        for server in self.servers:
            server.stop()


@pytest.fixture(scope="module")
def scale_out(tmp_path_factory, module_database_url):
    deployment = ScaleOut(tmp_path_factory.mktemp("scale-out"), module_database_url)
    yield deployment
    deployment.stop()


def hidden_inputs(html: str) -> dict[str, str]:
    found = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)
    return {unescape(name): unescape(value) for name, value in found}


def log_in(identity: LiveIdentity, email: str, password: str = PASSWORD) -> requests.Response:
    """A browser's login form post at *identity* (its session is the answer's ``.browser``)."""
    browser = requests.Session()
    form = browser.get(f"{identity.url}/login", timeout=10)
    answer = browser.post(
        f"{identity.url}/login",
        data={**hidden_inputs(form.text), "email": email, "password": password},
        allow_redirects=False,
        timeout=10,
    )
    answer.browser = browser
    return answer


def code_for(identity: LiveIdentity, email: str, client: dict) -> str:
    """Log in at *identity*, ask for *client* with PKCE, allow: the code."""
    logged_in = log_in(identity, email)
    assert logged_in.status_code == 303, logged_in.text
    assert urlsplit(logged_in.headers["Location"]).path != "/login"
    browser = logged_in.browser
    params = {
        "response_type": "code",
        "client_id": client["id"],
        "redirect_uri": client["redirect_uri"],
        "state": "race",
        "code_challenge": pkce_pair()[1],
        "code_challenge_method": "S256",
    }
    consent = browser.get(
        f"{identity.url}/oauth/authorize?{urlencode(params)}", allow_redirects=False, timeout=10
    )
    assert consent.status_code == 200, consent.text
    answer = browser.post(
        f"{identity.url}/oauth/authorize",
        data={**hidden_inputs(consent.text), "authorize": "Allow"},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 303, answer.text
    return parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]


def token_request(identity: LiveIdentity, client: dict, **params) -> dict:
    body = {"client_id": client["id"], **params}
    if client.get("secret"):
        body["client_secret"] = client["secret"]
    return body


def race(scale_out: ScaleOut, client: dict, **params) -> list[requests.Response]:
    """*RACERS* token requests at once, alternating between the two Identities."""
    barrier = threading.Barrier(RACERS, timeout=30)

    def one(n: int) -> requests.Response:
        identity = scale_out.identities[n % 2]
        body = token_request(identity, client, **params)
        barrier.wait()
        return requests.post(f"{identity.url}/oauth/token", data=body, timeout=30)

    with ThreadPoolExecutor(RACERS) as pool:
        return list(pool.map(one, range(RACERS)))


def test_one_code_redeemed_through_both_identities_at_once_succeeds_once(scale_out):
    scale_out.user("code-racer@example.com")
    code = code_for(scale_out.identities[0], "code-racer@example.com", scale_out.client)
    answers = race(
        scale_out,
        scale_out.client,
        grant_type="authorization_code",
        code=code,
        redirect_uri=REDIRECT_URI,
        code_verifier=pkce_pair()[0],
    )
    statuses = [answer.status_code for answer in answers]
    assert statuses.count(200) == 1, [a.text for a in answers]
    # The others are refused: spent (invalid_grant), or, past an Identity's bulkhead
    # of API_MAX_CONCURRENCY waiting calls, told to try again (never a second success).
    refused = {answer.json()["error"] for answer in answers if answer.status_code != 200}
    assert "invalid_grant" in refused
    assert refused <= {"invalid_grant", "temporarily_unavailable"}


def test_one_refresh_token_refreshed_at_once_has_one_successor(scale_out):
    scale_out.user("refresh-racer@example.com")
    client = scale_out.public_client
    code = code_for(scale_out.identities[1], "refresh-racer@example.com", client)
    first = requests.post(
        f"{scale_out.identities[1].url}/oauth/token",
        data=token_request(
            scale_out.identities[1],
            client,
            grant_type="authorization_code",
            code=code,
            redirect_uri=PUBLIC_REDIRECT_URI,
            code_verifier=pkce_pair()[0],
        ),
        timeout=30,
    )
    assert first.status_code == 200, first.text
    old = first.json()["refresh_token"]
    answers = race(scale_out, client, grant_type="refresh_token", refresh_token=old)
    succeeded = [answer.json() for answer in answers if answer.status_code == 200]
    assert succeeded, [answer.text for answer in answers]
    successors = {body["refresh_token"] for body in succeeded}
    assert len(successors) == 1 and old not in successors
    again = requests.post(
        f"{scale_out.identities[0].url}/oauth/token",
        data=token_request(
            scale_out.identities[0],
            client,
            grant_type="refresh_token",
            refresh_token=successors.pop(),
        ),
        timeout=30,
    )
    assert again.status_code == 200, again.text


def test_a_login_limit_reached_through_one_process_holds_in_the_other(scale_out):
    scale_out.user("guessed@example.com")
    first, other = scale_out.identities
    for _attempt in range(5):
        wrong = sent_back_to_login(first, log_in(first, "guessed@example.com", "not it at all"))
        assert "rate limit" not in wrong
    refused = log_in(other, "guessed@example.com")  # the right password, too late
    assert "login rate limit" in sent_back_to_login(other, refused)


def sent_back_to_login(identity: LiveIdentity, answer: requests.Response) -> str:
    """The login page that *answer* sends the browser back to, with its message."""
    assert answer.status_code == 303, answer.text
    assert urlsplit(answer.headers["Location"]).path == "/login"
    return answer.browser.get(f"{identity.url}/login", timeout=10).text
