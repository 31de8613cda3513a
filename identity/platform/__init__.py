"""The embedded Platform API: the subset of Heroku's Platform API v3 that Identity calls.

A WebOb WSGI app on SQLite (``make_app(settings)``), plus the service
functions the CLI uses (``accounts.create_user``, ``clients.create_client``,
...) on a ``Database`` from ``open_database(settings)``.  The contract is
``heroku-api.md``; the extensions (revoke, introspect, device flow, public
clients) are listed in docs/architecture.md.
"""

from identity.platform.app import PlatformApp, make_app, open_database
from identity.platform.db import Database

__all__ = ["Database", "PlatformApp", "make_app", "open_database"]
