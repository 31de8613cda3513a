"""What every rule is given: the services, and one unit of work's explicit inputs."""

from __future__ import annotations

import dataclasses

from cryptography.fernet import Fernet

from identity.platform.config import PlatformSettings
from identity.platform.domain.mail import Outbox
from identity.platform.domain.passwords import PasswordHasher, PasswordWork
from identity.platform.domain.secrets import derive_key
from identity.platform.store.database import Database, Transaction


@dataclasses.dataclass(frozen=True)
class Services:
    """Built once per process: settings, the database, hashing, mail, derived keys."""

    settings: PlatformSettings
    db: Database
    hasher: PasswordHasher
    outbox: Outbox
    #: Encrypts TOTP secrets at rest.
    fernet: Fernet = dataclasses.field(repr=False)
    #: Derives rotated refresh tokens from their predecessor (secrets.derive_token).
    rotation_key: bytes = dataclasses.field(repr=False)
    #: Gives unknown emails a stable fake user id (resets.py).
    pseudonym_key: bytes = dataclasses.field(repr=False)

    @classmethod
    def build(cls, settings, db: Database, hasher: PasswordHasher, outbox: Outbox) -> Services:
        settings = PlatformSettings.of(settings)
        key = settings.platform_encryption_key
        return cls(
            settings,
            db,
            hasher,
            outbox.bind(db),
            Fernet(key),
            derive_key(key, "refresh-rotation"),
            derive_key(key, "email-pseudonym"),
        )


@dataclasses.dataclass(frozen=True)
class Work:
    """One request's transaction, the caller's IP (the abuse limits count by it) and
    its password work (hashes prepared before the write lock)."""

    tx: Transaction
    services: Services
    ip: str
    passwords: PasswordWork

    @property
    def settings(self) -> PlatformSettings:
        return self.services.settings

    @classmethod
    def for_service(cls, tx: Transaction, services: Services, ip: str = "cli") -> Work:
        """Work done by the operator (CLI), not for a request."""
        return cls(tx, services, ip, PasswordWork(services.hasher))
