"""Calls made with Identity's own access token for a logged-in person (§2)."""

from __future__ import annotations

from collections.abc import Iterable

from identity import errors
from identity.upstream.answers import as_text, optional, require
from identity.upstream.models import Authorization, Grant
from identity.upstream.transport import LEGACY_IDS, Transport, path, token_auth

#: Pages of 1000 authorizations read before "approved before?" gives up (and the
#: consent page is shown): a person has few live logins once expired ones are pruned.
MAX_AUTHORIZATION_PAGES = 20


class IdentityTokenCalls(Transport):
    """#2, #3 and #8-#10: grants, the authorization list, logout, the account."""

    def create_client_authorization(
        self, token: str, client_id: str, scope: Iterable[str], session_id: str
    ) -> Grant:
        """#2: a grant for a third-party client, tied to Identity's session."""
        answer = self._call(
            "POST",
            "/oauth/authorizations",
            expects=(201,),
            auth=token_auth(token),
            headers=LEGACY_IDS,
            body={
                "client": {"id": client_id},
                "scope": list(scope),
                "response_type": "code",
                "session": {"id": session_id},
            },
        )
        return Grant(
            code=require(answer.body, "grant", "code"),
            redirect_uri=optional(answer.body, "client", "redirect_uri"),
        )

    def list_authorizations(self, token: str) -> list[Authorization]:
        """#3: the user's authorizations, 1000 a page (as the original asked), following
        ``Next-Range`` (206) for up to ``MAX_AUTHORIZATION_PAGES`` pages."""
        entries: list = []
        page = "id ..; max=1000"
        for _ in range(MAX_AUTHORIZATION_PAGES):
            answer = self._call(
                "GET",
                "/oauth/authorizations",
                expects=(200, 206),
                auth=token_auth(token),
                headers={**LEGACY_IDS, "Range": page},
            )
            if not isinstance(answer.body, list):
                raise errors.UpstreamUnavailable("authorizations: expected a list")
            entries.extend(answer.body)
            page = answer.headers.get("next-range", "")
            if not page:
                break
        found = []
        for entry in entries:
            client = entry.get("client") if isinstance(entry, dict) else None
            if not isinstance(client, dict):
                continue  # authorizations without a client never match
            scope = entry.get("scope") or []
            found.append(
                Authorization(
                    client_id=as_text(client.get("id")),
                    client_legacy_id=as_text(client.get("legacy_id")),
                    scope=tuple(str(s) for s in scope),
                    id=as_text(entry.get("id")),
                    client_name=optional(client, "name"),
                    created_at=optional(entry, "created_at"),
                    last_used_at=optional(entry, "last_used_at"),
                )
            )
        return found

    def get_token_authorization(self, token: str) -> Authorization:
        """The authorization of *token* itself (``GET /oauth/authorizations/~``, as
        Heroku's CLI calls it): what userinfo learns the token's scope from."""
        body = self._call(
            "GET", "/oauth/authorizations/~", expects=(200,), auth=token_auth(token)
        ).body
        client = optional(body, "client") or {}
        return Authorization(
            client_id=as_text(optional(client, "id")),
            client_legacy_id=as_text(optional(client, "legacy_id")),
            scope=tuple(str(s) for s in optional(body, "scope") or ()),
            user_id=as_text(require(body, "user", "id")),
        )

    def delete_authorization(self, token: str, authorization_id: str) -> None:
        """Heroku's "OAuth Authorization Delete": its grants and tokens end; gone (404) is fine."""
        self._call(
            "DELETE",
            path("/oauth/authorizations/{}", authorization_id),
            expects=(200, 404),
            auth=token_auth(token),
        )

    def delete_session(self, token: str, session_id: str) -> None:
        """#8: end the API session and every token made through it.

        401 and 404 mean the session is already gone: that is success here.
        """
        self._call(
            "DELETE",
            path("/oauth/sessions/{}", session_id),
            expects=(200, 401, 404),
            auth=token_auth(token),
        )

    def get_account(self, token: str) -> dict:
        """#9: the account of the token's user."""
        return self._call("GET", "/account", expects=(200,), auth=token_auth(token)).body

    def confirm_email_change(self, token: str, email_change_token: str) -> str | None:
        """#10: switch the account to its pending email address.

        Returns the new address when the answer carries the account, as the
        embedded API's does (the original's stub answered an empty 200).
        """
        body = self._call(
            "PATCH",
            "/users/~",
            expects=(200,),
            auth=token_auth(token),
            body={"email_change_token": email_change_token},
        ).body
        return as_text(body.get("email")) if isinstance(body, dict) else None

    def start_email_change(self, token: str, email: str, password: str) -> None:
        """Mail a confirmation link to *email* (PATCH /account, "Change Email" of §3.5).

        Not a call of the original, which left this to Dashboard; Identity
        offers it so an account on the embedded API can change its address.
        """
        self._call(
            "PATCH",
            "/account",
            expects=(200,),
            auth=token_auth(token),
            body={"email": email, "password": password},
        )
