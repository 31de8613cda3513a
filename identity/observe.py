"""WSGI middleware around an app (Identity's or the Platform API's): access line and metrics.

For every request it opens a logging context (``identity.logs``), calls the
app, and then writes one access line and moves the request metrics.  The
app names the route *pattern* with ``logs.annotate(route=...)``; a request
it did not name (no route matched) is logged as ``-``, never by its raw path,
which can carry reset and invitation secrets.  The request id is the
``Request-Id`` the app answered with, so both apps need nothing more.
"""

from __future__ import annotations

import logging
import time

from identity import logs, metrics

#: The route of a request the app did not name.
UNNAMED_ROUTE = "-"


class Observed:
    """*app*, with one line per request on *logger* and the ``app=name`` metrics."""

    def __init__(self, app, name: str, logger: str = "identity.access"):
        self.app = app
        self.name = name
        self.log = logging.getLogger(logger)

    def __getattr__(self, attribute: str):
        # The wrapped app's own interface (Identity's registry, the platform's close()).
        return getattr(self.app, attribute)

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        answered: dict[str, str | int] = {}

        def recording_start_response(status, headers, exc_info=None):
            answered["status"] = int(status.split(" ", 1)[0])
            answered["request_id"] = next(
                (v for k, v in headers if k.lower() == "request-id"), None
            )
            return start_response(status, headers, exc_info)

        with logs.request_context(app=self.name, client_ip=environ.get("REMOTE_ADDR")) as context:
            try:
                body = self.app(environ, recording_start_response)
            except Exception:
                answered["status"] = 500
                raise
            finally:
                # Both apps answer with a ready body (WebOb responses), so the
                # time to here is the time to answer.
                self._record(environ, context, answered, time.perf_counter() - started)
        return body

    def _record(self, environ, context: logs.RequestContext, answered: dict, seconds: float):
        method = environ.get("REQUEST_METHOD", "")
        route = context.route or UNNAMED_ROUTE
        status = int(answered.get("status", 500))
        if answered.get("request_id"):
            context.request_id = str(answered["request_id"])
        duration_ms = round(seconds * 1000, 1)
        self.log.info(
            "%s %s %s %sms",
            method,
            route,
            status,
            duration_ms,
            extra={
                **context.fields(),
                "method": method,
                "route": route,
                "status": status,
                "duration_ms": duration_ms,
            },
        )
        metrics.observe_request(self.name, method, route, status, seconds)
