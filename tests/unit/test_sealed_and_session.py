"""Sealed codes and the session cookie codec."""

from __future__ import annotations

import dataclasses
import json

from cryptography.fernet import Fernet

from identity.sealed import SealedCodes, SealedGrant, SealedRefresh, SealedRefreshTokens
from identity.session import Session, SessionCodec

GRANT = SealedGrant("inner", "client", "https://c/cb", True, "ch", "S256", ("read",), 1000)


class TestSealedCodes:
    def test_round_trip(self):
        codes = SealedCodes(Fernet.generate_key().decode(), 300, clock=lambda: 1000)
        assert codes.open(codes.seal(GRANT)) == GRANT

    def test_inner_code_is_not_readable(self):
        codes = SealedCodes(Fernet.generate_key().decode(), 300)
        assert "inner" not in codes.seal(GRANT)

    def test_expired_code_does_not_open(self):
        key = Fernet.generate_key().decode()
        sealed = SealedCodes(key, 300, clock=lambda: 1000).seal(GRANT)
        assert SealedCodes(key, 300, clock=lambda: 1301).open(sealed) is None
        assert SealedCodes(key, 300, clock=lambda: 1299).open(sealed) == GRANT

    def test_the_old_key_still_opens_during_a_rotation(self):
        old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
        sealed = SealedCodes(old, 300).seal(GRANT)
        assert SealedCodes(new, 300, old_key=old).open(sealed) == GRANT
        assert SealedCodes(new, 300).open(sealed) is None

    def test_other_key_or_tampering_does_not_open(self):
        sealed = SealedCodes(Fernet.generate_key().decode(), 300).seal(GRANT)
        assert SealedCodes(Fernet.generate_key().decode(), 300).open(sealed) is None
        codes = SealedCodes(Fernet.generate_key().decode(), 300)
        sealed = codes.seal(GRANT)
        assert codes.open(sealed[:-2] + ("A" if sealed[-2] != "A" else "B") + sealed[-1]) is None
        assert codes.open("not a token \u00e9") is None

    def test_wrong_payload_shape_does_not_open(self):
        key = Fernet.generate_key().decode()
        codes = SealedCodes(key, 300)
        bad = Fernet(key).encrypt(json.dumps({"code": "x"}).encode()).decode()
        assert codes.open(bad) is None

    def test_repr_hides_the_inner_code(self):
        assert "inner" not in repr(dataclasses.replace(GRANT))


class TestSessionCodec:
    def codec(self, key=None, old=""):
        return SessionCodec(key or Fernet.generate_key().decode(), old, 3600, True)

    def test_round_trip_is_json(self):
        codec = self.codec()
        session = Session()
        session["user"] = {"id": "u", "email": "e", "full_name": None}
        loaded = codec.load(codec.dump(session))
        assert loaded == session and not loaded.modified

    def test_garbage_and_foreign_cookies_are_empty_sessions(self):
        codec = self.codec()
        assert codec.load("garbage") == {}
        assert codec.load(self.codec().dump(Session({"csrf_token": "x"}))) == {}
        assert codec.load("\u00e9") == {}

    def test_non_object_payload_is_an_empty_session(self):
        key = Fernet.generate_key().decode()
        assert self.codec(key).load(Fernet(key).encrypt(b"[1, 2]").decode()) == {}

    def test_unknown_fields_are_dropped(self):
        key = Fernet.generate_key().decode()
        token = Fernet(key).encrypt(b'{"admin": true, "csrf_token": "c"}').decode()
        assert self.codec(key).load(token) == {"csrf_token": "c"}

    def test_old_key_still_decrypts_and_new_key_encrypts(self):
        old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
        legacy = self.codec(old).dump(Session({"csrf_token": "c"}))
        rotated = self.codec(new, old)
        assert rotated.load(legacy) == {"csrf_token": "c"}
        assert self.codec(new).load(rotated.dump(Session({"csrf_token": "c"}))) == {
            "csrf_token": "c"
        }


class TestSession:
    def test_csrf_check_is_strict(self):
        session = Session()
        assert not session.check_csrf("anything")
        token = session.csrf_token
        assert session.modified and session.check_csrf(token)
        assert not session.check_csrf("") and not session.check_csrf(None)
        assert not session.check_csrf(token + "x") and not session.check_csrf("\u00e9")

    def test_two_factor_credentials_expire(self):
        session = Session()
        session.remember_two_factor("e", "p", now=1000)
        assert session.pending_two_factor(now=1299) == ("e", "p")
        assert session.pending_two_factor(now=1300) is None

    def test_log_out_keeps_pending_request_and_messages(self):
        session = Session(
            {
                "access_token": "t",
                "session_id": "s",
                "authorize_params": [],
                "flashes": ["m"],
                "two_factor": {},
            }
        )
        session.log_out()
        assert set(session) == {"authorize_params", "flashes"}

    def test_flashes_are_read_once(self):
        session = Session()
        session.flash("one")
        session.flash("two")
        assert session.pop_flashes() == ["one", "two"] and session.pop_flashes() == []


class TestSealedRefreshTokens:
    FACTS = SealedRefresh(
        token="upstream-refresh",
        client_id="c1",
        user_id="u1",
        scope=("email", "openid"),
        auth_time=1700000000,
        amr=("pwd",),
    )

    def test_round_trip(self):
        tokens = SealedRefreshTokens(Fernet.generate_key().decode())
        assert tokens.open(tokens.seal(self.FACTS)) == self.FACTS

    def test_the_old_key_still_opens_during_a_rotation(self):
        old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
        sealed = SealedRefreshTokens(old).seal(self.FACTS)
        assert SealedRefreshTokens(new, old).open(sealed) == self.FACTS
        assert SealedRefreshTokens(new).open(sealed) is None

    def test_a_sealed_code_is_not_a_refresh_token(self):
        key = Fernet.generate_key().decode()
        code = Fernet(key).encrypt(b'{"token": "x"}').decode()  # what the code key seals
        assert SealedRefreshTokens(key).open(code) is None

    def test_the_upstream_token_stays_out_of_repr(self):
        assert "upstream-refresh" not in repr(self.FACTS)
