"""Settings: one table of name -> converter and default, read once at start-up.

Values come from the PasteDeploy ``[app:main]`` section (lower-case keys) and
are overridden by environment variables of the upper-case name, as a platform
sets config vars rather than files.  Unknown keys and bad values are refused
at start-up with a message naming the setting.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import os
from collections.abc import Callable, Mapping
from typing import Any

from cryptography.fernet import Fernet

from identity.oauth.signing import DEVELOPMENT_SIGNING_KEY, parse_keys

#: Keys shipped in development.ini and the test-suite; production refuses them.
DEVELOPMENT_KEYS = frozenset(
    {
        "ZGV2ZWxvcG1lbnQta2V5LWNvb2tpZS0wMDAwMDAwMDA=",
        "ZGV2ZWxvcG1lbnQta2V5LXJvb3QtZG9tYWluLTAwMDA=",
        "ZGV2ZWxvcG1lbnQta2V5LXNlYWxlZC1jb2RlLTAwMDA=",
        "ZGV2ZWxvcG1lbnQta2V5LXBsYXRmb3JtLTAwMDAwMDA=",
    }
)


class SettingsError(ValueError):
    """A setting is missing, malformed or unsafe; the message names it."""


def _bool(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected true or false, got {value!r}")


def _positive_int(value: str) -> int:
    number = int(value)
    if number <= 0:
        raise ValueError(f"expected a positive whole number, got {value!r}")
    return number


def _positive_float(value: str) -> float:
    number = float(value)
    if number <= 0:
        raise ValueError(f"expected a positive number, got {value!r}")
    return number


def _text(value: str) -> str:
    return value.strip()


def _url(value: str) -> str:
    return value.strip().rstrip("/")


def _host_list(value: str) -> tuple[str, ...]:
    return tuple(h.strip().lower() for h in value.replace(",", " ").split() if h.strip())


def _auto_bool(value: str) -> bool | None:
    """``auto`` (or empty) means None: decided from other settings."""
    return None if value.strip().lower() in {"", "auto"} else _bool(value)


def _signing_keys(value: str) -> str:
    """PEM or JWK private keys, checked here so a bad one stops the start."""
    value = value.strip()
    if value:
        parse_keys(value)
    return value


def _port_or_off(value: str) -> int:
    number = int(value)
    if not 0 <= number <= 65535:
        raise ValueError(f"expected a TCP port, or 0 for off, got {value!r}")
    return number


def _log_format(value: str) -> str:
    value = value.strip().lower()
    if value not in {"", "json", "logfmt", "text"}:
        raise ValueError("expected json, logfmt or text")
    return value


def _environment(value: str) -> str:
    value = value.strip().lower()
    if value not in {"development", "production", "test"}:
        raise ValueError("expected development, production or test")
    return value


@dataclasses.dataclass(frozen=True)
class Option:
    converter: Callable[[str], Any]
    default: Any
    help: str
    secret: bool = False


# name -> option.  The environment variable is the upper-case name.
OPTIONS: dict[str, Option] = {
    "identity_env": Option(_environment, "development", "development, test or production"),
    "port": Option(_positive_int, 5000, "TCP port Identity listens on"),
    "host": Option(_text, "127.0.0.1", "interface Identity listens on"),
    "identity_url": Option(
        _url, "", "public base URL of Identity (the OAuth issuer); default http://HOST:PORT"
    ),
    # Upstream Platform API.  Empty means: run the embedded Platform API.
    "heroku_api_url": Option(_url, "", "upstream Platform API base URL; empty = embedded"),
    "platform_extensions": Option(
        _auto_bool,
        None,
        "true if the API has the revoke/introspect/device extensions of docs/architecture.md;"
        " auto = only the embedded API",
    ),
    "heroku_oauth_id": Option(_text, "", "Identity's own OAuth client id at the API"),
    "heroku_oauth_secret": Option(_text, "", "Identity's own OAuth client secret", secret=True),
    "api_connect_timeout": Option(_positive_float, 3.05, "seconds to connect to the API"),
    "api_read_timeout": Option(_positive_float, 10.0, "seconds to wait for an API answer"),
    "api_max_concurrency": Option(
        _positive_int,
        6,
        "threads that may wait on the API at once; more fail fast (keep below THREADS)",
    ),
    "api_breaker_failures": Option(
        _positive_int, 5, "API timeouts or connection failures in a row that open the breaker"
    ),
    "api_breaker_reset": Option(
        _positive_float, 30.0, "seconds the open breaker fails calls before trying the API again"
    ),
    # Cookies.
    "cookie_encryption_key": Option(_text, "", "Fernet key of identity-session", secret=True),
    "old_cookie_encryption_key": Option(_text, "", "previous cookie key, still read", secret=True),
    "heroku_root_domain_cookie_encryption_key": Option(
        _text, "", "Fernet key of heroku_user_session", secret=True
    ),
    "old_heroku_root_domain_cookie_encryption_key": Option(
        _text,
        "",
        "accepted as the seed's config var and checked, but unused: Identity only writes "
        "heroku_user_session, sibling sites read it",
        secret=True,
    ),
    "cookie_expire_after": Option(_positive_int, 2592000, "session cookie max age, seconds"),
    "heroku_cookie_domain": Option(_text, "", "domain of the heroku_* sibling-site cookies"),
    # Where people are sent.
    "dashboard_url": Option(_url, "", "where a login without a pending request lands"),
    "signup_url": Option(_url, "", "external signup app; empty = none"),
    "sso_base_url": Option(_url, "", "SSO hand-off base URL; empty = off"),
    "login_external_secret": Option(_text, "", "HS256 secret of /login/external", secret=True),
    "password_reset_ip_limit": Option(
        _positive_int,
        20,
        "reset-link requests per client IP per hour (the embedded API counts them in its store)",
    ),
    "logout_redirect_hosts": Option(
        _host_list, (), "hosts that /logout?url= may redirect to (exact match)"
    ),
    # Sealed authorization codes and other stateless envelopes.
    "sealed_code_key": Option(_text, "", "Fernet key that seals authorization codes", secret=True),
    "sealed_code_expires_in": Option(_positive_int, 300, "sealed code lifetime, seconds"),
    "old_sealed_code_key": Option(
        _text,
        "",
        "previous sealed-code key: codes and sealed refresh tokens it sealed still open",
        secret=True,
    ),
    # OpenID Connect.
    "id_token_signing_keys": Option(
        _signing_keys,
        "",
        "PEM or JWK private keys (RS256/ES256); the first signs id_tokens, all are in the JWKS;"
        " empty = the development key (refused in production)",
        secret=True,
    ),
    "id_token_expires_in": Option(_positive_int, 3600, "id_token lifetime, seconds"),
    # Embedded Platform API.
    "database_url": Option(
        _text,
        "identity.sqlite3",
        "the embedded API's database: a SQLite path or sqlite:///PATH, or postgres://USER:PASS@HOST/DB",
    ),
    "platform_encryption_key": Option(
        _text, "", "Fernet key for TOTP secrets at rest", secret=True
    ),
    "outbox_dir": Option(_text, "outbox", "folder that receives one .eml per message"),
    "smtp_url": Option(_text, "", "smtp://user:pass@host:port; empty = outbox folder", secret=True),
    "mail_from": Option(_text, "Identity <identity@localhost>", "From: of outgoing mail"),
    "grant_expires_in": Option(_positive_int, 300, "grant code lifetime, seconds"),
    "access_token_expires_in": Option(_positive_int, 7200, "access token lifetime, seconds"),
    "refresh_token_expires_in": Option(_positive_int, 2592000, "refresh token lifetime, seconds"),
    "session_expires_in": Option(_positive_int, 2592000, "API session lifetime, seconds"),
    "password_reset_expires_in": Option(_positive_int, 3600, "reset link lifetime, seconds"),
    "invitation_expires_in": Option(_positive_int, 604800, "invitation lifetime, seconds"),
    "email_change_expires_in": Option(_positive_int, 86400, "email-change link lifetime, seconds"),
    "sms_code_expires_in": Option(_positive_int, 300, "SMS recovery code lifetime, seconds"),
    "device_code_expires_in": Option(_positive_int, 600, "device code lifetime, seconds"),
    "device_code_interval": Option(_positive_int, 5, "device polling interval, seconds"),
    "refresh_reuse_grace": Option(
        _positive_int, 10, "seconds a rotated refresh token still yields its successor"
    ),
    "platform_trusted_proxies": Option(
        _host_list,
        ("127.0.0.1", "::1"),
        "peers whose X-Forwarded-For the embedded API believes (Identity's address)",
    ),
    "delinquent_url": Option(
        _url,
        "https://dashboard.heroku.com/account/billing",
        "where the embedded API sends delinquent users to pay (Location of Heroku-Delinquent)",
    ),
    # Operating it (docs/deploying.md).
    "log_format": Option(
        _log_format, "", "json, logfmt or text; default json in production, text elsewhere"
    ),
    "metrics_port": Option(_port_or_off, 0, "port of the Prometheus /metrics server; 0 = off"),
    "metrics_host": Option(_text, "127.0.0.1", "interface the metrics server listens on"),
    "health_timeout": Option(
        _positive_float, 2.0, "seconds /health/ready waits for the API's /health"
    ),
}

KEY_SETTINGS = (
    "cookie_encryption_key",
    "heroku_root_domain_cookie_encryption_key",
    "sealed_code_key",
    "platform_encryption_key",
)
OPTIONAL_KEY_SETTINGS = (
    "old_cookie_encryption_key",
    "old_heroku_root_domain_cookie_encryption_key",
    "old_sealed_code_key",
)


def _shown(settings: Settings, name: str) -> str:
    value = getattr(settings, name)
    return "<hidden>" if OPTIONS[name].secret and value else repr(value)


def _settings_repr(self: Settings) -> str:
    shown = ", ".join(f"{name}={_shown(self, name)}" for name in OPTIONS)
    return f"Settings({shown})"


Settings = dataclasses.make_dataclass(
    "Settings",
    [(name, Any) for name in OPTIONS],
    frozen=True,
    namespace={
        "__repr__": _settings_repr,
        "__doc__": "Validated, immutable settings; secrets hidden from repr.",
        "production": property(lambda self: self.identity_env == "production"),
        "embedded": property(lambda self: not self.heroku_api_url),
        "extensions": property(
            lambda self: (
                self.embedded if self.platform_extensions is None else self.platform_extensions
            )
        ),
        "public_url": property(lambda self: self.identity_url or f"http://{self.host}:{self.port}"),
    },
)


def load_settings(
    values: Mapping[str, str] | None = None,
    environ: Mapping[str, str] | None = None,
    *,
    platform_only: bool = False,
) -> Settings:
    """Convert and check *values* (ini) overridden by *environ* (defaults to os.environ).

    *platform_only*: check only what the embedded Platform API needs (serving it
    alone, or managing its data), not Identity's cookie, sealed-code and signing keys.
    """
    values = {k.lower(): v for k, v in (values or {}).items()}
    environ = os.environ if environ is None else environ
    unknown = sorted(set(values) - set(OPTIONS) - {"here", "__file__"})
    if unknown:
        raise SettingsError(f"unknown setting(s): {', '.join(unknown)}")
    converted: dict[str, Any] = {}
    for name, option in OPTIONS.items():
        raw = environ.get(name.upper(), values.get(name))
        if raw is None:
            converted[name] = option.default
            continue
        try:
            converted[name] = option.converter(str(raw))
        except ValueError as exc:
            raise SettingsError(f"{name.upper()}: {exc}") from None
    settings = Settings(**converted)
    if platform_only:
        _check_platform_keys(settings)
    else:
        _check_keys(settings)
    return settings


def _check_platform_keys(settings: Settings) -> None:
    _check_key(settings, "platform_encryption_key", required=True)
    if settings.production and not settings.identity_url.startswith("https://"):
        raise SettingsError("IDENTITY_URL must be an https:// URL in production")


def _check_key(settings: Settings, name: str, *, required: bool) -> None:
    key = getattr(settings, name)
    if not key:
        if required:
            raise SettingsError(f"{name.upper()} is missing: generate one with `identity keygen`")
        return
    if not is_fernet_key(key):
        raise SettingsError(f"{name.upper()} is not a Fernet key (`identity keygen` makes one)")
    if settings.production and key in DEVELOPMENT_KEYS:
        raise SettingsError(f"{name.upper()} is a development key; production needs its own")


def _check_keys(settings: Settings) -> None:
    for name in KEY_SETTINGS + OPTIONAL_KEY_SETTINGS:
        _check_key(settings, name, required=name in KEY_SETTINGS)
    if settings.production:
        if not settings.identity_url.startswith("https://"):
            raise SettingsError("IDENTITY_URL must be an https:// URL in production")
        if not settings.embedded and not (
            settings.heroku_oauth_id and settings.heroku_oauth_secret
        ):
            raise SettingsError("HEROKU_OAUTH_ID and HEROKU_OAUTH_SECRET are required")
        if settings.login_external_secret and len(settings.login_external_secret) < 32:
            raise SettingsError("LOGIN_EXTERNAL_SECRET is weak: use at least 32 characters")
        _check_signing_keys(settings)


def _check_signing_keys(settings: Settings) -> None:
    if not settings.id_token_signing_keys:
        raise SettingsError(
            "ID_TOKEN_SIGNING_KEYS is missing: generate one with `identity keygen --signing`"
        )
    development = {key.kid for key in parse_keys(DEVELOPMENT_SIGNING_KEY)}
    if any(key.kid in development for key in parse_keys(settings.id_token_signing_keys)):
        raise SettingsError(
            "ID_TOKEN_SIGNING_KEYS holds the development key; production needs its own"
        )


def signing_keys_text(settings: Settings) -> str:
    """The configured signing keys, or the development key where that is allowed."""
    return settings.id_token_signing_keys or DEVELOPMENT_SIGNING_KEY


def is_fernet_key(key: str) -> bool:
    """True when *key* is 32 url-safe base64 bytes, as Fernet requires."""
    try:
        Fernet(key)
    except (ValueError, binascii.Error):
        return False
    return len(base64.urlsafe_b64decode(key)) == 32
