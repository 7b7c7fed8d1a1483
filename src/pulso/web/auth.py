"""Passwords (argon2), sessions in signed cookies, CSRF tokens and sign-in throttling.

Sign-in state (credentials, sessions, failed sign-ins) lives in the store: pulso.store.signin
reads and writes it; this module hashes, signs, remembers and decides."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import threading
import time
import uuid
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, URLSafeTimedSerializer

from pulso.errors import PulsoError
from pulso.store import Store, signin
from pulso.web import passwords

SESSION_COOKIE = "pulso_session"
ANON_COOKIE = "pulso_csrf"
_hasher = PasswordHasher()
# Verified against when the e-mail is unknown, so that the answer takes the same time.
_DUMMY_HASH = _hasher.hash("pulso-no-such-user")


class AuthError(PulsoError):
    """Not signed in, or the session has ended."""


class CsrfError(PulsoError):
    """A form came without the token of this browser's session."""


class ThrottledError(PulsoError):
    """Too many failed sign-ins; wait before trying again."""

    def __init__(self, minutes: int):
        self.minutes = minutes
        super().__init__(f"too many failed sign-ins; try again in {minutes} minutes")


class ForbiddenError(PulsoError):
    """The user's role does not open this page."""


@dataclass(frozen=True)
class User:
    """A signed-in user, as the web layer needs it."""

    id: str
    name: str
    email: str
    role: str
    team_id: str | None
    locale: str | None
    session_token: str = ""


def hash_password(password: str) -> str:
    """An argon2id hash of a password the policy accepts (pulso.web.passwords)."""
    passwords.check(password)
    return _hasher.hash(password)


def set_password(store: Store, user_id: str, password: str) -> None:
    """Store (or replace) a user's password; ends the user's open sessions."""
    signin.set_credential(store, user_id, hash_password(password), _now())


def set_locale(store: Store, user_id: str, locale: str) -> None:
    """Remember a user's language."""
    signin.set_locale(store, user_id, locale)


def find_user_by_email(store: Store, email: str) -> dict | None:
    """The active user with this e-mail (any case) and its credential, or None."""
    return signin.find_active_by_email(store, email)


def check_password(row: dict | None, password: str) -> bool:
    """Whether `password` matches the user's hash (always spends the time of one check)."""
    stored = (row or {}).get("password_hash") or _DUMMY_HASH
    try:
        ok = _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        ok = False
    return ok and bool(row and row.get("password_hash"))


class Sessions:
    """Server-side sessions named by a random token that travels signed in a cookie."""

    #: Seconds a looked-up session is trusted without asking the database again. Sign-out and
    #: a language change in this process take effect at once; a password set from the command
    #: line ends the sessions within this many seconds.
    MEMORY_SECONDS = 10.0

    def __init__(self, store: Store, secret: str, days: int):
        self.store = store
        self.days = days
        self.secret = secret.encode()
        self.signer = URLSafeTimedSerializer(secret, salt="pulso-session")
        self._known: dict[str, tuple[User, float]] = {}

    def start(self, user_id: str) -> str:
        """A new session for the user; returns the cookie value."""
        token = secrets.token_urlsafe(32)
        now = _now()
        signin.start_session(self.store, _digest(token), user_id, now, now + dt.timedelta(days=self.days))
        return self.signer.dumps(token)

    def token(self, cookie: str | None) -> str | None:
        """The token inside a cookie, if its signature and age are good."""
        if not cookie:
            return None
        try:
            return self.signer.loads(cookie, max_age=self.days * 86400)
        except BadSignature:
            return None

    def user(self, token: str) -> User | None:
        """The user of a live session (remembered for a few seconds)."""
        digest = _digest(token)
        known = self._known.get(digest)
        if known is not None and known[1] > time.monotonic():
            return known[0]
        user = self._lookup(token)
        if user is None:
            self._known.pop(digest, None)
        else:
            if len(self._known) > 10_000:
                self._known.clear()
            self._known[digest] = (user, time.monotonic() + self.MEMORY_SECONDS)
        return user

    def forget_user(self, user_id: str) -> None:
        """Drop remembered sessions of a user (after a change to them)."""
        for digest, (user, _) in list(self._known.items()):
            if user.id == user_id:
                self._known.pop(digest, None)

    def _lookup(self, token: str) -> User | None:
        row = signin.session_user(self.store, _digest(token), _now())
        return User(**row, session_token=token) if row else None

    def end(self, token: str) -> None:
        """Sign out: the session stops working at once."""
        self._known.pop(_digest(token), None)
        signin.end_session(self.store, _digest(token))

    def csrf_token(self, binding: str) -> str:
        """The CSRF token bound to a session token (or to an anonymous nonce)."""
        return hmac.new(self.secret, b"csrf:" + binding.encode(), hashlib.sha256).hexdigest()

    def check_csrf(self, binding: str | None, sent: str | None) -> None:
        """Refuse a form whose token is not this browser's."""
        if not binding or not sent or not hmac.compare_digest(self.csrf_token(binding), sent):
            raise CsrfError("this form has expired or did not come from Pulso; reload the page and try again")


class Throttle:
    """Counts failed sign-ins per e-mail and per client address in a sliding window.

    A sign-in takes an attempt (`reserve`) before its password is checked: the count and the
    attempt's record happen in one transaction, serialised within the process (a lock) and across
    processes on PostgreSQL (an advisory lock); DuckDB has one writing process. The attempt counts
    as a failure until the password proves right (`succeeded`), so parallel sign-ins never check
    more passwords than the limits allow.
    """

    def __init__(self, store: Store, per_email: int, per_address: int, minutes: int):
        self.store, self.per_email, self.per_address, self.minutes = store, per_email, per_address, minutes
        self._lock = threading.Lock()

    def reserve(self, email: str, ip: str | None) -> str:
        """Take one attempt for this e-mail and address; ThrottledError when either has none left."""
        now = _now()
        attempt = uuid.uuid4().hex
        with self._lock:
            granted = signin.reserve_attempt(self.store, attempt, _email_key(email), ip, now=now,
                                             since=now - dt.timedelta(minutes=self.minutes),
                                             per_email=self.per_email, per_address=self.per_address)
        if not granted:
            raise ThrottledError(self.minutes)
        return attempt

    def succeeded(self, email: str) -> None:
        """A good sign-in clears the e-mail's failures (its own attempt included)."""
        signin.clear_failures(self.store, _email_key(email))


def _email_key(email: str) -> str:
    return email.strip().lower()[:320]  # no e-mail address is longer


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)
