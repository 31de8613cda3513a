"""Pytest plugin: every log line of the whole run, checked for the secrets the tests use.

Each test starts with the root logger at DEBUG writing JSON lines into one
buffer (tests that configure logging themselves, as ``identity serve`` does,
get it back at the next test).  At the end, every module-level secret of the
test modules (``PASSWORD``, ``*_SECRET``, ``*_TOKEN`` ... constants) must be
absent from it; the run fails naming the constants that leaked.
``tests/functional/test_logs.py`` does the same for the secrets a flow makes.
"""

from __future__ import annotations

import io
import logging
import re
import sys

from identity import logs

_SECRET_NAME = re.compile(r"[A-Z_]*(PASSWORD|SECRET|TOKEN)[A-Z_]*")
_written = io.StringIO()
_handler = logging.StreamHandler(_written)
_handler.setFormatter(logs.formatter("json"))
_handler.addFilter(logs.ContextFilter())
# The browser test's driver logs every keystroke it sends at DEBUG: the test's
# own client, not Identity, whose lines are what is checked.
_handler.addFilter(lambda record: not record.name.startswith("selenium"))


def pytest_runtest_setup(item):
    root = logging.getLogger()
    if _handler not in root.handlers:
        root.addHandler(_handler)
    root.setLevel(logging.DEBUG)
    logs.guard_secret_logging_libraries()


def _test_secrets() -> dict[str, str]:
    found = {}
    for name, module in list(sys.modules.items()):
        if not name.startswith("tests."):
            continue
        for constant, value in vars(module).items():
            if _SECRET_NAME.fullmatch(constant) and isinstance(value, str) and len(value) >= 8:
                found[f"{name}.{constant}"] = value
    return found


def pytest_sessionfinish(session, exitstatus):
    logging.getLogger().removeHandler(_handler)
    written = _written.getvalue()
    leaked = sorted(name for name, value in _test_secrets().items() if value in written)
    if leaked:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        reporter.write_line(f"secrets found in the run's log lines: {', '.join(leaked)}", red=True)
        session.exitstatus = 1
