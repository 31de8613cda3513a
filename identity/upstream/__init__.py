"""HerokuAPI: the only code that speaks HTTP to the Platform API.

Every call of heroku-api.md §2 is one method of ``HerokuAPI``, grouped by
whose credentials it carries: ``password_calls`` (a person's password or a
link's token), ``token_calls`` (Identity's token for a logged-in person),
``client_calls`` (clients and token grants) and ``extension_calls`` (what
only the embedded API offers).  ``transport`` sends a call and maps its
status onto ``identity.errors``; ``models`` holds the typed answers.
"""

from __future__ import annotations

from identity.upstream.account_calls import AccountCalls
from identity.upstream.client_calls import ClientCalls
from identity.upstream.extension_calls import ExtensionCalls
from identity.upstream.models import (
    Authorization,
    Client,
    DeviceAuthorization,
    DeviceRequest,
    Grant,
    IdentityLogin,
    LoginSession,
    TokenInfo,
    TokenSet,
    User,
)
from identity.upstream.password_calls import PasswordCalls
from identity.upstream.token_calls import IdentityTokenCalls

__all__ = [
    "Authorization",
    "Client",
    "DeviceAuthorization",
    "DeviceRequest",
    "Grant",
    "HerokuAPI",
    "IdentityLogin",
    "LoginSession",
    "TokenInfo",
    "TokenSet",
    "User",
]


class HerokuAPI(PasswordCalls, IdentityTokenCalls, ClientCalls, ExtensionCalls, AccountCalls):
    """Client of the Platform API for one upstream; cheap to re-bind per request."""
