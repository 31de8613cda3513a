"""The ``identity-session`` cookie and the root-domain ``heroku_*`` cookies.

The session is a JSON object encrypted with Fernet (the previous key still
decrypts while a new one is rolled out, and says so in the audit log).  It is never
pickled: a stolen key must not mean code execution.  A cookie that does not
decrypt is an empty session, never an error.
"""

from __future__ import annotations

import hmac
import json
import logging
import secrets
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

from identity import logs

log = logging.getLogger(__name__)

COOKIE_NAME = "identity-session"
#: Production's name.  Browsers accept a ``__Host-`` cookie only Secure, with
#: Path=/ and no Domain, so no site on a parent or sibling domain can set,
#: shadow or toss it (RFC 6265bis §4.1.3.2).
HOST_COOKIE_NAME = "__Host-identity-session"
#: How long typed-in credentials wait in the cookie for the second factor.
TWO_FACTOR_TTL = 300

#: Fields that hold a URL (or a request to replay) chosen by whoever sent the
#: link: each is kept only up to this many characters of JSON, so no link can
#: grow the cookie past what browsers store.
URL_FIELDS = ("redirect_url", "authorize_params")
MAX_STORED_URL = 2048
#: Browsers keep a cookie of up to 4096 bytes, name, value and attributes
#: together (RFC 6265 §6.1); a longer one is dropped, and the person with it.
MAX_COOKIE = 4096
#: Room for the attributes (Max-Age, Path, Secure, HttpOnly, SameSite).
COOKIE_ATTRIBUTES = 120

#: Every key a session may hold.
FIELDS = (
    "access_token",  # Identity's own token at the API
    "access_token_expires_at",  # epoch seconds
    "refresh_token",
    "session_id",  # the API session ("session nonce")
    "user",  # {id, email, full_name}
    "authorize_params",  # [[name, value], ...] of an authorization request to replay
    "redirect_url",  # where to go after login
    "csrf_token",
    "flashes",  # messages for the next page
    "two_factor",  # {email, password, expires_at} during the second-factor step only
    "sso_entity",
    "auth_time",  # epoch seconds of the login that made this session (OpenID Connect)
    "amr",  # how the person authenticated: ["pwd"], ["mfa", "otp", "pwd"] (RFC 8176)
    "two_factor_enrolment",  # {secret, enrollment, expires_at} while turning two-factor on
)
LOGIN_FIELDS = (
    "access_token",
    "access_token_expires_at",
    "refresh_token",
    "session_id",
    "user",
    "two_factor",
    "sso_entity",
    "auth_time",
    "amr",
    "two_factor_enrolment",
)


