"""Sign-in state in the store: passwords (their hashes), sessions, failed sign-ins, and who may
sign in. The web (pulso.web.auth) hashes, signs cookies and decides; the SQL is here.

    set_credential(store, "u1", argon2_hash)      # and the user's sessions end
    start_session(store, digest, "u1", expires)   # digest: the SHA-256 of the cookie's token
    session_user(store, digest, now)              # the user of a live session, or None
    reserve_attempt(store, "ana@x.es", "10.0.0.1", now=now, since=since, per_email=5, per_address=30)
"""

from __future__ import annotations

import datetime as dt
import zlib
from typing import Any

import sqlalchemy as sa

from pulso.store import schema
from pulso.store.store import Store

#: The PostgreSQL advisory lock that makes the sign-in throttle's count-and-reserve atomic across
#: server processes (a fixed number; any other Pulso lock would pick another).
THROTTLE_LOCK = zlib.crc32(b"pulso.sign_in_throttle")
#: The fields of a signed-in user.
USER_FIELDS = ("id", "name", "email", "role", "team_id", "locale")


def set_credential(store: Store, user_id: str, password_hash: str, now: dt.datetime) -> None:
    """Store (or replace) a user's password hash and end the user's open sessions, together."""
    c = schema.user_credentials
    with store.connect() as conn:
        exists = conn.execute(sa.select(c.c.user_id).where(c.c.user_id == user_id)).first()
        if exists:
            conn.execute(c.update().where(c.c.user_id == user_id).values(password_hash=password_hash, changed_at=now))
        else:
            conn.execute(c.insert().values(user_id=user_id, password_hash=password_hash, changed_at=now))
        conn.execute(schema.user_sessions.delete().where(schema.user_sessions.c.user_id == user_id))


def set_locale(store: Store, user_id: str, locale: str) -> None:
    """Remember a user's language (a user with a password)."""
    c = schema.user_credentials
    with store.connect() as conn:
        conn.execute(c.update().where(c.c.user_id == user_id).values(locale=locale))


def find_active_by_email(store: Store, email: str) -> dict[str, Any] | None:
    """The active user with this e-mail (any case) and its credential (password_hash, locale), or
    None; among several, the one with a password first, then by id."""
    u, c = schema.users, schema.user_credentials
    query = (
        sa.select(u.c.id, u.c.name, u.c.email, u.c.role, u.c.team_id, c.c.password_hash, c.c.locale)
        .select_from(u.outerjoin(c, c.c.user_id == u.c.id))
        .where(sa.func.lower(u.c.email) == email.strip().lower(), u.c.active.is_(True))
        .order_by(c.c.password_hash.is_(None), u.c.id)
    )
    with store.engine.connect() as conn:
        row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def find_by_email(store: Store, email: str) -> dict[str, Any] | None:
    """The user (active or not) with this e-mail in any case, the first by id; None when none."""
    u = schema.users
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(u).where(sa.func.lower(u.c.email) == email.strip().lower())
                           .order_by(u.c.id)).mappings().first()
    return dict(row) if row else None


def users_with_access(store: Store) -> list[tuple[str, str, str, str | None, bool, bool]]:
    """(e-mail, name, role, team, active, has a password) of every user, by role and e-mail."""
    u, c = schema.users, schema.user_credentials
    with store.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(
            sa.select(u.c.email, u.c.name, u.c.role, u.c.team_id, u.c.active, c.c.user_id.is_not(None))
            .select_from(u.outerjoin(c, c.c.user_id == u.c.id)).order_by(u.c.role, u.c.email)
        )]


def active_users_and_managers(store: Store) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Active users by id (every field), and manager id → a team they manage."""
    u = schema.users
    with store.engine.connect() as conn:
        users = [dict(r) for r in conn.execute(sa.select(u).where(u.c.active.is_(True)).order_by(u.c.id)).mappings()]
        managers = dict(conn.execute(sa.select(schema.teams.c.manager_id, schema.teams.c.id)).all())
    return users, managers


# -- sessions ---------------------------------------------------------------------------------


def start_session(store: Store, digest: str, user_id: str, now: dt.datetime, expires: dt.datetime) -> None:
    """Record a new session (named by the digest of its token); expired sessions go."""
    s = schema.user_sessions
    with store.connect() as conn:
        conn.execute(s.delete().where(s.c.expires_at < now))
        conn.execute(s.insert().values(id=digest, user_id=user_id, created_at=now, expires_at=expires))


def session_user(store: Store, digest: str, now: dt.datetime) -> dict[str, Any] | None:
    """The active user (USER_FIELDS) of a session that has not expired, or None."""
    s, u, c = schema.user_sessions, schema.users, schema.user_credentials
    query = (
        sa.select(u.c.id, u.c.name, u.c.email, u.c.role, u.c.team_id, c.c.locale)
        .select_from(s.join(u, u.c.id == s.c.user_id).outerjoin(c, c.c.user_id == u.c.id))
        .where(s.c.id == digest, s.c.expires_at > now, u.c.active.is_(True))
    )
    with store.engine.connect() as conn:
        row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def end_session(store: Store, digest: str) -> None:
    """Remove a session: it stops working at once."""
    s = schema.user_sessions
    with store.connect() as conn:
        conn.execute(s.delete().where(s.c.id == digest))


# -- failed sign-ins --------------------------------------------------------------------------


def reserve_attempt(store: Store, attempt: str, email_key: str, ip: str | None, *, now: dt.datetime,
                    since: dt.datetime, per_email: int, per_address: int) -> bool:
    """Count the failures since `since` for the e-mail and the address and, when both are under
    their limits, record this attempt as one: True. In one transaction, serialised across
    processes on PostgreSQL by an advisory lock (DuckDB has one writing process; the caller
    serialises its own threads)."""
    f = schema.sign_in_failures
    try:
        with store.connect() as conn:
            if store.dialect == "postgres":
                conn.execute(sa.select(sa.func.pg_advisory_xact_lock(THROTTLE_LOCK)))
            conn.execute(f.delete().where(f.c.failed_at < since))
            by_email = conn.execute(sa.select(sa.func.count()).where(f.c.email == email_key)).scalar()
            by_ip = conn.execute(sa.select(sa.func.count()).where(f.c.ip == ip)).scalar() if ip else 0
            if by_email >= per_email or by_ip >= per_address:
                raise _NoneLeft  # the transaction rolls back: nothing of a refused attempt is written
            conn.execute(f.insert().values(id=attempt, email=email_key, ip=ip, failed_at=now))
    except _NoneLeft:
        return False
    return True


class _NoneLeft(Exception):
    """A throttled attempt, inside reserve_attempt's transaction."""


def clear_failures(store: Store, email_key: str) -> None:
    """Forget an e-mail's failed sign-ins (after a good one)."""
    f = schema.sign_in_failures
    with store.connect() as conn:
        conn.execute(f.delete().where(f.c.email == email_key))
