"""Helpers of the RFC tests: Identity in front of the embedded Platform API.

Nothing is mocked: the ``world`` fixture (tests/conftest.py) builds Identity
as production builds it, with ``heroku_api_url`` empty, on a temporary
database.
"""

from __future__ import annotations

import base64
from urllib.parse import quote_plus

DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code"


def basic(client_id: str, secret: str) -> dict[str, str]:
    """RFC 6749 §2.3.1 HTTP Basic: both halves form-encoded first."""
    raw = f"{quote_plus(client_id)}:{quote_plus(secret)}".encode()
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


def assert_oauth_error(response, error: str, status: int = 400) -> dict:
    """An RFC 6749 §5.2 error: JSON, not cached, nothing but the error fields."""
    assert response.status_int == status
    assert response.content_type == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    body = response.json
    assert body["error"] == error, body
    assert set(body) <= {"error", "error_description", "error_uri"}
    return body
