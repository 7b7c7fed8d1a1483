"""Users, teams and set-password links in the store: the reads of the users page and `pulso users
list`, and the rows of one-time links (user_invites). The rules and the audit are pulso.users.

    listing(store)                       # every user, with team, team manager, password, last sign-in
    team_rows(store)                     # every team, with its manager and how many members
    add_invite(store, digest, "u1", now=now, expires=..., created_by="u0")
    take_invite(store, digest, now, password_hash)   # the user id, once; None when used or expired
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from pulso.store import schema
from pulso.store.store import Store
from pulso.store.tables_api import user_invites

#: The audit action of a good sign-in (pulso.web.routes.auth), the "last sign-in" of a user.
SIGN_IN = "auth.sign_in"


def listing(store: Store) -> list[dict[str, Any]]:
    """Every user (id, name, email, role, team_id, team, manager_id, manager, active, can_sign_in,
    last_sign_in), by name; `manager` is the manager of the user's team."""
    u, c, t, a = schema.users, schema.user_credentials, schema.teams, schema.audit_log
    boss = u.alias("boss")
    last = (sa.select(a.c.actor_id, sa.func.max(a.c.occurred_at).label("at"))
            .where(a.c.action == SIGN_IN, a.c.actor_kind == "user").group_by(a.c.actor_id).subquery())
    query = (
        sa.select(u.c.id, u.c.name, u.c.email, u.c.role, u.c.team_id, t.c.name.label("team"),
                  t.c.manager_id, boss.c.name.label("manager"), u.c.active,
                  c.c.user_id.is_not(None).label("can_sign_in"), last.c.at.label("last_sign_in"))
        .select_from(u.outerjoin(c, c.c.user_id == u.c.id).outerjoin(t, t.c.id == u.c.team_id)
                     .outerjoin(boss, boss.c.id == t.c.manager_id).outerjoin(last, last.c.actor_id == u.c.id))
        .order_by(sa.func.lower(u.c.name), u.c.id)
    )
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


def user(store: Store, user_id: str) -> dict[str, Any] | None:
    """One user's row (every field), or None."""
    u = schema.users
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(u).where(u.c.id == user_id)).mappings().first()
    return dict(row) if row else None


def team_rows(store: Store) -> list[dict[str, Any]]:
    """Every team (id, name, manager_id, manager, members: active users), by name."""
    u, t = schema.users, schema.teams
    members = (sa.select(u.c.team_id, sa.func.count().label("n")).where(u.c.active.is_(True))
               .group_by(u.c.team_id).subquery())
    query = (sa.select(t.c.id, t.c.name, t.c.manager_id, u.c.name.label("manager"),
                       sa.func.coalesce(members.c.n, 0).label("members"))
             .select_from(t.outerjoin(u, u.c.id == t.c.manager_id).outerjoin(members, members.c.team_id == t.c.id))
             .order_by(sa.func.lower(t.c.name), t.c.id))
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


def team(store: Store, team_id: str) -> dict[str, Any] | None:
    """One team's row, or None."""
    t = schema.teams
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(t).where(t.c.id == team_id)).mappings().first()
    return dict(row) if row else None


def active_admins(store: Store) -> list[str]:
    """The ids of the active admins."""
    u = schema.users
    with store.engine.connect() as conn:
        return list(conn.execute(sa.select(u.c.id).where(u.c.role == "admin", u.c.active.is_(True))).scalars())


# -- one-time set-password links ---------------------------------------------------------------


def add_invite(store: Store, digest: str, user_id: str, *, now: dt.datetime, expires: dt.datetime,
               created_by: str | None, reset: bool) -> None:
    """Record a link (named by the SHA-256 of its token) for a user; their earlier unused links go.
    A reset also removes the user's password and ends their sessions, in the same transaction (the
    link keeps the user's language)."""
    i, c = user_invites, schema.user_credentials
    with store.connect() as conn:
        locale = conn.execute(sa.select(c.c.locale).where(c.c.user_id == user_id)).scalar()
        conn.execute(i.delete().where(i.c.user_id == user_id, i.c.used_at.is_(None)))
        conn.execute(i.insert().values(id=digest, user_id=user_id, created_at=now, expires_at=expires,
                                       created_by=created_by, locale=locale))
        if reset:
            conn.execute(c.delete().where(c.c.user_id == user_id))
            conn.execute(schema.user_sessions.delete().where(schema.user_sessions.c.user_id == user_id))


def open_invite(store: Store, digest: str, now: dt.datetime) -> dict[str, Any] | None:
    """The user (id, name, email, locale) of an unused, unexpired link of an active user, or None."""
    i, u = user_invites, schema.users
    query = (sa.select(u.c.id, u.c.name, u.c.email, i.c.locale).select_from(i.join(u, u.c.id == i.c.user_id))
             .where(i.c.id == digest, i.c.used_at.is_(None), i.c.expires_at > now, u.c.active.is_(True)))
    with store.engine.connect() as conn:
        row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def take_invite(store: Store, digest: str, now: dt.datetime, password_hash: str) -> str | None:
    """Use a link: mark it used, store the password (with the link's language) and end the user's
    sessions, in one transaction; the user's id, or None when the link is unknown, used, expired
    or its user inactive (nothing written). The update that marks it used is the one that checks,
    so two uses at once cannot both pass."""
    i, u, c = user_invites, schema.users, schema.user_credentials
    with store.connect() as conn:
        active = sa.select(u.c.id).where(u.c.active.is_(True))
        found = conn.execute(sa.select(i.c.user_id, i.c.locale).where(
            i.c.id == digest, i.c.used_at.is_(None), i.c.expires_at > now, i.c.user_id.in_(active))).first()
        if found is None:
            return None
        marked = conn.execute(i.update().where(i.c.id == digest, i.c.used_at.is_(None)).values(used_at=now))
        if marked.rowcount != 1:
            return None
        user_id, locale = found
        conn.execute(c.delete().where(c.c.user_id == user_id))
        conn.execute(c.insert().values(user_id=user_id, password_hash=password_hash, changed_at=now, locale=locale))
        conn.execute(schema.user_sessions.delete().where(schema.user_sessions.c.user_id == user_id))
    return user_id
