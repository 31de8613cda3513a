"""The ``identity`` command: serve Identity or the embedded Platform API, manage its data.

Every sub-command reads the same PasteDeploy config (``--config``, default
``development.ini``) with the same environment overrides, prints one JSON
object on success, and on bad input prints one line to stderr and exits
non-zero — never a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging.config
import os
import secrets
import socket
import sqlite3
import sys
from urllib.parse import urlencode

from cryptography.fernet import Fernet

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
    except (CommandError, SettingsError) as exc:
        print(f"identity: {exc}", file=sys.stderr)
        return 1
    except (OSError, sqlite3.Error) as exc:
        # A port in use, a database folder that doesn't exist, a read-only file:
        # the environment's fault, said in one line like any other bad input.
        print(f"identity: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="identity", description="Identity: login and OAuth 2.0 service."
    )
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

    user = commands.add_parser("user", help="accounts in the embedded API")
    user_commands = user.add_subparsers(metavar="COMMAND", required=True)
    user_add = user_commands.add_parser("add", help="create an account")
    user_add.add_argument("email")
    user_add.add_argument("--name")
    user_add.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    user_add.add_argument("--two-factor", action="store_true", help="enable TOTP two-factor")
    user_add.add_argument("--sms-number", help="phone number for SMS recovery codes")
    _config_option(user_add)
    user_add.set_defaults(run=_user_add)
    user_invite = user_commands.add_parser("invite", help="invite someone; prints the link")
    user_invite.add_argument("email")
    user_invite.add_argument("--name")
    _config_option(user_invite)
    user_invite.set_defaults(run=_user_invite)

    client = commands.add_parser("client", help="OAuth clients in the embedded API")
    client_commands = client.add_subparsers(metavar="COMMAND", required=True)
    client_add = client_commands.add_parser("add", help="register an OAuth client")
    client_add.add_argument("name")
    client_add.add_argument("--redirect-uri", required=True)
    client_add.add_argument("--description")
    client_add.add_argument("--trusted", action="store_true", help="skip the consent page")
    client_add.add_argument("--public", action="store_true", help="no secret; PKCE required")
    client_add.add_argument("--ignores-delinquent", action="store_true")
    client_add.add_argument(
        "--privileged", action="store_true", help="may create sessions (Identity's own client)"
    )
    _config_option(client_add)
    client_add.set_defaults(run=_client_add)

    keygen = commands.add_parser("keygen", help="print a new Fernet key")
    keygen.set_defaults(run=lambda args: print(Fernet.generate_key().decode()))
    return parser


def _config_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="FILE", help=f"config file (default {DEFAULT_CONFIG})")


def _config_path(args) -> str:
    path = getattr(args, "config_file", None) or args.config or DEFAULT_CONFIG
    if not os.path.isfile(path):
        raise CommandError(f"config file not found: {path}")
    return os.path.abspath(path)


def _settings(path: str):
    from paste.deploy import appconfig

    values = appconfig(f"config:{path}")
    values.pop("use", None)
    return load_settings(dict(values))


def _configure_logging(path: str) -> None:
    logging.config.fileConfig(
        path,
        {"__file__": path, "here": os.path.dirname(path)},
        disable_existing_loggers=False,
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


def _print(obj) -> None:
    print(json.dumps(obj, indent=2))


def _serve(args) -> None:
    from paste.deploy import loadapp

    path = _config_path(args)
    settings = _settings(path)
    _configure_logging(path)
    _check_listen(settings.host, settings.port)
    app = loadapp(f"config:{path}")
    # first_start: building the app created Identity's own client in a new embedded database.
    if app.registry.api.upstream.first_start and settings.identity_env == "development":
        try:
            _print_demo(_create_demo(settings), settings)
        except CommandError as exc:
            # Serving matters more than the demo (e.g. an http IDENTITY_URL
            # that is not loopback can't be a client's redirect URI).
            print(f"identity: no demo client: {exc}", file=sys.stderr)
    print(f"Identity on {settings.public_url}/", flush=True)
    _serve_forever(app, settings.host, settings.port, path)


def _platform_serve(args) -> None:
    from identity import platform

    path = _config_path(args)
    settings = _settings(path)
    _configure_logging(path)
    port = args.port or PLATFORM_DEFAULT_PORT
    _check_listen(settings.host, port)
    app = platform.make_app(settings)
    print(f"Platform API on http://{settings.host}:{port}/", flush=True)
    _serve_forever(app, settings.host, port, path, platform=True)


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


def _with_database(settings, action):
    """Run *action(db, clients_module)* on the embedded database, mapping its errors."""
    from identity import platform
    from identity.platform import clients
    from identity.platform.errors import PlatformError

    database = platform.open_database(settings)
    try:
        return action(database, clients)
    except PlatformError as exc:
        raise CommandError(exc.message) from None
    finally:
        database.close()


def _create_demo(settings) -> dict:
    """A demo account and client, so a first start can be tried at once (development only)."""
    from identity.platform import accounts

    password = secrets.token_urlsafe(12)

    def create(db, clients):
        user = accounts.create_user(
            db, settings, "demo@example.com", name="Demo User", password=password
        )
        client = clients.create_client(
            db,
            "Demo client",
            f"{settings.public_url}/demo/callback",
            description="A client created on first start to try the flow.",
        )
        return {"user": {**user, "password": password}, "client": client}

    return _with_database(settings, create)


def _print_demo(demo: dict, settings) -> None:
    client = demo["client"]
    query = urlencode(
        {
            "response_type": "code",
            "client_id": client["id"],
            "redirect_uri": client["redirect_uri"],
            "scope": "identity",
            "state": secrets.token_urlsafe(8),
        }
    )
    print("First start: created a demo account and a demo OAuth client.")
    _print(demo)
    print(
        f"Open this to try the flow:\n  {settings.public_url}/oauth/authorize?{query}\n", flush=True
    )


def _user_add(args) -> None:
    from identity.platform import accounts

    path = _config_path(args)
    settings = _settings(path)
    password = _read_password() if args.password_stdin else None
    _print(
        _with_database(
            settings,
            lambda db, clients: accounts.create_user(
                db,
                settings,
                args.email,
                name=args.name,
                password=password,
                two_factor=args.two_factor,
                sms_number=args.sms_number,
            ),
        )
    )


def _read_password() -> str:
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise CommandError("no password on standard input")
    return password


def _user_invite(args) -> None:
    from identity.platform import accounts

    settings = _settings(_config_path(args))
    _print(
        _with_database(
            settings,
            lambda db, clients: accounts.invite_user(db, settings, args.email, name=args.name),
        )
    )


def _client_add(args) -> None:
    settings = _settings(_config_path(args))
    _print(
        _with_database(
            settings,
            lambda db, clients: clients.create_client(
                db,
                args.name,
                args.redirect_uri,
                trusted=args.trusted,
                public=args.public,
                ignores_delinquent=args.ignores_delinquent,
                privileged=args.privileged,
                description=args.description,
            ),
        )
    )


if __name__ == "__main__":
    sys.exit(main())
