"""The embedded Platform API's own settings: what it needs, and nothing of Identity's.

Built from the same settings table as Identity's (``identity.settings``, so
one ``.ini`` file and one set of environment variables serve both), but
checked for what the API alone needs: serving it separately
(``identity platform serve``) does not ask for Identity's cookie keys.
"""

from __future__ import annotations

import dataclasses

PLATFORM_OPTIONS = (
    "identity_env",
    "identity_url",
    "host",
    "port",
    "database_url",
    "platform_encryption_key",
    "outbox_dir",
    "smtp_url",
    "mail_from",
    "grant_expires_in",
    "access_token_expires_in",
    "refresh_token_expires_in",
    "session_expires_in",
    "password_reset_expires_in",
    "password_reset_ip_limit",
    "invitation_expires_in",
    "email_change_expires_in",
    "sms_code_expires_in",
    "device_code_expires_in",
    "device_code_interval",
    "refresh_reuse_grace",
    "platform_trusted_proxies",
    "delinquent_url",
)


@dataclasses.dataclass(frozen=True)
class PlatformSettings:
    identity_env: str
    identity_url: str
    host: str
    port: int
    database_url: str
    platform_encryption_key: str = dataclasses.field(repr=False)
    outbox_dir: str
    smtp_url: str = dataclasses.field(repr=False)
    mail_from: str
    grant_expires_in: int
    access_token_expires_in: int
    refresh_token_expires_in: int
    session_expires_in: int
    password_reset_expires_in: int
    password_reset_ip_limit: int
    invitation_expires_in: int
    email_change_expires_in: int
    sms_code_expires_in: int
    device_code_expires_in: int
    device_code_interval: int
    refresh_reuse_grace: int
    platform_trusted_proxies: tuple[str, ...]
    delinquent_url: str

    @classmethod
    def of(cls, settings) -> PlatformSettings:
        """The platform's part of *settings* (Identity's or already the platform's own)."""
        if isinstance(settings, cls):
            return settings
        return cls(**{name: getattr(settings, name) for name in PLATFORM_OPTIONS})

    @property
    def public_url(self) -> str:
        """Identity's public URL: where the links in mails point."""
        return self.identity_url or f"http://{self.host}:{self.port}"
