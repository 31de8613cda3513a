"""identity.logs: the three line formats, the request context, the default format."""

from __future__ import annotations

import json
import logging

import pytest

from identity import logs
from identity.settings import SettingsError, load_settings
from tests.conftest import ISSUER, SIGNING_KEY


def _record(**extra) -> logging.LogRecord:
    record = logging.LogRecord(
        "identity.test", logging.INFO, __file__, 1, "hello %s", ("you",), None
    )
    record.__dict__.update(extra)
    return record


def test_json_lines_have_time_level_logger_message_and_the_extra_fields():
    line = json.loads(logs.formatter("json").format(_record(route="/login", status=200)))
    assert line["time"].endswith("Z") and "T" in line["time"]
    assert (line["level"], line["logger"], line["message"]) == (
        "INFO",
        "identity.test",
        "hello you",
    )
    assert (line["route"], line["status"]) == ("/login", 200)
    assert "taskName" not in line and "args" not in line


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("plain", "plain"),
        ("two words", '"two words"'),
        ('say "hi"', '"say \\"hi\\""'),
        ("a=b", '"a=b"'),
        ("line\nbreak", '"line\\nbreak"'),
        ("", '""'),
    ],
)
def test_logfmt_quotes_what_would_break_a_pair(value, written):
    line = logs.formatter("logfmt").format(_record(field=value))
    assert line.endswith(f" field={written}")


def test_text_starts_with_time_level_and_logger_then_pairs():
    line = logs.formatter("text").format(_record(route="/login"))
    assert line.split(" ", 1)[1] == "INFO    [identity.test] hello you route=/login"


def test_the_context_is_on_every_line_of_a_request_and_gone_after():
    handler = logs.ContextFilter()
    with logs.request_context(client_ip="192.0.2.1") as context:
        logs.annotate(route="/login", user_id=None)
        inside = _record()
        handler.filter(inside)
    outside = _record()
    handler.filter(outside)
    assert (inside.client_ip, inside.route) == ("192.0.2.1", "/login")
    assert not hasattr(inside, "user_id") and context.fields() == {
        "client_ip": "192.0.2.1",
        "route": "/login",
    }
    assert not hasattr(outside, "client_ip")


def test_annotate_outside_a_request_does_nothing():
    logs.annotate(route="/login")  # no context: no error, nothing kept
    record = _record()
    logs.ContextFilter().filter(record)
    assert not hasattr(record, "route")


@pytest.mark.parametrize(
    ("environment", "configured", "chosen"),
    [("production", "", "json"), ("development", "", "text"), ("production", "logfmt", "logfmt")],
)
def test_the_format_defaults_to_json_in_production_only(
    settings_values, environment, configured, chosen
):
    values = {**settings_values, "identity_env": environment, "log_format": configured}
    values["id_token_signing_keys"] = SIGNING_KEY
    if environment == "development":
        values["identity_url"] = ""
    settings = load_settings(values, environ={})
    assert logs.format_for(settings) == chosen


@pytest.mark.parametrize(("name", "value"), [("log_format", "xml"), ("metrics_port", "70000")])
def test_bad_operations_settings_are_refused_by_name(settings_values, name, value):
    with pytest.raises(SettingsError, match=name.upper()):
        load_settings({**settings_values, name: value}, environ={})


def test_the_metrics_server_is_off_and_on_loopback_by_default(settings_values):
    settings = load_settings({**settings_values, "identity_url": ISSUER}, environ={})
    assert (settings.metrics_port, settings.metrics_host) == (0, "127.0.0.1")
