"""Who can sign in, with which role and team: the rules both doors follow (`pulso users` and the
web's /admin/users), each change audited in the transaction that makes it. The SQL is in
pulso.store.users; passwords are hashed by the caller (pulso.web.auth.hash_password, which holds
the password policy), so this module never sees one.

    users.add(store, email="ana@x.es", name="Ana Ruiz", role="rep", team_id="t1", actor=actor)
    users.update(store, "u7", role="manager", actor=actor)     # only what is given changes
    users.set_active(store, "u7", False, actor=actor)          # their sessions and tokens end
    link = users.invite(store, "u7", actor=actor)              # link.token: shown once, 72 h, one use
    users.accept_invite(store, link.token, password_hash)      # the user id, or None

Refusals raise UserError with a Spanish msgid and its values (pulso.i18n.said): the CLI and the
page say them in their reader's language, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from pulso import audit
from pulso.errors import PulsoError
from pulso.i18n import N_, said
from pulso.store import Store
from pulso.store import users as rows
from pulso.store.schema import ROLES

INVITE_HOURS = 72
MAX_NAME = 200
MAX_EMAIL = 254
MAX_TEAM = 120
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
KEEP: Any = object()  # "leave this field as it is"


class UserError(PulsoError):
    """A change to users or teams that the rules refuse; nothing was written."""


class UserExists(UserError):
    """The e-mail of a new user is already someone's (`existing`: that user's row)."""

    def __init__(self, message: str, existing: dict[str, Any]):
        super().__init__(message)
        self.existing = existing


@dataclass(frozen=True)
class Invite:
    """A one-time set-password link: `token` goes into /welcome/{token}, shown once."""

    user_id: str
    token: str
    expires_at: dt.datetime


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def digest(token: str) -> str:
    """What the store keeps of a link's token."""
    return hashlib.sha256(token.encode()).hexdigest()


def _name(name: str, limit: int = MAX_NAME) -> str:
    name = (name or "").strip()
    if not name:
        raise said(UserError, N_("Escribe el nombre."))
    if "<" in name or ">" in name:
        raise said(UserError, N_("El nombre no puede llevar los signos < ni >."))
    if len(name) > limit:
        raise said(UserError, N_("El nombre es demasiado largo: {n} caracteres; como mucho {limit}."), n=len(name), limit=limit)
    return name


def _role(role: str) -> str:
    if role not in ROLES:
        raise said(UserError, N_("rol desconocido '{role}'; use uno de {roles}"), role=str(role)[:40], roles=", ".join(ROLES))
    return role


def clean_email(email: str) -> str:
    """The e-mail as stored (trimmed), or UserError when it is not one."""
    email = (email or "").strip()
    if len(email) > MAX_EMAIL or not EMAIL.fullmatch(email):
        raise said(UserError, N_("'{email}' no es una dirección de correo"), email=email[:80])
    return email


def _team(store: Store, team_id: str | None) -> str | None:
    team_id = (team_id or "").strip()
    if not team_id:
        return None
    if rows.team(store, team_id) is None:
        raise said(UserError, N_("No existe el equipo '{team}'."), team=team_id[:80])
    return team_id


def _user(store: Store, user_id: str) -> dict[str, Any]:
    found = rows.user(store, (user_id or "").strip())
    if found is None:
        raise said(UserError, N_("No existe el usuario '{user}'."), user=str(user_id)[:80])
    return found


def _keeps_an_admin(store: Store, user: dict[str, Any], role: str, active: bool) -> None:
    """Refuse a change that would leave no active admin."""
    if user["role"] == "admin" and user["active"] and (role != "admin" or not active):
        if rows.active_admins(store) == [user["id"]]:
            raise said(UserError, N_("{name} es la única persona con el rol de administración activa: nombra antes "
                                     "a otra, o nadie podría gestionar Pulso."), name=user["name"])


def add(store: Store, *, email: str, name: str, role: str = "rep", team_id: str | None = None,
        actor: audit.Actor, ip: str | None = None) -> dict[str, Any]:
    """Add a user (active, without a password yet); refuses an e-mail that is already someone's,
    in any case (UserExists)."""
    role, email, name = _role(role or "rep"), clean_email(email), _name(name)
    team_id = _team(store, team_id)
    from pulso.store.signin import find_by_email

    existing = find_by_email(store, email)
    if existing is not None:
        raise UserExists(str(said(UserError, N_("El correo {email} ya es de {name}; no se ha cambiado nada."),
                                  email=existing["email"], name=existing["name"])), existing)
    record = {"id": f"usr-{uuid.uuid4().hex[:12]}", "name": name, "email": email, "role": role, "team_id": team_id,
              "active": True, "created_at": _now()}
    with store.connect() as conn:
        store.upsert_many({"users": [record]}, conn=conn)
        audit.record(store, "users.add", actor=actor, target=("users", record["id"]),
                     detail={"from": None, "to": role, "email": email, "team": team_id}, ip=ip, conn=conn)
    return record


