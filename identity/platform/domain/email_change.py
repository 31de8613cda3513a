"""Email change: a confirmation link to the new address, then the switch.

Asking answers the same whether the new address is free or taken, so the
form can't be used to find out who has an account: a free address gets the
link; a taken one gets a notice instead (its owner learns that someone tried).
"Taken" is decided again at confirmation.  Each account may ask
``REQUEST_LIMIT`` times an hour: it is the one asking that spends the budget.
"""

from __future__ import annotations

import re

from identity.platform.domain import letters, notices, ratelimit
from identity.platform.domain.errors import Forbidden, InvalidParams, NotFound
from identity.platform.domain.secrets import digest, new_id, new_secret
from identity.platform.domain.work import Work
from identity.platform.store import links, users
from identity.platform.store.links import Kind
from identity.platform.store.users import EmailTaken, User

REQUEST_LIMIT = ratelimit.Limit(5, 60 * 60)
TAKEN = "Email is already taken."
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
MAX_EMAIL_LENGTH = 254


def check_email(email: str) -> None:
    """InvalidParams unless *email* looks like an address."""
    if len(email) > MAX_EMAIL_LENGTH or not EMAIL.fullmatch(email):
        raise InvalidParams("Email is not a valid email address.")


def start(work: Work, user: User, new_email: str) -> None:
    tx, settings = work.tx, work.settings
    check_email(new_email)
    bucket = f"email-change:{user.id}"
    ratelimit.enforce(tx, bucket, REQUEST_LIMIT, "Too many email change requests; wait a while.")
    ratelimit.hit(tx, bucket)
    owner = users.find_by_email(tx, new_email)
    if owner is not None and owner.id != user.id:
        letter = letters.render("email_taken", "Someone tried to use your email address")
        work.services.outbox.send_mail(tx, "email-change", new_email, letter)
        return
    token = new_secret()
    links.insert(
        tx,
        Kind.EMAIL_CHANGE,
        new_id(),
        user.id,
        digest(token),
        settings.email_change_expires_in,
        new_email=new_email,
    )
    link = f"{settings.public_url}/account/email/confirm/{token}"
    letter = letters.render(
        "email_change", "Confirm your new email address", new_email=new_email, link=link
    )
    work.services.outbox.send_mail(tx, "email-change", new_email, letter)


def confirm(work: Work, user: User, token: str) -> None:
    tx = work.tx
    change = links.find_live(tx, Kind.EMAIL_CHANGE, digest(token))
    if change is None:
        raise NotFound("email change")
    if change.user_id != user.id:
        raise Forbidden("This link can't be used with your current login.")
    taken = users.find_by_email(tx, change.new_email)
    if taken is not None and taken.id != user.id:
        raise InvalidParams(TAKEN)
    if not links.spend(tx, Kind.EMAIL_CHANGE, change.id):
        raise NotFound("email change")
    try:
        users.update(tx, user.id, email=change.new_email)
    except EmailTaken:
        raise InvalidParams(TAKEN) from None
    notices.email_changed(work, user.email, change.new_email)
