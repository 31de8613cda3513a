"""Password resets: a mailed single-use link that sets a new password.

Asking answers the same for known and unknown emails (the ``user.id`` of an
unknown email is a stable pseudonym), so it cannot be used to find accounts.
Limits are keyed so that whoever asks spends their own budget, never the
account owner's:

- per (email, caller IP): ``PAIR_LIMIT`` requests an hour -> ``RateLimited``;
- per caller IP: ``password_reset_ip_limit`` requests an hour -> ``RateLimited``
  (kept in the store, so it holds across processes);
- mails per email: at most ``MAIL_LIMIT`` an hour to one address from IPs
  that never logged in to the account; past that the answer is the same but
  no mail goes out.  From a known IP (a successful login in the last 90
  days) the owner always gets their link.

A finished reset ends every session and token of the account.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid

from identity.platform.domain import events, letters, links, ratelimit, sessions
from identity.platform.domain.work import Work
from identity.platform.store import links as link_store
from identity.platform.store import users
from identity.platform.store.links import Kind, Link

PAIR_LIMIT = ratelimit.Limit(5, 60 * 60)
MAIL_LIMIT = ratelimit.Limit(3, 60 * 60)
TOO_MANY = "Too many reset requests; try again later."


def pseudonym(work: Work, email: str) -> str:
    mac = hmac.new(work.services.pseudonym_key, users.email_key(email).encode(), hashlib.sha256)
    return str(uuid.UUID(bytes=mac.digest()[:16], version=4))


def request(work: Work, email: str) -> str:
    """Mail a reset link when the account exists and the limits allow; the user id
    (a pseudonym for an unknown email) either way."""
    tx, settings = work.tx, work.settings
    key = users.email_key(email)
    pair, by_ip = f"reset-pair:{key} {work.ip}", f"reset-ip:{work.ip}"
    throttled = "password_reset.throttled"
    ratelimit.enforce(tx, pair, PAIR_LIMIT, TOO_MANY, event=throttled)
    ip_limit = ratelimit.Limit(settings.password_reset_ip_limit, 60 * 60)
    ratelimit.enforce(tx, by_ip, ip_limit, TOO_MANY, event=throttled)
    ratelimit.hit(tx, pair, by_ip)
    user = users.find_by_email(tx, email)
    events.committed(tx, "password_reset.requested", user_id=user and user.id)
    if user is None:
        return pseudonym(work, email)
    if not ratelimit.is_known_ip(tx, user.id, work.ip):
        mails = f"reset-mail:{user.id}"
        if ratelimit.retry_after(tx, mails, MAIL_LIMIT) is not None:
            return user.id
        ratelimit.hit(tx, mails)
    _, token = links.issue(tx, Kind.PASSWORD_RESET, user.id, settings.password_reset_expires_in)
    link = f"{settings.public_url}/account/password/reset/{token}"
    letter = letters.render("password_reset", "Reset your password", link=link)
    work.services.outbox.send_mail(tx, "password-reset", user.email, letter)
    return user.id


def prepare_finalize(work: Work, token: str, password, confirmation) -> None:
    links.prepare(work, Kind.PASSWORD_RESET, token, password, confirmation)


def finalize(work: Work, token: str, password, confirmation) -> Link:
    """Set the new password; every login made with the old one ends."""
    link = links.redeem(work, Kind.PASSWORD_RESET, token, password, confirmation)
    # Sessions, and the tokens of direct authorizations, which have none.
    sessions.end_all(work.tx, link.user_id)
    link_store.spend_all_of_user(work.tx, Kind.PASSWORD_RESET, link.user_id)
    events.committed(work.tx, "password_reset.completed", user_id=link.user_id)
    events.committed(work.tx, "session.ended", user_id=link.user_id, reason="password_reset")
    return link
