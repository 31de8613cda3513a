"""Device authorization requests (RFC 8628): the ``device_authorizations`` table."""

from __future__ import annotations

import dataclasses

import sqlalchemy as sa

from identity.platform.store.database import Transaction
from identity.platform.store.rows import dumps, loads, row_as
from identity.platform.store.tables import device_authorizations as devices


@dataclasses.dataclass(frozen=True)
class DeviceRequest:
    id: str
    client_id: str
    device_code_hash: str = dataclasses.field(repr=False)
    user_code_hash: str = dataclasses.field(repr=False)
    scope: str
    interval: int
    status: str  # pending, approved, denied
    user_id: str | None
    session_id: str | None
    last_polled_at: float | None
    created_at: float
    expires_at: float
    used_at: float | None

    @property
    def scopes(self) -> list[str]:
        return loads(self.scope)


def insert(
    tx: Transaction,
    request_id: str,
    client_id: str,
    device_code_hash: str,
    user_code_hash: str,
    scope: list[str],
    interval: int,
    lifetime: float,
) -> None:
    tx.execute(
        sa.insert(devices).values(
            id=request_id,
            client_id=client_id,
            device_code_hash=device_code_hash,
            user_code_hash=user_code_hash,
            scope=dumps(scope),
            interval=interval,
            status="pending",
            created_at=tx.now,
            expires_at=tx.now + lifetime,
        )
    )


def find_pending(tx: Transaction, user_code_hash: str) -> DeviceRequest | None:
    query = sa.select(devices).where(
        devices.c.user_code_hash == user_code_hash,
        devices.c.status == "pending",
        devices.c.expires_at > tx.now,
    )
    return row_as(DeviceRequest, tx.execute(query).first())


def find_of_client(tx: Transaction, device_code_hash: str, client_id: str) -> DeviceRequest | None:
    query = sa.select(devices).where(
        devices.c.device_code_hash == device_code_hash, devices.c.client_id == client_id
    )
    return row_as(DeviceRequest, tx.execute(query).first())


def decide(
    tx: Transaction, request_id: str, status: str, user_id: str, session_id: str | None
) -> bool:
    """Approve or deny a pending request, once."""
    statement = (
        sa.update(devices)
        .where(devices.c.id == request_id, devices.c.status == "pending")
        .values(status=status, user_id=user_id, session_id=session_id)
    )
    return tx.execute(statement).rowcount == 1


def record_poll(tx: Transaction, request_id: str, slow_down_by: int) -> None:
    statement = (
        sa.update(devices)
        .where(devices.c.id == request_id)
        .values(last_polled_at=tx.now, interval=devices.c.interval + slow_down_by)
    )
    tx.execute(statement)


def spend(tx: Transaction, request_id: str) -> bool:
    """Mark an approved request exchanged, once."""
    statement = (
        sa.update(devices)
        .where(
            devices.c.id == request_id,
            devices.c.status == "approved",
            devices.c.used_at.is_(None),
            devices.c.expires_at > tx.now,
        )
        .values(used_at=tx.now)
    )
    return tx.execute(statement).rowcount == 1
