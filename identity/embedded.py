"""Which upstream Platform API Identity talks to, and how.

With ``HEROKU_API_URL`` set, Identity is an ordinary HTTP client of that API.
Without it, the embedded Platform API runs in the same process, reached over
an in-process transport (``identity.transport``), and Identity's own
privileged OAuth client is provisioned in it on first start.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import uuid
from collections.abc import Callable

import requests

from identity.observe import Observed
from identity.transport import WSGIAdapter

#: Host name of the in-process embedded API; never resolved on a network.
EMBEDDED_BASE_URL = "http://platform.embedded"
IDENTITY_CLIENT_NAME = "Identity"


@dataclasses.dataclass(frozen=True)
class Upstream:
    """Where the Platform API is and Identity's own client credentials at it."""

    base_url: str
    oauth_id: str
    oauth_secret: str = dataclasses.field(repr=False)
    mount: Callable[[requests.Session], None] = dataclasses.field(
        default=lambda session: None, repr=False, compare=False
    )
    #: True when this start created Identity's client: the database was new.
    first_start: bool = False
    #: The embedded API's app when it runs in this process, else None.
    platform: object = dataclasses.field(default=None, repr=False, compare=False)

    def new_session(self) -> requests.Session:
        """A Session with the transport for this upstream mounted."""
        session = requests.Session()
        self.mount(session)
        return session


def upstream_for(settings) -> Upstream:
    """The remote API named by the settings, or the embedded one."""
    if not settings.embedded:
        return Upstream(
            settings.heroku_api_url, settings.heroku_oauth_id, settings.heroku_oauth_secret
        )
    return embedded_upstream(settings)


def embedded_upstream(settings) -> Upstream:
    """Open the embedded API in-process and make sure Identity's client exists in it."""
    from identity import platform
    from identity.platform.domain import clients

    app = platform.make_app(settings)
    client_id, secret = identity_client_credentials(settings)
    first_start = clients.find_client(app.database, client_id) is None
    if first_start:
        clients.create_client(
            app.database,
            IDENTITY_CLIENT_NAME,
            f"{settings.public_url}/login",
            trusted=True,
            privileged=True,
            client_id=client_id,
            secret=secret,
        )
    return Upstream(
        EMBEDDED_BASE_URL,
        client_id,
        secret,
        mount=in_process(Observed(app, "platform", logger="identity.platform.access")),
        first_start=first_start,
        platform=app,
    )


def in_process(app) -> Callable[[requests.Session], None]:
    """What mounts *app* on a session at ``EMBEDDED_BASE_URL``, called without a socket."""
    adapter = WSGIAdapter(app)

    def mount(session: requests.Session) -> None:
        # No proxy or .netrc applies in-process, and looking them up from the
        # environment on every call was a fifth of a token request's time.
        session.trust_env = False
        session.mount(EMBEDDED_BASE_URL, adapter)

    return mount


def identity_client_credentials(settings) -> tuple[str, str]:
    """Identity's client id and secret in the embedded API.

    Configured values win.  Otherwise both are derived from the platform key,
    so every process sharing the database and key agrees on them and no
    secret is ever written down in plain text.
    """
    if settings.heroku_oauth_id and settings.heroku_oauth_secret:
        return settings.heroku_oauth_id, settings.heroku_oauth_secret
    key = settings.platform_encryption_key.encode()
    derived_id = hmac.new(key, b"identity-oauth-client-id", hashlib.sha256).digest()[:16]
    secret = hmac.new(key, b"identity-oauth-client-secret", hashlib.sha256).hexdigest()
    return str(uuid.UUID(bytes=derived_id, version=4)), secret