class Session(dict):
    """The decrypted session; ``modified`` says whether the cookie must be rewritten."""

    def __init__(self, data: dict | None = None):
        super().__init__({k: v for k, v in (data or {}).items() if k in FIELDS})
        self.modified = False
        #: Read from the pre-``__Host-`` cookie: the write moves it (SessionCodec).
        self.from_old_cookie = False
        #: Someone was logged out (or everything cleared) during this request:
        #: unless they are logged in again by its end, the sibling sites'
        #: cookies go too (IdentityApp.finish).
        self.ended = False

    def __setitem__(self, key: str, value: Any) -> None:
        if key not in FIELDS:
            raise KeyError(f"not a session field: {key}")
        if key in URL_FIELDS and len(json.dumps(value)) > MAX_STORED_URL:
            self.pop(key)  # too long to keep: the person lands where a login goes
            return
        self.modified = True
        super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        self.modified = True
        super().__delitem__(key)

    def pop(self, key: str, default: Any = None) -> Any:
        if key in self:
            self.modified = True
        return super().pop(key, default)

    def clear(self) -> None:
        self.modified = True
        self.ended = True
        super().clear()

    # -- login state ---------------------------------------------------------

    @property
    def logged_in(self) -> bool:
        return bool(self.get("access_token") and self.get("session_id"))

    def log_in(self, login, now: float, amr: tuple[str, ...] = ()) -> None:
        """Start a fresh session for *login* (an ``IdentityLogin``), authenticated by *amr*.

        Everything from before is dropped and a new CSRF token is made, so
        nothing planted in the cookie before login survives it.
        """
        self.clear()
        self["auth_time"] = int(now)
        self["amr"] = sorted(amr)
        self["access_token"] = login.access_token
        self["access_token_expires_at"] = int(now) + login.expires_in
        if login.refresh_token:
            self["refresh_token"] = login.refresh_token
        self["session_id"] = login.session_id
        self["user"] = {
            "id": login.user.id,
            "email": login.user.email,
            "full_name": login.user.full_name,
        }
        if login.sso_entity:
            self["sso_entity"] = login.sso_entity
        self["csrf_token"] = secrets.token_urlsafe(32)

    def log_out(self) -> None:
        """Forget who is logged in; keep pending requests and messages."""
        if self.logged_in:
            self.ended = True
        for field in LOGIN_FIELDS:
            self.pop(field)

    def token_expired(self, now: float) -> bool:
        return now >= self.get("access_token_expires_at", 0)

    def store_tokens(self, tokens, now: float) -> None:
        """Keep a refreshed access token (a ``TokenSet``)."""
        self["access_token"] = tokens.access_token
        self["access_token_expires_at"] = int(now) + tokens.expires_in
        if tokens.refresh_token:
            self["refresh_token"] = tokens.refresh_token

    # -- the second-factor step ------------------------------------------------

    def remember_two_factor(self, email: str, password: str, now: float) -> None:
        self["two_factor"] = {
            "email": email,
            "password": password,
            "expires_at": int(now) + TWO_FACTOR_TTL,
        }

    def drop_stale_two_factor(self, now: float) -> None:
        """Forget typed-in credentials whose step is over, so the cookie stops carrying them."""
        if "two_factor" in self and self.pending_two_factor(now) is None:
            self.pop("two_factor")

    def pending_two_factor(self, now: float) -> tuple[str, str] | None:
        """The email and password waiting for a second factor, if still fresh."""
        pending = self.get("two_factor")
        if not isinstance(pending, dict) or now >= pending.get("expires_at", 0):
            return None
        return pending.get("email", ""), pending.get("password", "")

    # -- CSRF and flash messages -----------------------------------------------

    @property
    def csrf_token(self) -> str:
        """This session's CSRF token, made on first use."""
        if not self.get("csrf_token"):
            self["csrf_token"] = secrets.token_urlsafe(32)
        return self["csrf_token"]

    def check_csrf(self, submitted: str | None) -> bool:
        expected = self.get("csrf_token")
        if not expected or not submitted:
            return False
        return hmac.compare_digest(expected.encode(), submitted.encode())

    def flash(self, message: str) -> None:
        self["flashes"] = [*self.get("flashes", []), message]

    def pop_flashes(self) -> list[str]:
        return self.pop("flashes", None) or []


def cookie_secure(settings) -> bool:
    """Cookies are Secure everywhere but on a developer's plain-HTTP machine."""
    return settings.identity_env not in {"development", "test"}


