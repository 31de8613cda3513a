"""OLD_SEALED_CODE_KEY: a code sealed before a key rotation still redeems after it.

Two Identities share one embedded API database, as processes before and
after a restart with a new ``SEALED_CODE_KEY`` do.
"""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from tests.conftest import World


@pytest.fixture
def keys() -> tuple[str, str]:
    return Fernet.generate_key().decode(), Fernet.generate_key().decode()


def sealed_before_and_redeemed_after(identity_values, before: dict, after: dict):
    """A code sealed by an Identity with *before*, exchanged at one with *after*."""
    sealing = World({**identity_values, **before})
    redeeming = World({**identity_values, **after})
    try:
        client = sealing.client()
        sealing.user()
        code = sealing.code(sealing.browser("user@example.com"), client)
        return redeeming.exchange(client, code)
    finally:
        sealing.close()
        redeeming.close()


def test_a_code_sealed_with_the_old_key_redeems_after_the_rotation(identity_values, keys):
    old, new = keys
    answer = sealed_before_and_redeemed_after(
        identity_values,
        {"sealed_code_key": old},
        {"sealed_code_key": new, "old_sealed_code_key": old},
    )
    assert answer.status_int == 200
    assert answer.json["access_token"]


def test_a_code_sealed_with_an_unknown_key_does_not_redeem(identity_values, keys):
    unknown, new = keys
    other = Fernet.generate_key().decode()
    answer = sealed_before_and_redeemed_after(
        identity_values,
        {"sealed_code_key": unknown},
        {"sealed_code_key": new, "old_sealed_code_key": other},
    )
    assert answer.status_int == 400
    assert answer.json["error"] == "invalid_grant"
