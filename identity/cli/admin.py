"""The ``identity db|user|client`` commands: the embedded API's data, through its domain.

Each opens the database of the config (``DATABASE_URL``: SQLite or
PostgreSQL), applies pending migrations unless it is ``db current``, calls
one domain function and prints JSON: one object, or an array for ``list``.
A domain refusal (unknown account, bad URI, duplicate email) is one line on
stderr and exit 1, like every other bad input (``identity.cli.main``).
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
from collections.abc import Callable
from urllib.parse import urlencode

#: The demo client's id: ``identity client show demo`` finds it again.
DEMO_CLIENT_ID = "demo"
DEMO_EMAIL = "demo@example.com"


def _cli():
    # identity.cli imports this module; its helpers are read at call time.
    import identity.cli

    return identity.cli


def register(commands) -> None:
    """Add the ``db``, ``user`` and ``client`` sub-commands to *commands*."""
    cli = _cli()
    db = commands.add_parser("db", help="the embedded API's database")
    db_commands = db.add_subparsers(metavar="COMMAND", required=True)
    for name, help, run in (
        ("upgrade", "apply pending migrations", _db_upgrade),
        ("current", "print the schema revision", _db_current),
    ):
        command = db_commands.add_parser(name, help=help)
        cli._config_option(command)
        command.set_defaults(run=run)

    user = commands.add_parser("user", help="accounts in the embedded API")
    users = user.add_subparsers(metavar="COMMAND", required=True)
    add = _command(users, "add", "create an account", _user_add)
    add.add_argument("email")
    add.add_argument("--name")
    add.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    add.add_argument("--two-factor", action="store_true", help="enable TOTP two-factor")
    add.add_argument("--sms-number", help="phone number for SMS recovery codes")
    invite = _command(users, "invite", "invite someone; prints the link", _user_invite)
    invite.add_argument("email")
    invite.add_argument("--name")
    _command(users, "list", "list every account", _user_list)
    for name, help, run in (
        ("show", "one account", _user_show),
        ("suspend", "suspend an account (its logins end)", _user_suspend),
        ("unsuspend", "lift a suspension", _user_unsuspend),
        ("delete", "delete an account and everything it owns", _user_delete),
        ("reset-two-factor", "turn two-factor off (lost devices)", _user_reset_two_factor),
    ):
        _command(users, name, help, run).add_argument("user", metavar="EMAIL_OR_ID")
    update = _command(users, "update", "change an account", _user_update)
    update.add_argument("user", metavar="EMAIL_OR_ID")
    update.add_argument("--name")
    update.add_argument("--email")
    update.add_argument("--sms-number", help='"" removes it')

    client = commands.add_parser("client", help="OAuth clients in the embedded API")
    clients = client.add_subparsers(metavar="COMMAND", required=True)
    add = _command(clients, "add", "register an OAuth client", _client_add)
    add.add_argument("name")
    _client_options(add, required=True)
    add.add_argument("--public", action="store_true", help="no secret; PKCE required")
    add.add_argument(
        "--privileged", action="store_true", help="may create sessions (Identity's own client)"
    )
    _command(clients, "list", "list every client", _client_list)
    for name, help, run in (
        ("show", "one client", _client_show),
        ("rotate-secret", "a new secret (shown once); the old one stops working", _client_rotate),
        ("delete", "delete a client with its authorizations and tokens", _client_delete),
    ):
        _command(clients, name, help, run).add_argument("client_id", metavar="CLIENT_ID")
    update = _command(clients, "update", "change a client", _client_update)
    update.add_argument("client_id", metavar="CLIENT_ID")
    update.add_argument("--name")
    _client_options(update, required=False)


def _command(commands, name: str, help: str, run: Callable) -> argparse.ArgumentParser:
    command = commands.add_parser(name, help=help)
    _cli()._config_option(command)
    command.set_defaults(run=run)
    return command


def _client_options(parser: argparse.ArgumentParser, *, required: bool) -> None:
    parser.add_argument(
        "--redirect-uri",
        action="append",
        required=required,
        help="an exact redirect URI (repeat for several; the first is the default)",
    )
    parser.add_argument(
        "--post-logout-redirect-uri",
        action="append",
        help="where OpenID Connect logout may send the person back (repeatable)",
    )
    parser.add_argument("--description")
    flag = {"action": argparse.BooleanOptionalAction, "default": None if not required else False}
    parser.add_argument("--trusted", help="skip the consent page", **flag)
    parser.add_argument("--ignores-delinquent", **flag)


def with_database(settings, action: Callable, *, migrate: bool = True):
    """Run *action(db)* on the embedded database; a domain refusal is a CommandError."""
    from identity import platform
    from identity.platform.domain.errors import DomainError

    database = platform.open_database(settings, migrate=migrate)
    try:
        return action(database)
    except DomainError as exc:
        raise _cli().CommandError(exc.message) from None
    finally:
        database.close()


def _run(args, action: Callable) -> None:
    """Print what *action(db, settings)* returns, on the config's database."""
    cli = _cli()
    settings = cli._settings(cli._config_path(args), platform_only=True)
    _print(with_database(settings, lambda db: action(db, settings)))


def _print(obj) -> None:
    print(json.dumps(obj, indent=2))


def _db_upgrade(args) -> None:
    from identity.platform.store import schema

    def upgrade(db, settings):
        before, after = schema.upgrade(db)
        return {"from": before, "to": after}

    cli = _cli()
    settings = cli._settings(cli._config_path(args), platform_only=True)
    _print(with_database(settings, lambda db: upgrade(db, settings), migrate=False))


