"""The person's address reaches the API's abuse limits in every documented layout.

Five wrong passwords from 127.0.0.2 lock the (account, 127.0.0.2) pair; the
same account from elsewhere still logs in.  Were the attempts counted for
Identity's own address (or a router's), the other place would be locked out
too: anyone could lock out anyone.
"""

from __future__ import annotations

import pytest

from tests.end_to_end.servers import (
    PASSWORD,
    Browser,
    Router,
    base_env,
    cli,
    identity_serve,
    platform_serve,
)

EMAIL = "person@example.com"
ATTACKER = "127.0.0.2"


@pytest.fixture
def layout(tmp_path, request):
    """(Identity's port, how a browser from *address* reaches it) for one layout."""
    env = base_env(tmp_path)
    cli(env, "user", "add", EMAIL, "--password-stdin", stdin=PASSWORD + "\n")
    stopping = []
    api_router = "127.0.0.4"
    if request.param == "api behind a router":
        api = platform_serve(tmp_path, TRUSTED_PROXIES=api_router)
        router = Router(api.port, source=api_router)
        stopping += [api, router]
        api_url = router.url
    else:
        api = platform_serve(tmp_path)
        stopping.append(api)
        api_url = api.url
    client = cli(
        env, "client", "add", "Identity", "--redirect-uri", "http://127.0.0.1/login", "--privileged"
    )
    front_router = "127.0.0.3"
    if request.param == "identity behind a router":
        identity = identity_serve(tmp_path, api_url, client, TRUSTED_PROXIES=front_router)
        stopping.append(identity)

        def browser(address):
            # The router connects from its own address and says whose request it is.
            return Browser(identity.port, source=front_router, headers={"X-Forwarded-For": address})
    else:
        identity = identity_serve(tmp_path, api_url, client)
        stopping.append(identity)

        def browser(address):
            return Browser(identity.port, source=address)

    yield browser
    for server in reversed(stopping):
        server.stop()
    for server in (api, identity):
        assert "Traceback" not in server.log()


@pytest.mark.parametrize(
    "layout",
    ["identity to the api over http", "identity behind a router", "api behind a router"],
    indirect=True,
)
def test_wrong_passwords_count_for_the_address_they_came_from(layout):
    attacker = layout(ATTACKER)
    for _ in range(5):
        assert attacker.log_in(EMAIL, "wrong password").endswith("/login")
    # The pair is locked: even the right password is refused from there.
    assert attacker.log_in(EMAIL, PASSWORD).endswith("/login")

    elsewhere = layout("127.0.0.5")
    assert not elsewhere.log_in(EMAIL, PASSWORD).endswith("/login")
