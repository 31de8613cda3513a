"""Health: ``/health/live`` (this process answers) and ``/health/ready`` (its API answers).

Live asks nothing of the API, so an API outage never gets Identity restarted;
ready is for load balancers and orchestrators deciding whether to send traffic.
"""

from __future__ import annotations

from webob import Response


def live(request) -> Response:
    """GET /health/live (and /health): the process is up and configured."""
    return Response(json_body={"status": "ok"})


def ready(request) -> Response:
    """GET /health/ready: 200 when the API answers ``GET /health`` in time, else 503.

    The embedded API (or an ``identity platform serve`` of ours) answers 200
    only after asking its database, so only a 200 counts.  A remote API may
    not have a ``/health`` at all (Heroku's answers 404): any answer below
    500 shows it reachable, which is all Identity can know without a token.
    """
    settings = request.settings
    status = request.api.health_status(settings.health_timeout)
    reachable = status is not None and status < 500
    if status == 200 or (reachable and not settings.embedded):
        return Response(json_body={"status": "ok"})
    return Response(status=503, json_body={"status": "unavailable", "upstream": status})
