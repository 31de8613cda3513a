"""The settings table: conversion, environment overrides and the production checks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from identity.oauth.signing import DEVELOPMENT_SIGNING_KEY
from identity.serving import SERVER_OPTIONS
from identity.settings import DEVELOPMENT_KEYS, OPTIONS, SettingsError, load_settings
from tests.conftest import SIGNING_KEY

KEYS = {
    "cookie_encryption_key": Fernet.generate_key().decode(),
    "heroku_root_domain_cookie_encryption_key": Fernet.generate_key().decode(),
    "sealed_code_key": Fernet.generate_key().decode(),
    "platform_encryption_key": Fernet.generate_key().decode(),
}
PRODUCTION = {**KEYS, "identity_env": "production", "identity_url": "https://id.example.com"}


def test_defaults_apply_when_nothing_is_set():
    settings = load_settings(KEYS, environ={})
    assert settings.port == 5000
    assert settings.embedded is True
    assert settings.public_url == "http://127.0.0.1:5000"
    assert settings.logout_redirect_hosts == ()


def test_the_environment_overrides_the_file():
    settings = load_settings(
        {**KEYS, "port": "6000"}, environ={"PORT": "7000", "HEROKU_API_URL": "https://api.x/"}
    )
    assert settings.port == 7000
    assert settings.heroku_api_url == "https://api.x"
    assert settings.embedded is False


def test_unknown_settings_are_refused_by_name():
    with pytest.raises(SettingsError, match=r"unknown setting.*cookie_key"):
        load_settings({**KEYS, "cookie_key": "x"}, environ={})


@pytest.mark.parametrize(
    ("name", "value"), [("PORT", "http"), ("PORT", "-1"), ("IDENTITY_ENV", "staging")]
)
def test_bad_values_are_refused_naming_the_setting(name, value):
    with pytest.raises(SettingsError, match=f"^{name}: "):
        load_settings(KEYS, environ={name: value})


def test_a_missing_key_is_named():
    values = {k: v for k, v in KEYS.items() if k != "sealed_code_key"}
    with pytest.raises(SettingsError, match="SEALED_CODE_KEY is missing"):
        load_settings(values, environ={})


def test_a_malformed_key_is_named():
    with pytest.raises(SettingsError, match="COOKIE_ENCRYPTION_KEY is not a Fernet key"):
        load_settings({**KEYS, "cookie_encryption_key": "short"}, environ={})


def test_production_refuses_development_keys():
    development_key = sorted(DEVELOPMENT_KEYS)[0]
    with pytest.raises(SettingsError, match="is a development key"):
        load_settings({**PRODUCTION, "sealed_code_key": development_key}, environ={})


def test_production_needs_an_https_issuer():
    with pytest.raises(SettingsError, match="IDENTITY_URL must be an https"):
        load_settings({**PRODUCTION, "identity_url": "http://id.example.com"}, environ={})


def test_production_with_a_remote_api_needs_its_client_credentials():
    with pytest.raises(SettingsError, match="HEROKU_OAUTH_ID and HEROKU_OAUTH_SECRET"):
        load_settings({**PRODUCTION, "heroku_api_url": "https://api.heroku.com"}, environ={})


def test_production_refuses_a_short_external_login_secret():
    with pytest.raises(SettingsError, match="LOGIN_EXTERNAL_SECRET is weak"):
        load_settings({**PRODUCTION, "login_external_secret": "secret"}, environ={})


def test_secrets_stay_out_of_repr():
    settings = load_settings({**KEYS, "heroku_oauth_secret": "s3cret-value"}, environ={})
    shown = repr(settings)
    assert "s3cret-value" not in shown
    assert all(key not in shown for key in KEYS.values())


def test_the_readme_documents_every_setting():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", readme, re.MULTILINE))
    server_options = {option.env for option in SERVER_OPTIONS.values()}
    assert documented == {name.upper() for name in OPTIONS} | server_options


def test_production_needs_id_token_signing_keys():
    with pytest.raises(SettingsError, match="ID_TOKEN_SIGNING_KEYS is missing"):
        load_settings(PRODUCTION, environ={})


def test_production_refuses_the_development_signing_key():
    values = {**PRODUCTION, "id_token_signing_keys": SIGNING_KEY + DEVELOPMENT_SIGNING_KEY}
    with pytest.raises(SettingsError, match="ID_TOKEN_SIGNING_KEYS holds the development key"):
        load_settings(values, environ={})


def test_production_takes_its_own_signing_key():
    settings = load_settings({**PRODUCTION, "id_token_signing_keys": SIGNING_KEY}, environ={})
    assert SIGNING_KEY not in repr(settings)


def test_a_malformed_signing_key_is_named():
    with pytest.raises(SettingsError, match=r"^ID_TOKEN_SIGNING_KEYS: "):
        load_settings({**KEYS, "id_token_signing_keys": "not a key"}, environ={})
