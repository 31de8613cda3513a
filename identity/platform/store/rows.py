"""Typed rows: the store answers with frozen dataclasses, never SQLAlchemy objects."""

from __future__ import annotations

import dataclasses
import json
from typing import Any, TypeVar

import sqlalchemy as sa

T = TypeVar("T")


def row_as(cls: type[T], row: Any) -> T | None:
    """*row* (a SQLAlchemy Row with the columns of *cls*) as a *cls*, or None."""
    if row is None:
        return None
    values = row._mapping
    return cls(**{field.name: values[field.name] for field in dataclasses.fields(cls)})


def rows_as(cls: type[T], rows) -> list[T]:
    return [row_as(cls, row) for row in rows]


def dumps(values: list[str]) -> str:
    """A list column's stored form (JSON array)."""
    return json.dumps(values)


def loads(text: str) -> list[str]:
    return json.loads(text)


@dataclasses.dataclass(frozen=True)
class IdRange:
    """A page of rows by id (heroku-api.md §1.5's ``Range: id a..b``)."""

    start: str = ""
    start_excluded: bool = False
    end: str = ""
    descending: bool = False
    size: int = 200

    def where(self, column) -> list:
        """The conditions on *column* (an id column) for this range."""
        low, high = (
            (column.__gt__, column.__lt__)
            if not self.descending
            else (
                column.__lt__,
                column.__gt__,
            )
        )
        conditions = []
        if self.start:
            if self.start_excluded:
                conditions.append(low(self.start))
            else:
                conditions.append(sa.or_(low(self.start), column == self.start))
        if self.end:
            conditions.append(sa.or_(high(self.end), column == self.end))
        return conditions

    def order(self, column):
        return column.desc() if self.descending else column.asc()
