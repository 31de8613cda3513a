"""Security notices: a mail to the account's address after a change it should know of.

Called from the domain functions that make the change, so every caller (CLI,
API, pages) sends them; queued in the same transaction as the change.
"""

from __future__ import annotations

from identity.platform.domain.work import Work
from identity.platform.store.users import User


def password_changed(work: Work, user: User) -> None:
    work.services.outbox.send_mail(
        work.tx,
        "password-changed",
        user.email,
        "Your password was changed",
        "The password of your account was just changed, and every other login ended.\n\n"
        "If you did not do this, reset your password at once:\n\n"
        f"{work.settings.public_url}/account/password/reset\n",
    )
