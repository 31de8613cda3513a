"""``/health`` (= ``/health/live``) and ``/health/ready`` for load balancers and Identity.

Live: the process answers, without touching the database.  Ready: the
database answers (the transaction the view runs in has reached it; a
database that can't be reached is the app's 503 before the view runs).
"""

from __future__ import annotations

from identity.platform.api.http import Context, json_response


def live(ctx: Context | None):
    return json_response(200, {"status": "ok"})


def ready(ctx: Context):
    ctx.tx.ping()
    return json_response(200, {"status": "ok", "database": ctx.tx.dialect})
