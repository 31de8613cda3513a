"""id_token signing keys: configuration in, JWS and a JWK Set out (PyJWT does the JOSE).

``ID_TOKEN_SIGNING_KEYS`` holds one or more private keys, PEM blocks one
after another or JSON (a JWK, a list of JWKs, or a JWK Set).  The first key
signs; every key is published at ``jwks_uri``, so a new key can be published
before it signs and an old one kept until the tokens it signed have expired.
Only RSA (``RS256``, at least 2048 bits) and P-256 (``ES256``) keys are taken.

A key's ``kid`` is the one its JWK names, else its RFC 7638 thumbprint,
which is the same in every process that holds the same key: Identity stays
stateless.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import re
from collections.abc import Mapping

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

#: Development and tests sign with this (RS256, the algorithm every OpenID client must
#: take) when no key is configured; production refuses it.
DEVELOPMENT_SIGNING_KEY = """-----BEGIN PRIVATE KEY-----
MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQCMU2p2NzzYkH22
+4uJep+v0SVs5zmysZDOC/PtgaaiacER6C+JBLmtZnPfNKklqArWN/VTsBsbFQ6T
qlMZMgJdAu4aem4foR5eRZcY836c9QO9oDoOejj1cUZOnKn2CcV58HEyvduXx7+c
Mr1EFZTYOTlDCTg3AzSW+KRzFQVzOr7CdGRLsYrLjEudH+PZK7bnr7bAQ9JGKU7j
fee2FWqa9zrdhxBcsXere4TlhE2SZ95z367B4loaV2uOPCaIFwJ/tYYDhMp5B6ZX
N4eLbIcrHAg1yX56520iIs8Mk8swHmlFps4e3Cq0VlhrzLB0CcJNXF2bzv110DQd
T0jBGGQ3AgMBAAECggEABfzBKdc/zjpMDAb0vX3Mf5ny5pATrnGdrPGKwpfOcKAr
GQTJJLoUUO4EuxPqIojmay80DDbuiABuSe86zir5gtcGBccy9EA/XFJeqzWWMbFj
vgqur3gF2iMdKSKo9dLMVoUIHSVHhsKnYE1Yx7fC337vRa3RmRK7XkbVEgUdBiHZ
XPvhz2gVMVYV1mzapTVegwyw75gkO4fSmMKY+4Mw7k1KJwC4RivyEJWAEeIA9qA8
GW6X9d9Spsj0S7RjR+tKFgumPi1xsDLpUTzhV3s2V5F4TVrIwbuCiDf2CGvd3Oma
0a0eHAUA2RQCZTKkUM/hw9sBwylF5xOm5yA9wFTTIQKBgQDBXvPmwOyD8JJ/TG3S
xAbqSVUT+E47fLoylv3LH7VlqJi+fHJfA5gTud4kFh2Aid8BTJDxHgfdOlwIrdYF
1Jlm6taflrXUgJDx5M9ea80vaB3SXjz/SsVvMRh/kOXZkLrxEb4KF4Ajzdj236+f
4u6jSSYWnTD+Gp3MURe/1NUyjwKBgQC5xlByC7VAYDU5bBjlp++zIRutS9mDGCl3
89Kv66hbBiZdBCSi5/m+qR7tTeq9EngiqE2yozZ8oTBIHBr+HpP/bpMfYo6tyIqM
1NFxQgv9V+xAkcRHop/V/5CNVf8H98vPDtmxU7BUmxQlkCbC4LXQYs3XNbAUTV/X
oHS27udn2QKBgH7D05q7cJGSHUesf/aCoZHnXwnHZunie2H80AXgFJe/Ldr6VDPr
dD/CQllf0hlYyMPeQMqAiGFEB998rmiGFcZ9PxPBxhO38M1S1YqtmwZv99TYCJ7H
kqSxB8Fg6P12vsaYff+5pjxSjuBQhZ6IMy8CHiEHDX4XTskJhEsyqE0LAoGBAIRz
tot5eYMqlQgZ4C5ta+NlaZxHBhAHvBlACClRdblgSx3qhEx55IBhiCFdek3Py0O6
h5sj7wcwzYG8OCqSlqZ5qf+of128K7x5R9Leajn45AKtayo/8oHbMq7yb2C49eDt
D5z0tDW+U8DsZBZxrG+k4mncZ2wyNnFAf7al4usRAoGBAKs4n7h2nHHFzhhzvLx0
B5QSF/4BunPCzXtxUfs5ENTWXJNOM8QDTAiG/MbQso7aYfUGCppAJ8/PML1rFYFD
GO2r+1Pb2AAv1JMbLbKXhxhBJVuSCK/xEkVPklGx6rlhjyR/7xUJNxNNPnVIS7Oi
uuUP0fjPLYrSyo/7FZDgLMBS
-----END PRIVATE KEY-----
"""
ALGORITHMS = ("RS256", "ES256")
MIN_RSA_BITS = 2048
_PEM = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.+?-----END [A-Z ]*PRIVATE KEY-----", re.S)
#: RFC 7638 §3.2: the required members of each key type, in lexicographic order.
_THUMBPRINT_MEMBERS = {"RSA": ("e", "kty", "n"), "EC": ("crv", "kty", "x", "y")}


class SigningKey:
    """One private key with its ``kid`` and algorithm; its repr shows no secret."""

    def __init__(self, private_key, kid: str | None = None, alg: str | None = None):
        self.private_key = private_key
        self.alg = _algorithm(private_key)
        if alg is not None and alg != self.alg:
            raise ValueError(f"a key's alg {alg!r} does not fit its key type ({self.alg})")
        self.public_jwk = _public_jwk(private_key.public_key())
        self.kid = kid or thumbprint(self.public_jwk)

    def __repr__(self) -> str:
        return f"SigningKey(kid={self.kid!r}, alg={self.alg!r})"

    @property
    def published(self) -> dict:
        """The public JWK as ``jwks_uri`` shows it (RFC 7517 §4)."""
        return {**self.public_jwk, "kid": self.kid, "use": "sig", "alg": self.alg}


class SigningKeys:
    """The configured keys: the first signs, all verify and are published."""

    def __init__(self, keys):
        if not keys:
            raise ValueError("no signing key")
        kids = [key.kid for key in keys]
        if len(set(kids)) != len(kids):
            raise ValueError("two signing keys have the same kid")
        self.keys = tuple(keys)

    @classmethod
    def parse(cls, text: str) -> SigningKeys:
        return cls(parse_keys(text))

    @property
    def current(self) -> SigningKey:
        return self.keys[0]

    @property
    def algorithms(self) -> list[str]:
        """Every algorithm a published key signs with: what discovery advertises."""
        return sorted({key.alg for key in self.keys})

    def sign(self, claims: Mapping) -> str:
        key = self.current
        return jwt.encode(
            dict(claims), key.private_key, algorithm=key.alg, headers={"kid": key.kid}
        )

    def jwks(self) -> dict:
        return {"keys": [key.published for key in self.keys]}

    def verify(self, token: str, *, issuer: str, verify_exp: bool = True) -> dict | None:
        """The claims of an id_token this Identity signed, or None.

        Any published key will do (a hint may predate a rotation); ``aud``
        is the caller's to check.
        """
        try:
            kid = jwt.get_unverified_header(token).get("kid")
            key = next((k for k in self.keys if k.kid == kid), None)
            if key is None:
                return None
            return jwt.decode(
                token,
                key.private_key.public_key(),
                algorithms=[key.alg],
                issuer=issuer,
                options={"verify_aud": False, "verify_exp": verify_exp, "require": ["sub"]},
            )
        except jwt.PyJWTError:
            return None


@functools.lru_cache(maxsize=16)
def parse_keys(text: str) -> tuple[SigningKey, ...]:
    """The keys in *text*: PEM blocks, or JSON (a JWK, a list of them, a JWK Set).

    Cached: loading an RSA key checks it (tens of milliseconds), and settings
    and the app both read the same text at start-up.
    """
    return tuple(_parse_keys(text))


def _parse_keys(text: str) -> list[SigningKey]:
    text = text.strip()
    if text.startswith(("{", "[")):
        try:
            data = json.loads(text)
        except ValueError:
            raise ValueError("not valid JSON") from None
        if isinstance(data, dict):
            data = data.get("keys", [data])
        if not isinstance(data, list) or not all(isinstance(jwk, dict) for jwk in data):
            raise ValueError("expected a JWK, a list of JWKs or a JWK Set")
        return [_from_jwk(jwk) for jwk in data]
    blocks = _PEM.findall(text)
    if not blocks or _PEM.sub("", text).strip():
        raise ValueError("expected PEM private keys or JWKs")
    keys = []
    for block in blocks:
        try:
            private_key = serialization.load_pem_private_key(block.encode(), password=None)
        except (ValueError, TypeError):
            raise ValueError("a PEM block is not an unencrypted private key") from None
        keys.append(SigningKey(private_key))
    return keys


def _from_jwk(jwk: dict) -> SigningKey:
    if "d" not in jwk:
        raise ValueError("a JWK is a public key; signing needs the private key")
    if jwk.get("use", "sig") != "sig":
        raise ValueError("a JWK's use is not sig")
    try:
        private_key = jwt.PyJWK(jwk).key
    except jwt.PyJWTError as exc:
        raise ValueError(f"a JWK cannot be read: {exc}") from None
    return SigningKey(private_key, kid=jwk.get("kid"), alg=jwk.get("alg"))


def _algorithm(private_key) -> str:
    if isinstance(private_key, rsa.RSAPrivateKey):
        if private_key.key_size < MIN_RSA_BITS:
            raise ValueError(f"an RSA key has fewer than {MIN_RSA_BITS} bits")
        return "RS256"
    if (
        isinstance(private_key, ec.EllipticCurvePrivateKey)
        and private_key.curve.name == "secp256r1"
    ):
        return "ES256"
    raise ValueError("only RSA (RS256) and P-256 (ES256) keys are supported")


def _public_jwk(public_key) -> dict:
    algorithm = RSAAlgorithm if isinstance(public_key, rsa.RSAPublicKey) else ECAlgorithm
    jwk = algorithm.to_jwk(public_key, as_dict=True)
    # RFC 7517 §4.3: "use" (published) and "key_ops" should not both be present.
    jwk.pop("key_ops", None)
    return jwk


def thumbprint(public_jwk: Mapping) -> str:
    """RFC 7638: the SHA-256 of the key's required members, as compact sorted JSON."""
    members = {name: public_jwk[name] for name in _THUMBPRINT_MEMBERS[public_jwk["kty"]]}
    digest = hashlib.sha256(json.dumps(members, separators=(",", ":")).encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def new_private_key_pem(alg: str = "RS256") -> str:
    """A fresh private key for ``identity keygen --signing``, PKCS#8 PEM."""
    if alg == "RS256":
        key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    elif alg == "ES256":
        key = ec.generate_private_key(ec.SECP256R1())
    else:
        raise ValueError(f"unsupported alg {alg!r}")
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
