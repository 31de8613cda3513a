"""The ``identity`` command: serve Identity or the embedded Platform API, manage its data.

Every sub-command reads the same PasteDeploy config (``--config``, default
``development.ini``) with the same environment overrides, prints one JSON
object on success, and on bad input prints one line to stderr and exits
non-zero — never a traceback.
"""

from __future__ import annotations

import argparse
import configparser
import os
import socket
import sys

import sqlalchemy.exc
from cryptography.fernet import Fernet

from identity import logs, startup
from identity.oauth.signing import ALGORITHMS, new_private_key_pem
from identity.platform.store.database import DatabaseURLError
from identity.settings import SettingsError, load_settings

DEFAULT_CONFIG = "development.ini"
PLATFORM_DEFAULT_PORT = 5100


class CommandError(Exception):
    """A user-facing failure: printed as one line, exit status 1."""


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help(sys.stderr)
        return 2
    try:
        return args.run(args) or 0
    except (CommandError, SettingsError, startup.ConfigFileError) as exc:
        print(f"identity: {exc}", file=sys.stderr)
        return 1
    except (OSError, DatabaseURLError) as exc:
        # A port in use, a database folder that doesn't exist, a read-only file:
        # the environment's fault, said in one line like any other bad input.
        print(f"identity: {exc}", file=sys.stderr)
        return 1
    except sqlalchemy.exc.SQLAlchemyError as exc:
        # A database that can't be reached or opened: its own words, one line.
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        print(f"identity: database: {reason}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="identity", description="Identity: login and OAuth 2.0 service."
    )
    parser.add_argument("--version", action="version", version=f"identity {startup.version()}")
    commands = parser.add_subparsers(metavar="COMMAND")

    serve = commands.add_parser("serve", help="serve Identity (and the embedded API by default)")
    serve.add_argument("config_file", nargs="?", metavar="CONFIG")
    _config_option(serve)
    serve.set_defaults(run=_serve)

    platform = commands.add_parser("platform", help="the embedded Platform API")
    platform_commands = platform.add_subparsers(metavar="COMMAND", required=True)
    platform_serve = platform_commands.add_parser("serve", help="serve the Platform API alone")
    platform_serve.add_argument("config_file", nargs="?", metavar="CONFIG")
    platform_serve.add_argument("--port", type=int, default=None)
    _config_option(platform_serve)
    platform_serve.set_defaults(run=_platform_serve)

    from identity.cli import admin as cli_admin

    cli_admin.register(commands)

    keygen = commands.add_parser(
        "keygen", help="print a new Fernet key, or with --signing an id_token signing key"
    )
    keygen.add_argument(
        "--signing", action="store_true", help="a PEM private key for ID_TOKEN_SIGNING_KEYS"
    )
    keygen.add_argument("--alg", choices=ALGORITHMS, default="RS256", help="with --signing")
    keygen.set_defaults(run=_keygen)
    return parser


def _keygen(args) -> None:
    if args.signing:
        print(new_private_key_pem(args.alg), end="")
    else:
        print(Fernet.generate_key().decode())


def _config_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="FILE", help=f"config file (default {DEFAULT_CONFIG})")


def _config_path(args) -> str:
    path = getattr(args, "config_file", None) or args.config or DEFAULT_CONFIG
    if not os.path.isfile(path):
        raise CommandError(f"config file not found: {path}")
    startup.check_config(path)
    return os.path.abspath(path)


def _settings(path: str, *, platform_only: bool = False):
    """The settings of config file *path*; *platform_only*: as the embedded API alone
    needs them (no Identity cookie or signing keys)."""
    from paste.deploy import appconfig

    try:
        values = appconfig(f"config:{path}")
    except (configparser.Error, LookupError, ImportError) as exc:
        # E.g. a %(name)s that names nothing, or a `use =` PasteDeploy can't find.
        raise CommandError(f"config file {path}: {startup.first_line(exc)}") from None
    values.pop("use", None)
    return load_settings(dict(values), platform_only=platform_only)


def _serve_metrics(settings) -> None:
    """The Prometheus ``/metrics`` server, when ``METRICS_PORT`` asks for one."""
    if not settings.metrics_port:
        return
    from identity import metrics

    host, port = settings.metrics_host, settings.metrics_port
    _check_listen(host, port)
    metrics.serve(host, port)
    logs.SERVER.info(
        "metrics on http://%s:%s/metrics", host, port, extra={"metrics": f"{host}:{port}"}
    )


def _server_options(path: str):
    """The config's [server:main] overridden by the environment (identity.serving)."""
    from paste.deploy.loadwsgi import SERVER, loadcontext

    from identity.serving import ServerOptionError, server_config

    options = dict(loadcontext(SERVER, f"config:{path}").config())
    for name in ("use", "here", "__file__", "host", "port", "listen"):
        options.pop(name, None)
    try:
        return server_config(options, os.environ)
    except ServerOptionError as exc:
        raise CommandError(str(exc)) from None


def _serve(args) -> None:
    from paste.deploy import loadapp

    path = _config_path(args)
    settings = _settings(path)
    startup.configure_logging(path, settings)
    _check_listen(settings.host, settings.port)
    app = loadapp(f"config:{path}")
    upstream = app.registry.api.upstream
    if upstream.platform is not None:
        upstream.platform.start_background()
        if settings.identity_env == "development":
            _demo(app, settings)
    _serve_metrics(settings)
    startup.announce("Identity", settings.host, settings.port, settings.public_url)
    try:
        _serve_forever(app, settings.host, settings.port, path)
    finally:
        # The mail worker finishes the delivery in progress; the pool closes.
        if upstream.platform is not None:
            upstream.platform.close()


def _demo(app, settings) -> None:
    """On a first start, make the demo data; on later ones, follow the port."""
    from identity.cli import admin as cli_admin

    try:
        # first_start: building the app created Identity's own client in a new database.
        if app.registry.api.upstream.first_start:
            cli_admin.print_demo(cli_admin.create_demo(settings), settings)
        else:
            cli_admin.follow_port(settings)
    except CommandError as exc:
        # Serving matters more than the demo (e.g. an http IDENTITY_URL
        # that is not loopback can't be a client's redirect URI).
        print(f"identity: no demo client: {exc}", file=sys.stderr)


def _platform_serve(args) -> None:
    from identity import platform
    from identity.observe import Observed

    path = _config_path(args)
    settings = _settings(path, platform_only=True)
    startup.configure_logging(path, settings)
    port = args.port or PLATFORM_DEFAULT_PORT
    _check_listen(settings.host, port)
    platform_app = platform.make_app(settings)
    platform_app.start_background()
    app = Observed(platform_app, "platform")
    _serve_metrics(settings)
    startup.announce("Platform API", settings.host, port)
    try:
        _serve_forever(app, settings.host, port, path, platform=True)
    finally:
        platform_app.close()


def _check_listen(host: str, port: int) -> None:
    """Fail in one line, before building anything, when *host*:*port* is taken.

    Waitress would leak its half-made sockets when the bind fails, and a first
    start would have made its database and demo data for nothing.
    """
    try:
        socket.create_server((host, port)).close()
    except OSError as exc:
        raise CommandError(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def _serve_forever(app, host: str, port: int, config_path: str, platform: bool = False) -> None:
    """Waitress on *host*:*port*, with the config's [server:main] options."""
    import waitress

    from identity.serving import wrap

    config = _server_options(config_path)
    app = wrap(app, config.proxies, platform=platform)
    waitress.serve(app, host=host, port=port, **config.waitress)
