"""Calls of the account pages, with Identity's token for the logged-in person.

``change_password`` (``PATCH /account``) and ``end_session`` are Heroku's;
``list_sessions`` is the CLI's ``GET /oauth/sessions``, with ``ip`` and
``user_agent`` only from the embedded API.  An API without a call answers it
404 or 405: that becomes ``errors.FeatureUnavailable``, so the page can say
so (docs/architecture.md lists which API has which call).
"""

from __future__ import annotations

from identity import errors
from identity.upstream.answers import as_text, optional, require
from identity.upstream.models import LoginSession
from identity.upstream.transport import Transport, path, token_auth


class AccountCalls(Transport):
    """Password change and the person's logins."""

    def change_password(self, token: str, password: str, new_password: str) -> None:
        """Heroku's "Change Password": the API ends every other login of the account."""
        self._call(
            "PATCH",
            "/account",
            expects=(200,),
            auth=token_auth(token),
            body={"password": password, "new_password": new_password},
        )

    def list_sessions(self, token: str) -> list[LoginSession]:
        """The person's live logins (``GET /oauth/sessions``)."""
        body = self._feature("GET", "/oauth/sessions", expects=(200,), auth=token_auth(token)).body
        if not isinstance(body, list):
            raise errors.UpstreamUnavailable("sessions: expected a list")
        return [
            LoginSession(
                id=as_text(require(entry, "id")),
                created_at=optional(entry, "created_at"),
                ip=optional(entry, "ip"),
                user_agent=optional(entry, "user_agent"),
                description=optional(entry, "description") or "",
            )
            for entry in body
            if isinstance(entry, dict)
        ]

    def end_session(self, token: str, session_id: str) -> None:
        """Log one of the person's logins out; one already gone (404) is fine."""
        self._call(
            "DELETE",
            path("/oauth/sessions/{}", session_id),
            expects=(200, 404),
            auth=token_auth(token),
        )

    def enroll_two_factor(self, token: str) -> dict:
        """A fresh TOTP secret and its sealed enrolment: ``{secret, enrollment, expires_in}``."""
        body = self._feature(
            "POST", "/account/two-factor/actions/enroll", expects=(201,), auth=token_auth(token)
        ).body
        return {
            "secret": require(body, "secret"),
            "enrollment": require(body, "enrollment"),
            "expires_in": optional(body, "expires_in"),
        }

    def confirm_two_factor(self, token: str, enrollment: str, code: str) -> list[str]:
        """Turn two-factor on with a code of the enrolled secret; the recovery codes."""
        body = self._feature(
            "POST",
            "/account/two-factor/actions/confirm",
            expects=(200,),
            auth=token_auth(token),
            body={"enrollment": enrollment, "code": code},
        ).body
        return [str(c) for c in require(body, "recovery_codes")]

    def disable_two_factor(self, token: str, password: str, code: str) -> None:
        """Turn two-factor off, with the account password and a current code."""
        self._feature(
            "DELETE",
            "/account/two-factor",
            expects=(200,),
            auth=token_auth(token),
            headers={"Heroku-Password": password, "Heroku-Two-Factor-Code": code},
        )

    def regenerate_recovery_codes(self, token: str, password: str) -> list[str]:
        """Heroku's ``POST /account/recovery-codes``: new codes, the old ones stop working."""
        body = self._feature(
            "POST",
            "/account/recovery-codes",
            expects=(201,),
            auth=token_auth(token),
            headers={"Heroku-Password": password},
        ).body
        if not isinstance(body, list):
            raise errors.UpstreamUnavailable("recovery codes: expected a list")
        return [str(c) for c in body]
