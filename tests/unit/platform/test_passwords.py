import pytest

from identity.password_policy import password_problem
from identity.platform.domain.passwords import PasswordHasher

CHEAP = PasswordHasher(memory_cost=8, iterations=1)


class TestPasswordProblem:
    def test_accepts_a_long_uncommon_passphrase(self):
        assert password_problem("correct horse battery staple", "alice@example.test") is None

    def test_accepts_up_to_256_characters_without_composition_rules(self):
        assert password_problem("x" * 200 + "plain lowercase", None) is None

    @pytest.mark.parametrize(
        ("password", "reason"),
        [
            ("short", "too short"),
            ("y" * 257, "too long"),
            ("password1", "too common"),
            ("Qwerty123", "too common"),
            ("my-alice-secret", "email"),
            ("MY-ALICE-SECRET", "email"),
        ],
    )
    def test_refuses(self, password, reason):
        assert reason in password_problem(password, "alice@example.test")

    def test_short_local_parts_do_not_count(self):
        assert password_problem("hello jo world", "jo@example.test") is None


class TestPasswordHasher:
    def test_hash_verifies(self):
        stored = CHEAP.hash("a passphrase")
        assert stored.startswith("argon2id$m=8,t=1,p=1$")
        assert CHEAP.verify("a passphrase", stored)
        assert not CHEAP.verify("another", stored)

    def test_salts_differ(self):
        assert CHEAP.hash("same") != CHEAP.hash("same")

    def test_hashes_of_other_parameters_still_verify(self):
        stored = PasswordHasher(memory_cost=16, iterations=2).hash("a passphrase")
        assert CHEAP.verify("a passphrase", stored)

    @pytest.mark.parametrize("stored", [None, "", "garbage", "argon2id$m=x$a$b"])
    def test_missing_or_corrupt_hash_never_verifies(self, stored):
        assert not CHEAP.verify("a passphrase", stored)
