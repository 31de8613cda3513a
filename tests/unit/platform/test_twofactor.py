from cryptography.fernet import Fernet

from identity.platform.domain import twofactor
from identity.platform.domain.secrets import digest
from identity.platform.store import users
from tests import sql

NOW = 1_800_000_000.0


def make_user(tx, fernet):
    users.insert(tx, "u1", "a@b.c", None, None)
    secret = twofactor.enable_totp(tx, "u1", fernet)
    return secret, users.get(tx, "u1")


class TestTotp:
    def test_secret_is_stored_encrypted(self, tx):
        fernet = Fernet(Fernet.generate_key())
        secret, user = make_user(tx, fernet)
        assert len(secret) == 32 and "=" not in secret
        assert user.totp_secret != secret
        assert fernet.decrypt(user.totp_secret.encode()).decode() == secret

    def test_current_and_adjacent_steps_pass_once(self, tx):
        fernet = Fernet(Fernet.generate_key())
        secret, user = make_user(tx, fernet)
        previous = twofactor.totp_code(secret, NOW - 30)
        assert twofactor.check_second_factor(tx, user, previous, fernet)
        assert not twofactor.check_second_factor(tx, user, previous, fernet)
        current = twofactor.totp_code(secret, NOW)
        assert twofactor.check_second_factor(tx, user, f"{current[:3]} {current[3:]}", fernet)
        assert not twofactor.check_second_factor(tx, user, current, fernet)

    def test_far_steps_and_wrong_keys_fail(self, tx):
        fernet = Fernet(Fernet.generate_key())
        secret, user = make_user(tx, fernet)
        assert not twofactor.check_second_factor(
            tx, user, twofactor.totp_code(secret, NOW + 90), fernet
        )
        other = Fernet(Fernet.generate_key())
        assert not twofactor.check_second_factor(tx, user, twofactor.totp_code(secret, NOW), other)


class TestCodes:
    def test_recovery_codes_replace_each_other_and_work_once(self, tx):
        fernet = Fernet(Fernet.generate_key())
        _, user = make_user(tx, fernet)
        old = twofactor.new_recovery_codes(tx, "u1")
        new = twofactor.new_recovery_codes(tx, "u1")
        assert not twofactor.check_second_factor(tx, user, old[0], fernet)
        assert twofactor.check_second_factor(tx, user, new[0].upper(), fernet)
        assert not twofactor.check_second_factor(tx, user, new[0], fernet)
        assert (
            sql.value(
                tx, "SELECT count(*) FROM recovery_codes WHERE code_hash = :h", h=digest(new[1])
            )
            == 1
        )

    def test_sms_code_expires_and_is_replaced(self, tx):
        fernet = Fernet(Fernet.generate_key())
        _, user = make_user(tx, fernet)
        first = twofactor.new_sms_code(tx, "u1", 300)
        second = twofactor.new_sms_code(tx, "u1", 300)
        assert len(second) == 8
        assert not twofactor.check_second_factor(tx, user, first, fernet) or first == second
        assert twofactor.check_second_factor(tx, user, second, fernet)
        third = twofactor.new_sms_code(tx, "u1", 300)
        tx.now += 301
        assert not twofactor.check_second_factor(tx, user, third, fernet)

    def test_nonsense_codes_fail(self, tx):
        fernet = Fernet(Fernet.generate_key())
        _, user = make_user(tx, fernet)
        assert not twofactor.check_second_factor(tx, user, "not a code", fernet)


def test_masking():
    assert twofactor.mask_sms_number("+15551234567") == "+1 ***-***-4567"
    assert twofactor.mask_sms_number("+447700900123") == "+********0123"
    assert twofactor.mask_sms_number(None) is None