class SessionCodec:
    """Reads and writes the ``identity-session`` cookie."""

    def __init__(self, key: str, old_key: str, max_age: int, secure: bool, name: str = COOKIE_NAME):
        # Two Fernets rather than a MultiFernet: a cookie only the old key
        # opens must be told apart (``_decrypt``).
        self._current = Fernet(key)
        self._old = Fernet(old_key) if old_key else None
        self.max_age = max_age
        self.secure = secure
        self.name = name

    @classmethod
    def from_settings(cls, settings) -> SessionCodec:
        return cls(
            settings.cookie_encryption_key,
            settings.old_cookie_encryption_key,
            settings.cookie_expire_after,
            cookie_secure(settings),
            HOST_COOKIE_NAME if settings.production else COOKIE_NAME,
        )

    def read(self, cookies) -> Session:
        """The session of a request's *cookies*; a session still under the old
        name is read once and moved to the new one when the response is written."""
        if self.name in cookies or COOKIE_NAME not in cookies or self.name == COOKIE_NAME:
            return self.load(cookies.get(self.name))
        session = self.load(cookies[COOKIE_NAME])
        session.from_old_cookie = True
        session.modified = True
        return session

    @staticmethod
    def _fits(value: str) -> bool:
        return len(HOST_COOKIE_NAME) + 1 + len(value) + COOKIE_ATTRIBUTES <= MAX_COOKIE

    def load(self, value: str | None) -> Session:
        if not value:
            return Session()
        try:
            data = json.loads(self._decrypt(value.encode("ascii")))
        except (InvalidToken, UnicodeError, ValueError):
            return Session()
        return Session(data) if isinstance(data, dict) else Session()

    def _decrypt(self, token: bytes) -> bytes:
        """The cookie's plain text; a cookie only the old key opens is logged, so
        an operator can tell when ``OLD_COOKIE_ENCRYPTION_KEY`` is no longer needed."""
        try:
            return self._current.decrypt(token, ttl=self.max_age)
        except InvalidToken:
            if self._old is None:
                raise
        plain = self._old.decrypt(token, ttl=self.max_age)
        logs.audit("key.old_key_used", key="OLD_COOKIE_ENCRYPTION_KEY")
        return plain

    def dump(self, session: Session) -> str:
        data = json.dumps(dict(session), separators=(",", ":")).encode()
        return self._current.encrypt(data).decode("ascii")

    def write(self, response, session: Session) -> None:
        """Set the cookie from *session*, or delete it when the session is empty.

        A cookie the browser would drop is never sent: what can wait (stored
        URLs, messages) goes first, and if that is not enough the cookie the
        browser holds stays as it was.
        """
        if session.from_old_cookie:
            response.delete_cookie(COOKIE_NAME, path="/")
        if not session:
            response.delete_cookie(self.name, path="/")
            return
        value = self.dump(session)
        for field in (*URL_FIELDS, "flashes"):
            if self._fits(value):
                break
            session.pop(field)
            value = self.dump(session)
        if not self._fits(value):
            log.warning(
                "session cookie of %d bytes not written: over the browser limit", len(value)
            )
            return
        response.set_cookie(
            self.name,
            value,
            max_age=self.max_age,
            path="/",
            secure=self.secure,
            httponly=True,
            samesite="lax",
        )


class RootDomainCookies:
    """``heroku_session``, ``heroku_session_nonce`` and ``heroku_user_session``.

    Sibling sites on ``HEROKU_COOKIE_DOMAIN`` read them to know who is logged
    in.  With no domain configured they are never written.
    """

    NAMES = ("heroku_session", "heroku_session_nonce", "heroku_user_session")

    def __init__(self, domain: str, key: str, max_age: int, secure: bool):
        self.domain = domain
        self._fernet = Fernet(key)
        self.max_age = max_age
        self.secure = secure

    @classmethod
    def from_settings(cls, settings) -> RootDomainCookies:
        return cls(
            settings.heroku_cookie_domain,
            settings.heroku_root_domain_cookie_encryption_key,
            settings.cookie_expire_after,
            cookie_secure(settings),
        )

    def set(self, response, user: dict, session_id: str) -> None:
        if not self.domain:
            return
        user_session = json.dumps({"user": user}, separators=(",", ":")).encode()
        values = {
            "heroku_session": "1",
            "heroku_session_nonce": session_id,
            "heroku_user_session": self._fernet.encrypt(user_session).decode("ascii"),
        }
        for name, value in values.items():
            response.set_cookie(
                name,
                value,
                max_age=self.max_age,
                path="/",
                domain=self.domain,
                secure=self.secure,
                httponly=True,
                samesite="lax",
            )

    def delete(self, response) -> None:
        if not self.domain:
            return
        for name in self.NAMES:
            response.delete_cookie(name, path="/", domain=self.domain)