def update(store: Store, user_id: str, *, name: str | None = None, role: str | None = None, team_id: Any = KEEP,
           actor: audit.Actor, ip: str | None = None) -> dict[str, Any]:
    """Change a user's name, role or team (only what is given; team_id '' or None: no team).
    A role change is audited as users.role_change, the rest as users.update."""
    user = _user(store, user_id)
    change: dict[str, Any] = {}
    if name is not None and name.strip() and name.strip() != user["name"]:
        change["name"] = _name(name)
    if role and role != user["role"]:
        change["role"] = _role(role)
        _keeps_an_admin(store, user, role, bool(user["active"]))
    if team_id is not KEEP and _team(store, team_id) != user["team_id"]:
        change["team_id"] = _team(store, team_id)
    if not change:
        return user
    with store.connect() as conn:
        store.upsert_many({"users": [{"id": user["id"], **change}]}, conn=conn)
        if "role" in change:
            audit.record(store, "users.role_change", actor=actor, target=("users", user["id"]),
                         detail={"from": user["role"], "to": change["role"], "email": user["email"]}, ip=ip, conn=conn)
        rest = {k: {"from": user[k], "to": v} for k, v in change.items() if k != "role"}
        if rest:
            audit.record(store, "users.update", actor=actor, target=("users", user["id"]), detail=rest, ip=ip, conn=conn)
    return {**user, **change}


def set_active(store: Store, user_id: str, active: bool, *, actor: audit.Actor, ip: str | None = None) -> None:
    """Deactivate a user (their sessions, unused links and API tokens end in the same transaction:
    the store's write of users does it) or reactivate them (who then needs a new sign-in)."""
    user = _user(store, user_id)
    if bool(user["active"]) == active:
        return
    _keeps_an_admin(store, user, user["role"], active)
    with store.connect() as conn:
        store.upsert_many({"users": [{"id": user["id"], "active": active}]}, conn=conn)
        audit.record(store, "users.reactivate" if active else "users.deactivate", actor=actor,
                     target=("users", user["id"]), detail={"email": user["email"]}, ip=ip, conn=conn)


def invite(store: Store, user_id: str, *, actor: audit.Actor, ip: str | None = None, reset: bool = False,
           now: dt.datetime | None = None) -> Invite:
    """A new one-time set-password link for an active user, valid INVITE_HOURS; their earlier unused
    links stop working. With reset, their password is removed and their sessions end at once."""
    user = _user(store, user_id)
    if not user["active"]:
        raise said(UserError, N_("{name} está desactivado: reactívalo antes de enviarle un enlace."), name=user["name"])
    now = now or _now()
    token = secrets.token_urlsafe(32)
    expires = now + dt.timedelta(hours=INVITE_HOURS)
    rows.add_invite(store, digest(token), user["id"], now=now, expires=expires, created_by=actor.id, reset=reset)
    audit.record(store, "users.password_reset" if reset else "users.invite", actor=actor, target=("users", user["id"]),
                 detail={"email": user["email"], "expires_at": expires.isoformat()}, ip=ip)
    return Invite(user["id"], token, expires)


def open_invite(store: Store, token: str, now: dt.datetime | None = None) -> dict[str, Any] | None:
    """The user of a link that still works (id, name, email, locale), or None."""
    if not token or len(token) > 200:
        return None
    return rows.open_invite(store, digest(token), now or _now())


def accept_invite(store: Store, token: str, password_hash: str, *, ip: str | None = None,
                  now: dt.datetime | None = None) -> str | None:
    """Use a link once: the user's new password is stored and their sessions end; the user's id,
    or None when the link is unknown, used, expired or its user deactivated."""
    if not token or len(token) > 200:
        return None
    user_id = rows.take_invite(store, digest(token), now or _now(), password_hash)
    if user_id is not None:
        audit.record(store, "users.password_set", actor=audit.Actor("user", user_id), target=("users", user_id), ip=ip)
    return user_id


# -- teams -------------------------------------------------------------------------------------


def _manager(store: Store, manager_id: str | None) -> str | None:
    manager_id = (manager_id or "").strip()
    if not manager_id:
        return None
    found = rows.user(store, manager_id)
    if found is None or not found["active"]:
        raise said(UserError, N_("No existe el usuario '{user}'."), user=manager_id[:80])
    return manager_id


def add_team(store: Store, name: str, manager_id: str | None = None, *, actor: audit.Actor,
             ip: str | None = None) -> dict[str, Any]:
    """Create a team, with its manager (an active user) when given."""
    record = {"id": f"team-{uuid.uuid4().hex[:10]}", "name": _name(name, MAX_TEAM), "manager_id": _manager(store, manager_id)}
    with store.connect() as conn:
        store.upsert_many({"teams": [record]}, conn=conn)
        audit.record(store, "users.team_add", actor=actor, target=("teams", record["id"]),
                     detail={"name": record["name"], "manager": record["manager_id"]}, ip=ip, conn=conn)
    return record


def update_team(store: Store, team_id: str, *, name: str | None = None, manager_id: Any = KEEP,
                actor: audit.Actor, ip: str | None = None) -> None:
    """Rename a team or set its manager ('' or None: none)."""
    found = rows.team(store, (team_id or "").strip())
    if found is None:
        raise said(UserError, N_("No existe el equipo '{team}'."), team=str(team_id)[:80])
    change: dict[str, Any] = {}
    if name is not None and _name(name, MAX_TEAM) != found["name"]:
        change["name"] = _name(name, MAX_TEAM)
    if manager_id is not KEEP and _manager(store, manager_id) != found["manager_id"]:
        change["manager_id"] = _manager(store, manager_id)
    if not change:
        return
    with store.connect() as conn:
        store.upsert_many({"teams": [{"id": found["id"], **change}]}, conn=conn)
        audit.record(store, "users.team_update", actor=actor, target=("teams", found["id"]),
                     detail={k: {"from": found[k], "to": v} for k, v in change.items()}, ip=ip, conn=conn)
