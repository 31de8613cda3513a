"""What the `identity` command does first: config file checks, logging, the start-up line.

A config file that is not one (no sections, a line that is not
``name = value``, no ``[app:main]``) is one ``ConfigFileError`` line, never
PasteDeploy's or configparser's traceback.
"""

from __future__ import annotations

import configparser
import importlib.metadata
import logging
import logging.config
import os
import sys

from identity import logs


class ConfigFileError(Exception):
    """The config file can't be used; the message says why, in one line."""


def version() -> str:
    """The installed package's version (one source: setup.py, via its metadata)."""
    try:
        return importlib.metadata.version("identity")
    except importlib.metadata.PackageNotFoundError:
        return "unknown (not installed)"


def check_config(path: str) -> None:
    """Raise ``ConfigFileError`` unless *path* is an ini file with an ``[app:main]``."""
    parser = configparser.ConfigParser(interpolation=None)
    try:
        with open(path, encoding="utf-8") as file:  # unreadable: OSError, one line too
            parser.read_file(file, path)
    except configparser.MissingSectionHeaderError as exc:
        raise ConfigFileError(
            f"config file {path}: line {exc.lineno} comes before any [section] header"
        ) from None
    except configparser.ParsingError as exc:
        line = exc.errors[0][0] if exc.errors else "?"
        raise ConfigFileError(f"config file {path}: line {line} is not `name = value`") from None
    except (configparser.Error, UnicodeDecodeError) as exc:
        raise ConfigFileError(f"config file {path}: {first_line(exc)}") from None
    if not parser.has_section("app:main"):
        raise ConfigFileError(f"config file {path} has no [app:main] section")


def first_line(exc: Exception) -> str:
    """An exception's message, first line only (configparser's run over several)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def configure_logging(path: str, settings) -> None:
    """The config's logging sections (stderr at INFO without any), lines as ``LOG_FORMAT``."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(path, encoding="utf-8")
    if parser.has_section("loggers"):
        try:
            logging.config.fileConfig(
                path,
                {"__file__": path, "here": os.path.dirname(path)},
                disable_existing_loggers=False,
            )
        except (configparser.Error, KeyError, ValueError, ImportError) as exc:
            raise ConfigFileError(f"config file {path}: bad logging sections: {exc!r}") from None
    else:
        logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    logs.use_format(logs.format_for(settings))
    logs.skip_unused_record_fields()


def announce(what: str, host: str, port: int, issuer: str | None = None) -> None:
    """The start-up line: where it listens (and Identity's issuer), in every environment."""
    fields = {"listen": f"{host}:{port}"}
    if issuer:
        fields["issuer"] = issuer
    logs.SERVER.info(
        "%s listening on %s:%s%s",
        what,
        host,
        port,
        f", issuer {issuer}" if issuer else "",
        extra=fields,
    )
