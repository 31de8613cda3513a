"""Alembic's environment: migrate on the connection ``store.migrations`` hands over.

That connection is already inside the transaction that holds the migration
lock, so Alembic runs every revision in it (``begin_transaction`` is then a
no-op): all of them commit together, or none does.
"""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None)
with context.begin_transaction():
    context.run_migrations()
