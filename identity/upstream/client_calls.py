"""Calls about OAuth clients: looking one up and the token grants (§2)."""

from __future__ import annotations

from identity.upstream.answers import as_text, optional, require, require_int, texts
from identity.upstream.models import Client, TokenSet
from identity.upstream.transport import LEGACY_IDS, Transport, path, token_auth


class ClientCalls(Transport):
    """#4-#7: a client's description, and tokens for Identity or a client."""

    def get_client(self, client_id: str, token: str | None = None) -> Client:
        """#4 with Identity's token (and delinquency), #5 without."""
        answer = self._call(
            "GET",
            path("/oauth/clients/{}", client_id),
            expects=(200,),
            auth=token_auth(token) if token else None,
            headers=LEGACY_IDS if token else None,
            # The original sent no request ids on the unauthenticated call.
            send_ids=bool(token),
        )
        body = answer.body
        delinquent = answer.headers.get("heroku-delinquent", "").lower() == "true"
        redirect_uri = optional(body, "redirect_uri") or ""
        return Client(
            client_id=as_text(require(body, "id")),
            name=optional(body, "name") or "",
            description=optional(body, "description") or "",
            redirect_uri=redirect_uri,
            trusted=optional(body, "trusted") is True,
            public=optional(body, "public") is True,
            ignores_delinquent=optional(body, "ignores_delinquent") is True,
            delinquent_location=answer.headers.get("location") if delinquent else None,
            redirect_uris=texts(optional(body, "redirect_uris")) or (redirect_uri,),
            post_logout_redirect_uris=texts(optional(body, "post_logout_redirect_uris")),
        )

    def refresh_identity_token(self, refresh_token: str) -> TokenSet:
        """#6: a fresh access token for Identity itself."""
        return self._create_token(
            {
                "client": {"secret": self.upstream.oauth_secret},
                "grant": {"type": "refresh_token"},
                "refresh_token": {"token": refresh_token},
            }
        )

    def exchange_token(
        self,
        grant_type: str,
        code: str | None = None,
        refresh_token: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
    ) -> TokenSet:
        """#7: a third-party client's code or refresh token for tokens.

        Missing values go out as JSON null, as the original sent them.
        """
        return self._create_token(
            {
                "client": {"id": client_id, "secret": client_secret},
                "grant": {"type": grant_type, "code": code},
                "refresh_token": {"token": refresh_token},
            }
        )

    def _create_token(self, body: dict) -> TokenSet:
        answer = self._call("POST", "/oauth/tokens", expects=(201,), body=body)
        return TokenSet(
            access_token=require(answer.body, "access_token", "token"),
            expires_in=require_int(answer.body, "access_token", "expires_in"),
            refresh_token=optional(answer.body, "refresh_token", "token"),
            user_id=as_text(optional(answer.body, "user", "id")),
            session_id=as_text(optional(answer.body, "session", "id")),
        )
