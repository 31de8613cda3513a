"""Mailed single-use links that set a password: password resets and invitations.

Both store the link's token hashed with an expiry; redeeming one checks the
new password (the one policy, ``identity.password_policy``) and then spends
the token with one conditional UPDATE, so parallel redemptions give one
success.  The new password is hashed by ``prepare``, before the write lock.
"""

from __future__ import annotations

from identity.password_policy import password_problem
from identity.platform.domain.errors import InvalidParams, NotFound
from identity.platform.domain.secrets import digest, new_id, new_secret
from identity.platform.domain.work import Work
from identity.platform.store import links, users
from identity.platform.store.database import Transaction
from identity.platform.store.links import Kind, Link

#: What the link is, in NotFound's words.
NAMES = {Kind.PASSWORD_RESET: "password reset", Kind.INVITATION: "invitation"}


def issue(tx: Transaction, kind: Kind, user_id: str, lifetime: int) -> tuple[str, str]:
    """A new link token for *user_id*: (row id, token)."""
    link_id, token = new_id(), new_secret()
    links.insert(tx, kind, link_id, user_id, digest(token), lifetime)
    return link_id, token


def _new_password(password: str | None, confirmation: str | None, email: str) -> str:
    """The password typed twice; InvalidParams unless confirmed and acceptable."""
    if not password:
        raise InvalidParams("password is required.")
    if confirmation != password:
        raise InvalidParams("Password confirmation doesn't match password.")
    problem = password_problem(password, email)
    if problem:
        raise InvalidParams(problem)
    return password


def prepare(work: Work, kind: Kind, token: str, password, confirmation) -> None:
    """Hash the new password ahead of the write lock, if *token* is live."""
    link = links.find_live(work.tx, kind, digest(token))
    if link is not None:
        work.passwords.hash(_new_password(password, confirmation, link.email))


def check(work: Work, kind: Kind, token: str) -> Link:
    """The live link *token* names, without spending it; NotFound otherwise."""
    link = links.find_live(work.tx, kind, digest(token))
    if link is None:
        raise NotFound(NAMES[kind])
    return link


def redeem(work: Work, kind: Kind, token: str, password, confirmation) -> Link:
    """Set the password via *token*; NotFound / InvalidParams on failure."""
    tx = work.tx
    link = links.find_live(tx, kind, digest(token))
    if link is None:
        raise NotFound(NAMES[kind])
    password = _new_password(password, confirmation, link.email)
    if not links.spend(tx, kind, link.id):
        raise NotFound(NAMES[kind])
    users.update(
        tx, link.user_id, password_hash=work.passwords.hash(password), password_expired=False
    )
    return link
