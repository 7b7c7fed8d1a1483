"""API tokens: created and revoked by admins, shown once, stored as a SHA-256 hash.

A token carries a role and a scope like a user (`Token.scope`, a pulso.access.Scope): an admin token
sees everything; a manager token its team (`team_id`, or the team its `user_id` manages); a rep
token the records of its `user_id`; a viewer token a team or, without one, the whole company.

    created = tokens.create(store, "crm sync", role="rep", user_id="u3", created_by=audit.CLI)
    print(created.secret)          # shown once; only its hash is kept
    tokens.verify(store, secret)   # → Token, or None when unknown or revoked
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from dataclasses import dataclass

import sqlalchemy as sa

from pulso import audit
from pulso.access import Scope
from pulso.errors import PulsoError
from pulso.i18n import N_, said
from pulso.store import Store, schema
from pulso.store.tables_api import api_tokens

PREFIX = "pulso_"
ROLES = schema.ROLES


class TokenError(PulsoError):
    """A token that cannot be created or revoked as asked."""


@dataclass(frozen=True)
class Token:
    """A stored token (never its secret)."""

    id: str
    name: str
    prefix: str
    role: str
    team_id: str | None
    user_id: str | None
    created_at: dt.datetime
    created_by: str | None
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None

    @property
    def active(self) -> bool:
        """Whether the token still works."""
        return self.revoked_at is None

    def scope(self, person: dict | None = None, managed_team: str | None = None) -> Scope:
        """What the token sees: the scope of its role for its team, else the team of the person
        it acts for (`person`: their row, see bound_user), or the team that person manages."""
        team_id = self.team_id or (person["team_id"] if person else None)
        return Scope.for_user(self.role, self.user_id or "", team_id, managed_team if self.role == "manager" else None)


@dataclass(frozen=True)
class Created:
    """A new token and its secret, which is shown this once."""

    token: Token
    secret: str


def digest(secret: str) -> str:
    """The stored form of a secret."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def create(store: Store, name: str, *, role: str, team_id: str | None = None, user_id: str | None = None,
           created_by: audit.Actor = audit.CLI, ip: str | None = None) -> Created:
    """A new token; audit-logged as "token.create"."""
    if any("\x00" in v for v in (name, team_id, user_id, role) if isinstance(v, str)):
        raise said(TokenError, N_("el nombre, el rol, el equipo y el usuario de un token no pueden llevar un carácter "
                                  "NUL"))
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise said(TokenError, N_("dé al token un nombre de 1 a 200 caracteres, p. ej. 'sincronización crm'"))
    if role not in ROLES:
        raise said(TokenError, N_("rol desconocido '{role}'; use uno de: {roles}"), role=role, roles=", ".join(ROLES))
    team_id, user_id = (team_id or None), (user_id or None)
    with store.engine.connect() as conn:
        person = None if user_id is None else conn.execute(
            sa.select(schema.users.c.active).where(schema.users.c.id == user_id)).first()
        if user_id is not None and person is None:
            raise said(TokenError, N_("no hay ningún usuario '{user}' en este espacio de trabajo"), user=user_id)
        if person is not None and not person.active:
            raise said(TokenError, N_("el usuario '{user}' está desactivado: un token que actúe por él no funcionaría; "
                                      "reactívelo antes, o cree el token para otra persona"), user=user_id)
        if team_id is not None and conn.execute(sa.select(schema.teams.c.id).where(schema.teams.c.id == team_id)).first() is None:
            raise said(TokenError, N_("no hay ningún equipo '{team}' en este espacio de trabajo"), team=team_id)
    if role == "rep" and user_id is None:
        raise said(TokenError, N_("un token de comercial ve los registros de una persona: indique el usuario (--user)"))
    if role == "manager" and user_id is None and team_id is None:
        raise said(TokenError, N_("un token de responsable ve un equipo: indique el equipo (--team), o el usuario de un "
                                  "responsable (--user)"))
    secret = PREFIX + secrets.token_urlsafe(32)
    row = {
        "id": uuid.uuid4().hex[:16], "name": name, "token_hash": digest(secret), "prefix": secret[:12],
        "role": role, "team_id": team_id, "user_id": user_id, "created_at": _now(),
        "created_by": f"{created_by.kind}:{created_by.id}" if created_by.id else created_by.kind,
        "last_used_at": None, "revoked_at": None,
    }
    with store.connect() as conn:
        conn.execute(api_tokens.insert().values(**row))
        audit.record(store, "token.create", actor=created_by, target=("api_tokens", row["id"]),
                     detail={"name": name, "role": role, "team_id": team_id, "user_id": user_id}, ip=ip, conn=conn)
    row.pop("token_hash")
    return Created(Token(**row), secret)


def listing(store: Store, *, include_revoked: bool = True) -> list[Token]:
    """Every token, newest first."""
    t = api_tokens
    query = sa.select(*(c for c in t.c if c.name != "token_hash")).order_by(t.c.created_at.desc(), t.c.id)
    if not include_revoked:
        query = query.where(t.c.revoked_at.is_(None))
    with store.engine.connect() as conn:
        return [Token(**r) for r in conn.execute(query).mappings()]


def revoke(store: Store, token_id: str, *, actor: audit.Actor = audit.CLI, ip: str | None = None) -> Token:
    """Stop a token from working at once; audit-logged as "token.revoke"."""
    t = api_tokens
    with store.connect() as conn:
        found = conn.execute(sa.select(t.c.id, t.c.revoked_at).where(t.c.id == token_id)).first()
        if found is None:
            raise said(TokenError, N_("no hay ningún token '{id}'; `pulso tokens list` los muestra"), id=token_id)
        if found.revoked_at is None:
            conn.execute(t.update().where(t.c.id == token_id).values(revoked_at=_now()))
            audit.record(store, "token.revoke", actor=actor, target=("api_tokens", token_id), ip=ip, conn=conn)
    return next(tok for tok in listing(store) if tok.id == token_id)


def verify(store: Store, secret: str) -> Token | None:
    """The live token with this secret, or None."""
    t = api_tokens
    query = sa.select(*(c for c in t.c if c.name != "token_hash")).where(
        t.c.token_hash == digest(secret), t.c.revoked_at.is_(None))
    with store.engine.connect() as conn:
        row = conn.execute(query).mappings().first()
    return Token(**row) if row else None


def bound_user(store: Store, user_id: str) -> dict | None:
    """The active user a token is bound to (its team_id), or None when gone or deactivated."""
    u = schema.users
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(u.c.id, u.c.team_id).where(u.c.id == user_id, u.c.active.is_(True))).mappings().first()
    return dict(row) if row else None


def touch(store: Store, token: Token, *, action: str, ip: str | None = None) -> None:
    """Note a token's use: its last-used time and an audit entry "token.use"."""
    with store.connect() as conn:
        conn.execute(api_tokens.update().where(api_tokens.c.id == token.id).values(last_used_at=_now()))
        audit.record(store, "token.use", actor=audit.Actor("token", token.id), detail={"request": action},
                     ip=ip, conn=conn)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)
