"""A person with more authorizations than one page of the API's list (1000) is still
recognised as having approved a client before, instead of getting a 503."""

from __future__ import annotations

from identity.platform.domain.secrets import new_id
from identity.platform.store import authorizations, users

EXTRA = 1100


def test_approval_is_remembered_past_a_thousand_authorizations(world):
    client = world.client()
    world.user()
    browser = world.browser("user@example.com")
    world.authorize(browser, client)  # consents once
    with world.db.transaction(write=True) as tx:
        user = users.find_by_email(tx, "user@example.com")
        for _ in range(EXTRA):
            authorizations.insert(tx, new_id(), user.id, None, None, ["global"], None)
    request = world.authorize_params(client)
    answer = browser.get("/oauth/authorize", request)
    assert answer.status_int == 302  # no consent page: approved before
    assert "code=" in answer.headers["Location"]
