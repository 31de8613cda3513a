"""Logs: the line format (``LOG_FORMAT``), per-request context and security events.

Everything goes through stdlib ``logging``; this module only chooses how a
record is written and what it carries.  Three loggers matter to operators:

- ``identity.access``: one line per request (``identity.observe``),
- ``identity.audit``: one line per security event (``audit``), with ``event``,
- ``identity.server``: the start-up line (where it listens, the issuer).

The request's context (request id, client IP, route, user id, client id) lives
in a ``contextvars`` variable for the duration of a request, so every line
logged while serving it carries those fields without being passed them.
Nothing here ever receives a password, code, token, cookie or link secret:
callers pass ids and outcomes only.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import logging
import re
import time
from collections.abc import Iterator
from typing import Any

from pythonjsonlogger.core import RESERVED_ATTRS, BaseJsonFormatter
from pythonjsonlogger.json import JsonFormatter

from identity import metrics

FORMATS = ("json", "logfmt", "text")
AUDIT = logging.getLogger("identity.audit")
SERVER = logging.getLogger("identity.server")

#: What every line starts with; the rest of a record's fields follow.
_BASE_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s"
_RENAMED = {"asctime": "time", "levelname": "level", "name": "logger"}
#: LogRecord attributes that are not fields of a line (taskName is Python 3.12's).
_RESERVED = [*RESERVED_ATTRS, "taskName"]


@dataclasses.dataclass
class RequestContext:
    """What is known about the request being served; None until known."""

    #: Which app serves the request: ``identity`` or ``platform`` (``observe.Observed``).
    app: str | None = None
    request_id: str | None = None
    client_ip: str | None = None
    route: str | None = None
    user_id: str | None = None
    client_id: str | None = None

    def fields(self) -> dict[str, str]:
        # vars(), not dataclasses.asdict(): this runs for every line, and
        # asdict's deep copy was a third of an access line's cost.
        return {k: v for k, v in vars(self).items() if v is not None}


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "identity_request_context", default=None
)


@contextlib.contextmanager
def request_context(**fields: str | None) -> Iterator[RequestContext]:
    """A fresh context for one request (nested ones, the in-process API's, are restored)."""
    context = RequestContext(**fields)
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


def annotate(**fields: str | None) -> None:
    """Add what a view learnt (route, user id, client id) to the current request."""
    context = _current.get()
    if context is None:
        return
    for name, value in fields.items():
        if value is not None:
            setattr(context, name, str(value))


def audit(event: str, **fields: Any) -> None:
    """One security event: a line on ``identity.audit`` and its metrics.

    *event* is dotted (``login.failed``); *fields* are ids and outcomes,
    never a secret, and not named like a ``LogRecord`` attribute (``name``,
    ``message``...).  The request's context, with the app that serves it, is
    added by ``ContextFilter``.
    """
    extra = {k: v for k, v in fields.items() if v is not None}
    AUDIT.info(event, extra={"event": event, **extra})
    context = _current.get()
    metrics.count_event((context and context.app) or "identity", event, extra)


class ContextFilter(logging.Filter):
    """Adds the current request's context to every record a handler writes."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = _current.get()
        if context is not None:
            for name, value in context.fields().items():
                if not hasattr(record, name):
                    setattr(record, name, value)
        return True


class _UTCTimes:
    """Times as ISO 8601 in UTC (``2026-12-02T18:50:23.123Z``), whatever the machine's zone."""

    converter = time.gmtime
    default_time_format = "%Y-%m-%dT%H:%M:%S"
    default_msec_format = "%s.%03dZ"


class UTCJsonFormatter(_UTCTimes, JsonFormatter):
    """JSON lines (python-json-logger), one object per record."""


class LogfmtFormatter(_UTCTimes, BaseJsonFormatter):
    """``key=value`` lines (logfmt), with the same fields as the JSON lines."""

    def jsonify_log_record(self, log_data: dict[str, Any]) -> str:
        return " ".join(f"{key}={_logfmt_value(value)}" for key, value in log_data.items())


class TextFormatter(LogfmtFormatter):
    """For people at a terminal: time, level, logger and message, then key=value."""

    def jsonify_log_record(self, log_data: dict[str, Any]) -> str:
        head = "{time} {level:<7} [{logger}] {message}".format(**log_data)
        rest = {k: v for k, v in log_data.items() if k not in {"time", "level", "logger"}}
        rest.pop("message")
        return f"{head} {super().jsonify_log_record(rest)}".rstrip()


_SAFE_VALUE = re.compile(r"[^\s\"=\\]+")


def _logfmt_value(value: Any) -> str:
    text = "" if value is None else str(value)
    if _SAFE_VALUE.fullmatch(text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def formatter(log_format: str) -> logging.Formatter:
    """The formatter for *log_format* (one of ``FORMATS``)."""
    kinds = {"json": UTCJsonFormatter, "logfmt": LogfmtFormatter, "text": TextFormatter}
    return kinds[log_format](_BASE_FIELDS, rename_fields=dict(_RENAMED), reserved_attrs=_RESERVED)


def format_for(settings) -> str:
    """``LOG_FORMAT``, or by default JSON in production and text elsewhere."""
    return settings.log_format or ("json" if settings.production else "text")


#: Libraries whose DEBUG lines carry secrets: oauthlib prints codes and tokens,
#: urllib3 the paths of upstream calls (reset and invitation tokens are in them).
SECRET_LOGGING_LIBRARIES = ("oauthlib", "urllib3")


def guard_secret_logging_libraries() -> None:
    """Keep ``SECRET_LOGGING_LIBRARIES`` at INFO or above, whatever the root level."""
    for name in SECRET_LOGGING_LIBRARIES:
        library = logging.getLogger(name)
        if library.getEffectiveLevel() < logging.INFO:
            library.setLevel(logging.INFO)


def skip_unused_record_fields() -> None:
    """Stop ``logging`` working out what no line shows (a server's every request logs).

    The formats print neither the caller's file, line and function (finding
    them walks the stack, every record) nor the thread or process; the
    switches are the ones the logging HOWTO's "Optimization" section names.
    """
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False


def use_format(log_format: str, logger: logging.Logger | None = None) -> None:
    """Write every line of *logger*'s handlers (the root's) as *log_format*, with context.

    Runs after the config file's ``[loggers]`` sections, which keep choosing
    levels and handlers; only how a line looks is decided here (and that no
    library that logs secrets at DEBUG is let to).
    """
    guard_secret_logging_libraries()
    logger = logger or logging.getLogger()
    for handler in logger.handlers:
        handler.setFormatter(formatter(log_format))
        if not any(isinstance(f, ContextFilter) for f in handler.filters):
            handler.addFilter(ContextFilter())
