"""GET /.well-known/jwks.json: the public keys that verify id_tokens (RFC 7517 §5)."""

from __future__ import annotations

import json

from webob import Response

#: Seconds that metadata and the JWKS may be cached: a key rotation waits at
#: least this long between publishing a new key and signing with it.
PUBLIC_MAX_AGE = 3600


def public_json(response: Response) -> Response:
    """Public, identical for everyone: any web page may read it (RFC 8414 §3), and
    caches may keep it for ``PUBLIC_MAX_AGE``."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.cache_control = f"public, max-age={PUBLIC_MAX_AGE}"
    return response


def jwks(request) -> Response:
    """Every configured key, the signing one first, each with ``kid``, ``use`` and ``alg``."""
    response = Response(
        body=json.dumps(request.registry.signing.jwks()).encode(),
        content_type="application/jwk-set+json",
        charset=None,
    )
    return public_json(response)
