"""Calls made on a person's behalf with their password or a link's token (§2)."""

from __future__ import annotations

import logging
from typing import Any

from identity import errors
from identity.upstream.answers import as_text, optional, require, require_int
from identity.upstream.models import IdentityLogin, User
from identity.upstream.transport import Transport, basic, path

log = logging.getLogger("identity.upstream")


class PasswordCalls(Transport):
    """#1 and #11-#15: the login dance, password resets, invitations, SMS recovery."""

    def create_session_authorization(
        self, email: str, password: str, code: str | None = None, user_agent: str | None = None
    ) -> IdentityLogin:
        """#1: the login dance; Identity's own session and tokens.

        *user_agent* is the browser's: the API remembers it with the session,
        for the person's list of logins (the account's sessions page).
        """
        headers = {"Heroku-Two-Factor-Code": code} if code else {}
        if user_agent:
            headers["User-Agent"] = user_agent
        answer = self._call(
            "POST",
            "/oauth/authorizations",
            expects=(201,),
            auth=basic(email, password),
            headers=headers or None,
            body={
                "client": {"id": self.upstream.oauth_id},
                "create_session": True,
                "create_tokens": True,
                "response_type": "code",
            },
        )
        body = answer.body
        user = require(body, "user")
        return IdentityLogin(
            access_token=require(body, "access_token", "token"),
            expires_in=require_int(body, "access_token", "expires_in"),
            refresh_token=optional(body, "refresh_token", "token"),
            session_id=require(body, "session", "id"),
            user=User(
                id=as_text(require(user, "id")),
                email=require(user, "email"),
                full_name=optional(user, "full_name"),
            ),
            sso_entity=optional(body, "sso_entity"),
        )

    def create_password_reset(self, email: str) -> None:
        """#11: e-mail a reset link (the API answers alike for unknown emails)."""
        self._call("POST", "/password-resets", expects=(201,), body={"email": email})

    def check_password_reset(self, reset_token: str) -> None:
        """Is the reset link still usable? NotFound when it is not (nothing is spent)."""
        self._call("GET", path("/password-resets/{}", reset_token), expects=(200,))

    def finalize_password_reset(
        self, reset_token: str, password: str, password_confirmation: str
    ) -> None:
        """#12: set a new password with a reset link's token."""
        self._call(
            "POST",
            path("/password-resets/{}/actions/finalize", reset_token),
            expects=(200,),
            body={"password": password, "password_confirmation": password_confirmation},
        )

    def accept_invitation(
        self,
        invitation_token: str,
        password: str,
        password_confirmation: str,
        receive_newsletter: Any = None,
    ) -> str:
        """#13: finish an invited account; returns its email for the login dance."""
        answer = self._call(
            "PATCH",
            path("/invitations/{}", invitation_token),
            expects=(200,),
            body={
                "password": password,
                "password_confirmation": password_confirmation,
                "receive_newsletter": receive_newsletter,
            },
        )
        return require(answer.body, "user", "email")

    def get_sms_number(self, email: str, password: str) -> str | None:
        """#14: the masked SMS recovery number, or None.

        Fails open on purpose: any error only hides the SMS option.
        """
        try:
            answer = self._call(
                "GET", "/users/~/sms-number", expects=(200,), auth=basic(email, password)
            )
        except errors.UpstreamError as exc:
            log.info("sms number unavailable: %r", exc)
            return None
        number = optional(answer.body, "sms_number")
        return number if isinstance(number, str) and number else None

    def send_sms_recovery_code(self, email: str, password: str) -> None:
        """#15: text a recovery code to the account's number."""
        self._call(
            "POST",
            "/users/~/sms-number/actions/recover",
            expects=(201,),
            auth=basic(email, password),
        )