def _db_current(args) -> None:
    from identity.platform.store import schema

    cli = _cli()
    settings = cli._settings(cli._config_path(args), platform_only=True)
    current = with_database(settings, schema.current, migrate=False)
    _print({"current": current, "head": schema.head()})


def _user_add(args) -> None:
    from identity.platform.domain import accounts

    password = _read_password() if args.password_stdin else None
    _run(
        args,
        lambda db, settings: accounts.create_user(
            db,
            settings,
            args.email,
            name=args.name,
            password=password,
            two_factor=args.two_factor,
            sms_number=args.sms_number,
        ),
    )


def _read_password() -> str:
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise _cli().CommandError("no password on standard input")
    return password


def _user_invite(args) -> None:
    from identity.platform.domain import accounts

    cli = _cli()
    settings = cli._settings(cli._config_path(args), platform_only=True)
    invited = with_database(
        settings, lambda db: accounts.invite_user(db, settings, args.email, name=args.name)
    )
    if invited.pop("mail_queued", False):
        print(
            "identity: the invitation mail could not be sent now; it stays queued and a "
            "running `identity serve` or `identity platform serve` retries it",
            file=sys.stderr,
        )
    _print(invited)


def _user_list(args) -> None:
    from identity.platform.domain import accounts

    _run(args, lambda db, settings: accounts.list_users(db))


def _user_show(args) -> None:
    from identity.platform.domain import accounts

    _run(args, lambda db, settings: accounts.show_user(db, args.user))


def _user_update(args) -> None:
    from identity.platform.domain import accounts

    _run(
        args,
        lambda db, settings: accounts.update_user(
            db, args.user, name=args.name, email=args.email, sms_number=args.sms_number
        ),
    )


def _user_suspend(args) -> None:
    from identity.platform.domain import accounts

    _run(args, lambda db, settings: accounts.set_state(db, args.user, suspended=True))


def _user_unsuspend(args) -> None:
    from identity.platform.domain import accounts

    _run(args, lambda db, settings: accounts.set_state(db, args.user, suspended=False))


def _user_delete(args) -> None:
    from identity.platform.domain import accounts

    _run(args, lambda db, settings: accounts.delete_user(db, args.user))


def _user_reset_two_factor(args) -> None:
    from identity.platform.domain import accounts

    _run(args, lambda db, settings: accounts.reset_two_factor(db, settings, args.user))


def _client_add(args) -> None:
    from identity.platform.domain import clients

    if args.public and args.privileged:
        # Identity's own client proves itself with its secret; a public one has none.
        raise _cli().CommandError("--public and --privileged exclude each other")
    _run(
        args,
        lambda db, settings: clients.create_client(
            db,
            args.name,
            args.redirect_uri,
            post_logout_redirect_uris=args.post_logout_redirect_uri or (),
            trusted=args.trusted,
            public=args.public,
            ignores_delinquent=args.ignores_delinquent,
            privileged=args.privileged,
            description=args.description,
        ),
    )


def _client_list(args) -> None:
    from identity.platform.domain import clients

    _run(args, lambda db, settings: clients.list_clients(db))


def _client_show(args) -> None:
    from identity.platform.domain import clients

    _run(args, lambda db, settings: clients.show_client(db, args.client_id))


def _client_update(args) -> None:
    from identity.platform.domain import clients

    _run(
        args,
        lambda db, settings: clients.update_client(
            db,
            args.client_id,
            name=args.name,
            description=args.description,
            redirect_uris=args.redirect_uri,
            post_logout_redirect_uris=args.post_logout_redirect_uri,
            trusted=args.trusted,
            ignores_delinquent=args.ignores_delinquent,
        ),
    )


def _client_rotate(args) -> None:
    from identity.platform.domain import clients

    _run(args, lambda db, settings: clients.rotate_secret(db, args.client_id))


def _client_delete(args) -> None:
    from identity.platform.domain import clients

    _run(args, lambda db, settings: clients.delete_client(db, args.client_id))


# -- the demo data of a first start (development) ---------------------------------


def demo_redirect_uri(settings) -> str:
    return f"{settings.public_url}/demo/callback"


def create_demo(settings) -> dict:
    """A demo account and client, so a first start can be tried at once (development only)."""
    from identity.platform.domain import accounts, clients

    password = secrets.token_urlsafe(12)

    def create(db):
        user = accounts.create_user(db, settings, DEMO_EMAIL, name="Demo User", password=password)
        client = clients.create_client(
            db,
            "Demo client",
            demo_redirect_uri(settings),
            description="A client created on first start to try the flow.",
            client_id=DEMO_CLIENT_ID,
        )
        return {"user": {**user, "password": password}, "client": client}

    return with_database(settings, create)


def follow_port(settings) -> None:
    """Point the demo client at this start's address (PORT may differ from the first start's)."""
    from identity.platform.domain import clients

    def update(db):
        client = clients.find_client(db, DEMO_CLIENT_ID)
        uri = demo_redirect_uri(settings)
        if client is not None and client.uris != [uri]:
            clients.update_client(db, DEMO_CLIENT_ID, redirect_uris=[uri])

    with_database(settings, update)


def print_demo(demo: dict, settings) -> None:
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
        f"Open this to try the flow:\n  {settings.public_url}/oauth/authorize?{query}\n"
        f"(`identity client show {DEMO_CLIENT_ID}` shows the client again.)\n",
        flush=True,
    )
