"""Raw SQL for tests that look into the database or set up a state directly.

Portable statements only (they also run on PostgreSQL); parameters by name,
``:name``.  The service itself never does this: its SQL lives in
``identity.platform.store``.
"""

from __future__ import annotations

import sqlalchemy


def execute(tx, statement: str, **params):
    return tx.conn.execute(sqlalchemy.text(statement), params)


def value(tx, statement: str, **params):
    return execute(tx, statement, **params).scalar()


def one(tx, statement: str, **params):
    row = execute(tx, statement, **params).first()
    return None if row is None else row._mapping


def read(db, statement: str, **params):
    """``value`` in a transaction of its own."""
    with db.transaction(write=False) as tx:
        return value(tx, statement, **params)


def dump(tx) -> str:
    """Every row of every table, as text: for "no secret is stored in plain" checks."""
    from identity.platform.store.tables import metadata

    rows = []
    for table in metadata.sorted_tables:
        rows.extend(repr(tuple(row)) for row in tx.conn.execute(table.select()))
    return "\n".join(rows)
