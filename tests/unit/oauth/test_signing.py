"""ID_TOKEN_SIGNING_KEYS: PEM and JWK private keys, kids, the JWKS, verification."""

from __future__ import annotations

import json

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from identity.oauth.signing import (
    DEVELOPMENT_SIGNING_KEY,
    SigningKey,
    SigningKeys,
    new_private_key_pem,
    parse_keys,
    thumbprint,
)

ES = new_private_key_pem("ES256")
ISSUER = "https://identity.test"


def private_jwk(pem: str, **extra) -> dict:
    (key,) = parse_keys(pem)
    jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key.private_key))
    return {**jwk, **extra}


class TestParsing:
    def test_pem_blocks_one_after_another_first_signs(self):
        keys = SigningKeys.parse(ES + DEVELOPMENT_SIGNING_KEY)
        assert [k.alg for k in keys.keys] == ["ES256", "RS256"]
        assert keys.current.alg == "ES256"

    def test_a_jwk_keeps_its_kid(self):
        (key,) = parse_keys(json.dumps(private_jwk(ES, kid="2026-12")))
        assert key.kid == "2026-12" and key.alg == "ES256"

    def test_a_jwk_set(self):
        text = json.dumps({"keys": [private_jwk(ES, kid="a"), private_jwk(ES, kid="b")]})
        assert [k.kid for k in parse_keys(text)] == ["a", "b"]

    def test_without_a_kid_the_kid_is_the_rfc_7638_thumbprint(self):
        (key,) = parse_keys(ES)
        assert key.kid == thumbprint(key.public_jwk) and len(key.kid) == 43

    @pytest.mark.parametrize(
        "text",
        [
            "garbage",
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
            '{"kty": "EC"',
            "[1, 2]",
        ],
    )
    def test_unreadable_keys_are_refused(self, text):
        with pytest.raises(ValueError):
            parse_keys(text)

    def test_a_public_jwk_is_refused(self):
        public = {k: v for k, v in private_jwk(ES).items() if k != "d"}
        with pytest.raises(ValueError, match="private key"):
            parse_keys(json.dumps(public))

    def test_an_alg_that_does_not_fit_the_key_is_refused(self):
        with pytest.raises(ValueError, match=r"RSA|alg"):
            parse_keys(json.dumps(private_jwk(ES, alg="RS256")))

    def test_short_rsa_keys_and_other_curves_are_refused(self):
        with pytest.raises(ValueError, match="2048"):
            SigningKey(rsa.generate_private_key(public_exponent=65537, key_size=1024))
        with pytest.raises(ValueError, match="P-256"):
            SigningKey(ec.generate_private_key(ec.SECP384R1()))

    def test_two_keys_with_one_kid_are_refused(self):
        with pytest.raises(ValueError, match="same kid"):
            SigningKeys.parse(ES + ES)

    def test_repr_shows_no_secret(self):
        (key,) = parse_keys(ES)
        assert "PRIVATE" not in repr(key) and key.kid in repr(key)


class TestJwksAndVerify:
    def test_jwks_publishes_every_key_public_only(self):
        keys = SigningKeys.parse(ES + DEVELOPMENT_SIGNING_KEY)
        published = keys.jwks()["keys"]
        assert [k["kid"] for k in published] == [k.kid for k in keys.keys]
        assert all(k["use"] == "sig" and "d" not in k and "key_ops" not in k for k in published)

    def test_a_token_of_a_later_listed_key_verifies(self):
        old = SigningKeys.parse(ES)
        token = old.sign({"iss": ISSUER, "sub": "u1", "exp": 2**31})
        rotated = SigningKeys.parse(DEVELOPMENT_SIGNING_KEY + ES)
        assert rotated.verify(token, issuer=ISSUER)["sub"] == "u1"

    def test_a_token_of_a_dropped_key_does_not(self):
        token = SigningKeys.parse(ES).sign({"iss": ISSUER, "sub": "u1", "exp": 2**31})
        assert SigningKeys.parse(DEVELOPMENT_SIGNING_KEY).verify(token, issuer=ISSUER) is None

    def test_another_issuer_does_not_verify(self):
        keys = SigningKeys.parse(ES)
        token = keys.sign({"iss": "https://elsewhere.test", "sub": "u1", "exp": 2**31})
        assert keys.verify(token, issuer=ISSUER) is None

    def test_an_expired_hint_verifies_only_when_asked(self):
        keys = SigningKeys.parse(ES)
        token = keys.sign({"iss": ISSUER, "sub": "u1", "exp": 1})
        assert keys.verify(token, issuer=ISSUER) is None
        assert keys.verify(token, issuer=ISSUER, verify_exp=False)["sub"] == "u1"

    def test_alg_none_is_never_accepted(self):
        (key,) = parse_keys(ES)
        token = jwt.encode(
            {"iss": ISSUER, "sub": "u1"}, None, algorithm="none", headers={"kid": key.kid}
        )
        assert SigningKeys([key]).verify(token, issuer=ISSUER) is None
