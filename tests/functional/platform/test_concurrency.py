"""Single use under real concurrency: ten threads, one success."""

import threading

import webob

from tests.functional.platform.conftest import basic

THREADS = 10


def race(app, make_request) -> list[int]:
    """Call *app* from THREADS threads at once; return the statuses."""
    barrier = threading.Barrier(THREADS)
    statuses: list[int] = []
    lock = threading.Lock()

    def run():
        request = make_request()
        barrier.wait()
        status = request.get_response(app).status_int
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(statuses)


def json_request(path: str, body: dict, method: str = "POST") -> webob.Request:
    request = webob.Request.blank(path, method=method)
    request.json = body
    return request


def test_grant_code_is_redeemed_once(api, platform_app, login, user, third_party):
    me = login()
    code = api.post_json(
        "/oauth/authorizations",
        {"client": {"id": third_party["id"]}, "session": {"id": me["session"]["id"]}},
        headers=basic("", me["access_token"]["token"]),
    ).json["grant"]["code"]
    body = {
        "client": {"secret": third_party["secret"]},
        "grant": {"type": "authorization_code", "code": code},
    }
    statuses = race(platform_app, lambda: json_request("/oauth/tokens", body))
    assert statuses == [201] + [404] * (THREADS - 1)


def test_reset_token_is_redeemed_once(api, platform_app, user, outbox):
    api.post_json("/password-resets", {"email": "alice@example.test"})
    token = outbox.last_body().split("/account/password/reset/")[1].split()[0]
    password = "a quite different passphrase"
    body = {"password": password, "password_confirmation": password}
    path = f"/password-resets/{token}/actions/finalize"
    statuses = race(platform_app, lambda: json_request(path, body))
    assert statuses == [200] + [404] * (THREADS - 1)
