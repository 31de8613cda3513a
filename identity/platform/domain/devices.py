"""Device authorization (RFC 8628): for apps without a browser.

1. The device asks for a ``device_code`` (secret, for polling) and a short
   ``user_code`` (shown to the person, e.g. ``BCDF-GHJK``).
2. The person enters the user code at Identity, which looks it up and
   approves or denies it with the person's token.  Wrong user codes are
   counted per person: 10 in 15 minutes -> RateLimited, as 20^8 codes are
   guessable otherwise.
3. The device polls the token endpoint and gets ``authorization_pending``,
   ``slow_down`` (polled faster than ``interval``; the interval then grows by
   5 s), ``access_denied``, ``expired_token``, or, once, its tokens.

Both codes are stored hashed.  Approval and the exchange are each one
conditional UPDATE, so a code is approved once and exchanged once.  The
approving session is recorded, so logging out revokes what the device got.
"""

from __future__ import annotations

import dataclasses
import secrets

from identity.platform.domain import events, ratelimit, sessions
from identity.platform.domain.access import TokenAuth, check_not_suspended
from identity.platform.domain.authorizations import Issued, issue_token, normalize_scope
from identity.platform.domain.errors import DeviceFlowError, NotFound
from identity.platform.domain.secrets import digest, new_id, new_secret
from identity.platform.domain.work import Work
from identity.platform.store import authorizations, clients, devices, users
from identity.platform.store.authorizations import Authorization
from identity.platform.store.clients import Client
from identity.platform.store.devices import DeviceRequest

#: Consonants only: no vowels (no words), no look-alikes such as 0/O, 1/I.
USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ"
USER_CODE_LENGTH = 8
WRONG_CODE_LIMIT = ratelimit.Limit(10, 15 * 60)
SLOW_DOWN_STEP = 5


@dataclasses.dataclass(frozen=True)
class Started:
    device_code: str = dataclasses.field(repr=False)
    user_code: str = dataclasses.field(repr=False)
    expires_in: int
    interval: int


@dataclasses.dataclass(frozen=True)
class Pending:
    request: DeviceRequest
    client: Client


def _new_user_code() -> str:
    code = "".join(secrets.choice(USER_CODE_ALPHABET) for _ in range(USER_CODE_LENGTH))
    return f"{code[:4]}-{code[4:]}"


def _normalize_user_code(code: str) -> str:
    return "".join(c for c in code.upper() if c.isalnum())


def start(work: Work, client: Client, scope) -> Started:
    settings = work.settings
    device_code, user_code = new_secret(), _new_user_code()
    devices.insert(
        work.tx,
        new_id(),
        client.id,
        digest(device_code),
        digest(_normalize_user_code(user_code)),
        normalize_scope(scope),
        settings.device_code_interval,
        settings.device_code_expires_in,
    )
    return Started(
        device_code, user_code, settings.device_code_expires_in, settings.device_code_interval
    )


def pending(work: Work, auth: TokenAuth, user_code: str) -> Pending:
    """The pending request of *user_code*, for the privileged caller; NotFound (counted)."""
    auth.require_scope()
    auth.require_privileged()
    bucket = f"device-user-code:{auth.user.id}"
    message = "Too many wrong codes; wait a while."
    ratelimit.enforce(work.tx, bucket, WRONG_CODE_LIMIT, message, event="device.throttled")
    found = devices.find_pending(work.tx, digest(_normalize_user_code(user_code)))
    if found is None:
        ratelimit.hit(work.tx, bucket)
        raise NotFound("device authorization")
    return Pending(found, clients.get(work.tx, found.client_id))


def decide(
    work: Work, auth: TokenAuth, user_code: str, approve: bool, session_ref: str | None
) -> None:
    found = pending(work, auth, user_code).request
    session_id = None
    if approve and session_ref:
        session_id = sessions.find_live(work.tx, session_ref, auth.user.id).id
    status = "approved" if approve else "denied"
    if not devices.decide(work.tx, found.id, status, auth.user.id, session_id):
        raise NotFound("device authorization")
    event = "consent.granted" if approve else "consent.denied"
    events.committed(work.tx, event, client_id=found.client_id, user_id=auth.user.id, via="device")


def exchange(work: Work, client: Client, device_code: str) -> tuple[Authorization, Issued, Issued]:
    """The device_code grant: (authorization, access, refresh), or one of RFC 8628's errors
    (or Suspended for an approver suspended since)."""
    tx, settings = work.tx, work.settings
    found = devices.find_of_client(tx, digest(device_code), client.id)
    if found is None or found.used_at is not None:
        raise NotFound("device code")
    if found.expires_at <= tx.now:
        raise DeviceFlowError("The device code has expired.", id="expired_token")
    _check_poll_rate(work, found)
    if found.status == "pending":
        raise DeviceFlowError("The person has not answered yet.", id="authorization_pending")
    if found.status == "denied":
        raise DeviceFlowError("The person denied the request.", id="access_denied")
    if not devices.spend(tx, found.id):
        raise NotFound("device code")
    # Before anything is issued: an error commits, and must leave no tokens.
    check_not_suspended(users.get(tx, found.user_id))
    authorization = authorizations.insert(
        tx, new_id(), found.user_id, client.id, found.session_id, found.scopes, None
    )
    access = issue_token(tx, authorization.id, "access", settings.access_token_expires_in)
    refresh = issue_token(tx, authorization.id, "refresh", settings.refresh_token_expires_in)
    return authorization, access, refresh


def _check_poll_rate(work: Work, found: DeviceRequest) -> None:
    """``slow_down`` (and a longer interval) when polled faster than the interval."""
    too_soon = found.last_polled_at is not None and (
        work.tx.now - found.last_polled_at < found.interval
    )
    devices.record_poll(work.tx, found.id, SLOW_DOWN_STEP if too_soon else 0)
    if too_soon:
        raise DeviceFlowError("Polling too fast; wait longer between requests.", id="slow_down")
