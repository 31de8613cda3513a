"""The embedded Platform API: the subset of Heroku's Platform API v3 that Identity calls.

Three layers, each importing only the ones below it (import-linter checks it):

- ``api/``: the WSGI app (``make_app(settings)``): HTTP in, Heroku-shaped JSON out;
- ``domain/``: the rules, as plain functions over the store with explicit
  inputs and named errors; the CLI, Identity's embedded provisioning and the
  test fixtures call these (``domain.accounts.create_user``, ...);
- ``store/``: the only SQL (SQLAlchemy Core), on SQLite or PostgreSQL, with
  Alembic migrations.

The contract is ``heroku-api.md``; the extensions (revoke, introspect,
device flow, public clients, several redirect URIs) are in docs/architecture.md.
"""

from identity.platform.api.app import PlatformApp, make_app, open_database
from identity.platform.store.database import Database

__all__ = ["Database", "PlatformApp", "make_app", "open_database"]
