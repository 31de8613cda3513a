"""Reading request bodies: typed accessors that answer 422 on a wrong type.

Identity serialises Ruby ``nil`` as JSON ``null`` (heroku-api.md §1.1), so a
null anywhere means "not given".
"""

from __future__ import annotations

from typing import Any

from identity.platform.api.errors import invalid_params


def section(body: dict, name: str) -> dict:
    """The nested object *name*, ``{}`` when missing or null."""
    value = body.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise invalid_params(f"{name} must be an object.")
    return value


def text(obj: dict, name: str, *, required: bool = False, label: str | None = None) -> str | None:
    """The string *name* of *obj*; 422 when it has another type or is required but missing."""
    value = obj.get(name)
    label = label or name
    if value is None or value == "":
        if required:
            raise invalid_params(f"{label} is required.")
        return None
    if not isinstance(value, str):
        raise invalid_params(f"{label} must be a string.")
    return value


def flag(obj: dict, name: str) -> bool:
    """A boolean option; missing or null is False."""
    value: Any = obj.get(name)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise invalid_params(f"{name} must be true or false.")
    return value


def client_id(body: dict) -> str | None:
    """``client`` as ``{"id": ...}`` (what Identity sends) or a plain id string (the schema)."""
    value = body.get("client")
    if isinstance(value, str):
        return value or None
    return text(section(body, "client"), "id", label="client.id")
