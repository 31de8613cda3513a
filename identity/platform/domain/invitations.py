"""Invitations: an account made without a password, finished by its owner.

``identity user invite`` (accounts.invite_user) creates the account and
mails ``{public_url}/account/accept/{id}/{token}``; Identity's accept page
calls ``PATCH /invitations/{token}`` with the chosen password, and then logs
the person in with it at once.
"""

from __future__ import annotations

from identity.platform.config import PlatformSettings
from identity.platform.domain import letters, links
from identity.platform.domain.mail import Outbox
from identity.platform.domain.work import Work
from identity.platform.store.database import Transaction
from identity.platform.store.links import Kind, Link


def public_url(settings) -> str:
    return PlatformSettings.of(settings).public_url


def invite(tx: Transaction, settings, outbox: Outbox, user_id: str, email: str) -> str:
    """Issue an invitation for *user_id*, mailed once *tx* commits; return its link."""
    settings = PlatformSettings.of(settings)
    invitation_id, token = links.issue(tx, Kind.INVITATION, user_id, settings.invitation_expires_in)
    url = f"{settings.public_url}/account/accept/{invitation_id}/{token}"
    letter = letters.render("invitation", "You are invited", email=email, link=url)
    outbox.send_mail(tx, "invitation", email, letter)
    return url


def prepare_accept(work: Work, token: str, password, confirmation) -> None:
    links.prepare(work, Kind.INVITATION, token, password, confirmation)


def accept(work: Work, token: str, password, confirmation) -> Link:
    """Set the invited account's password; NotFound for an unknown or used link."""
    return links.redeem(work, Kind.INVITATION, token, password, confirmation)
