"""The store: the only modules of the embedded Platform API that hold SQL.

``database`` opens the engine (SQLite or PostgreSQL) and hands out
transactions; ``tables`` describes the schema; ``migrations`` builds and
upgrades it with Alembic; one module per aggregate holds its queries and
returns typed rows (frozen dataclasses), never SQLAlchemy objects.
"""
