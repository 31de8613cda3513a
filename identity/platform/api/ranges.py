"""List paging by the ``Range`` header (heroku-api.md §1.5).

``Range: id <start>..<end>[; max=N][; order=desc]``, where ``]<start>``
excludes the start.  Pages hold 200 rows unless ``max`` asks for up to 1000.
The answer is 200 when every remaining row fits, else 206 with ``Next-Range``
to send back.
"""

from __future__ import annotations

import re

from identity.platform.api.errors import ApiError
from identity.platform.store.rows import IdRange

DEFAULT_MAX = 200
LARGEST_MAX = 1000
RANGE = re.compile(r"\s*(?P<field>\w+)\s+(?P<excl>\]?)(?P<start>[^.;\s]*)\.\.(?P<end>[^;\s]*)\s*")


def _unsatisfiable(message: str) -> ApiError:
    return ApiError(416, "requested_range_not_satisfiable", message)


def parse(header: str | None) -> IdRange:
    """The ids a Range header asks for."""
    if not header or not header.strip():
        return IdRange(size=DEFAULT_MAX)
    head, *options = header.split(";")
    found = RANGE.fullmatch(head)
    if not found or found["field"] != "id":
        raise _unsatisfiable("Only Range: id <start>..<end> is supported.")
    size, descending = DEFAULT_MAX, False
    for option in filter(None, (o.strip() for o in options)):
        key, _, value = option.partition("=")
        key, value = key.strip(), value.strip()
        if key == "max" and value.isascii() and value.isdigit() and int(value) >= 1:
            size = min(int(value), LARGEST_MAX)
        elif key == "order" and value in ("asc", "desc"):
            descending = value == "desc"
        else:
            raise _unsatisfiable(f"Unsupported Range option: {option}")
    return IdRange(found["start"], bool(found["excl"]), found["end"], descending, size)


def page(ids: IdRange, rows: list, id_of) -> tuple[list, int, dict[str, str]]:
    """The page of *rows* (fetched with one extra, ``ids.size + 1``): (rows, status, headers)."""
    headers = {"Accept-Ranges": "id"}
    status = 200
    if len(rows) > ids.size:
        rows = rows[: ids.size]
        status = 206
        suffix = f"; max={ids.size}" + ("; order=desc" if ids.descending else "")
        headers["Next-Range"] = f"id ]{id_of(rows[-1])}..{suffix}"
    if rows:
        headers["Content-Range"] = f"id {id_of(rows[0])}..{id_of(rows[-1])}"
    return rows, status, headers
