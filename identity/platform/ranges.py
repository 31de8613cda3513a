"""List paging by the ``Range`` header (heroku-api.md §1.5).

``Range: id <start>..<end>[; max=N][; order=desc]``, where ``]<start>``
excludes the start.  Pages hold 200 rows unless ``max`` asks for up to 1000.
The answer is 200 when every remaining row fits, else 206 with ``Next-Range``
to send back; Identity accepts only 200, and sends ``max=1000``.
"""

from __future__ import annotations

import re

from identity.platform.db import Transaction
from identity.platform.errors import PlatformError

DEFAULT_MAX = 200
LARGEST_MAX = 1000
RANGE = re.compile(r"\s*(?P<field>\w+)\s+(?P<excl>\]?)(?P<start>[^.;\s]*)\.\.(?P<end>[^;\s]*)\s*")


def _unsatisfiable(message: str) -> PlatformError:
    return PlatformError(416, "requested_range_not_satisfiable", message)


def parse(header: str | None) -> tuple[str, bool, str, int, bool]:
    """(start, start excluded, end, max, descending) of a Range header."""
    if not header or not header.strip():
        return "", False, "", DEFAULT_MAX, False
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
    return found["start"], bool(found["excl"]), found["end"], size, descending


def page(tx: Transaction, sql: str, params: tuple, header: str | None):
    """Run *sql* (a SELECT with a WHERE clause, on a table with ``id``) for one page.

    Returns (rows, status, headers).
    """
    start, excluded, end, size, descending = parse(header)
    low, high = (">", "<") if not descending else ("<", ">")
    conditions, values = [], list(params)
    if start:
        conditions.append(f"id {low}{'' if excluded else '='} ?")
        values.append(start)
    if end:
        conditions.append(f"id {high}= ?")
        values.append(end)
    where = "".join(f" AND {c}" for c in conditions)
    order = "DESC" if descending else "ASC"
    rows = tx.all(f"{sql}{where} ORDER BY id {order} LIMIT ?", (*values, size + 1))
    headers = {"Accept-Ranges": "id"}
    status = 200
    if len(rows) > size:
        rows = rows[:size]
        status = 206
        suffix = f"; max={size}" + ("; order=desc" if descending else "")
        headers["Next-Range"] = f"id ]{rows[-1]['id']}..{suffix}"
    if rows:
        headers["Content-Range"] = f"id {rows[0]['id']}..{rows[-1]['id']}"
    return rows, status, headers
