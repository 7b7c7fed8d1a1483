"""What every workspace operation shares: who acts (`Caller`), the checks on values, and one
transaction (`Tx`) that reads inside the caller's scope, writes through the store, audits and
records the action in `usage_events`.

    caller = caller_for(store, "u1")                       # role and Scope from the users table
    with Tx(store, caller, "update", "leads") as tx:
        lead = tx.get("leads", "l7")                       # NotFoundError outside the scope
        tx.write({"leads": [{"id": "l7", "mql_at": now}]})
        tx.done("workspace.lead.qualify", ("leads", "l7"), {"level": "mql"})

Scope rules are pulso.access's, as pulso.store.records applies them (scoping.sql_condition to
read, access.admits for a row about to be written); the write is Store.upsert_many on the
transaction's connection (its checks, references, data version), so a refusal anywhere leaves the
store as it was.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from pulso import audit
from pulso.access import Scope, admits
from pulso.store import Store, coerce, schema, scoping
from pulso.workspace.errors import N_, ForbiddenError, InputError, NotFoundError, OutOfScopeError, StoreLimitError

#: Longest text a field takes, by kind of field.
LIMITS = {"name": 200, "email": 254, "phone": 40, "short": 80, "reason": 500, "note": 4000}
MAX_BULK = 500
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Caller:
    """Who acts: their user id (None for a token acting for nobody), role and Scope."""

    user_id: str | None
    role: str
    scope: Scope

    @property
    def actor(self) -> audit.Actor:
        return audit.Actor("user", self.user_id) if self.user_id else audit.Actor("token")

    @property
    def manages(self) -> bool:
        """Admins and managers reassign records; reps and viewers do not."""
        return self.role in ("admin", "manager")


def caller_for(store: Store, user_id: str) -> Caller:
    """The Caller of a stored user: their role, and the Scope pulso.access gives it."""
    u, t = schema.users, schema.teams
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(u.c.role, u.c.team_id).where(u.c.id == user_id)).first()
        if row is None:
            raise NotFoundError(N_("No existe la persona '{id}'"), "user_id", id=user_id)
        managed = conn.execute(sa.select(t.c.id).where(t.c.manager_id == user_id).order_by(t.c.id)).scalar()
    return Caller(user_id, row.role, Scope.for_user(row.role, user_id, row.team_id, managed_team=managed))


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def new_id() -> str:
    return uuid.uuid4().hex


# -- values ---------------------------------------------------------------------------------


def text(value: Any, field: str, kind: str = "name", *, required: bool = False) -> str | None:
    """A text field: trimmed, within its length, no NUL, no spreadsheet formula; None when empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InputError(N_("Falta '{field}'"), field, field=field)
        return None
    if not isinstance(value, str):
        raise InputError(N_("'{field}' debe ser un texto"), field, field=field)
    value = value.strip()
    if len(value) > LIMITS[kind]:
        raise InputError(N_("'{field}' es demasiado largo (máximo {limit} caracteres)"), field, field=field,
                         limit=LIMITS[kind])
    if "\x00" in value:
        raise InputError(N_("'{field}' contiene un carácter nulo"), field, field=field)
    if coerce.is_formula(value):
        raise InputError(N_("'{field}' parece una fórmula de hoja de cálculo; quita el =, +, - o @ inicial"),
                         field, field=field)
    return value


def email(value: Any, field: str = "email") -> str | None:
    """An e-mail address (trimmed), or None."""
    value = text(value, field, "email")
    if value is not None and not _EMAIL.match(value):
        raise InputError(N_("'{value}' no es un correo electrónico"), field, value=value)
    return value


def choice(value: Any, field: str, choices: Iterable[str], *, required: bool = True) -> str | None:
    """One of `choices`."""
    choices = tuple(choices)
    if value is None and not required:
        return None
    if not isinstance(value, str) or value not in choices:
        raise InputError(N_("'{field}' no admite '{value}'; usa uno de: {choices}"), field, field=field,
                         value=value, choices=", ".join(choices))
    return value


def money(value: Any, field: str = "amount") -> Decimal | None:
    """An amount of money, not negative, within NUMERIC(18, 2); None when absent."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise InputError(N_("'{field}' debe ser un importe"), field, field=field)
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise InputError(N_("'{value}' no es un importe"), field, value=value) from None
    if not amount.is_finite():
        raise InputError(N_("'{value}' no es un importe"), field, value=value)
    if amount < 0:
        raise InputError(N_("'{field}' no puede ser negativo"), field, field=field)
    if amount > coerce.MAX_MONEY:
        raise InputError(N_("'{field}' es demasiado grande"), field, field=field)
    return amount.quantize(Decimal("0.01"))


def currency(value: Any, field: str = "currency") -> str | None:
    """A three-letter ISO 4217 code (upper case), or None."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z]{3}", value.strip()):
        raise InputError(N_("'{value}' no es un código de moneda (EUR, MXN, USD...)"), field, value=value)
    return value.strip().upper()


def instant(value: Any, field: str, *, required: bool = False, tz: dt.tzinfo = dt.timezone.utc) -> dt.datetime | None:
    """A moment (a datetime, a date or ISO 8601 text; naive: in `tz`, the workspace's time zone)
    within the years the store takes, in UTC."""
    if value is None or value == "":
        if required:
            raise InputError(N_("Falta '{field}'"), field, field=field)
        return None
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise InputError(N_("'{value}' no es una fecha (AAAA-MM-DD o AAAA-MM-DDTHH:MM)"), field, value=value) from None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    if not isinstance(value, dt.datetime):
        raise InputError(N_("'{field}' debe ser una fecha"), field, field=field)
    value = value if value.tzinfo else value.replace(tzinfo=tz)
    if not coerce.MIN_YEAR <= value.astimezone(dt.timezone.utc).year <= coerce.MAX_YEAR:
        raise InputError(N_("'{field}' debe caer entre {first} y {last}"), field, field=field,
                         first=coerce.MIN_YEAR, last=coerce.MAX_YEAR)
    return value.astimezone(dt.timezone.utc)


def ident(value: Any, field: str, *, required: bool = True) -> str | None:
    """A record id as given (text, trimmed)."""
    if value is None or value == "":
        if required:
            raise InputError(N_("Falta '{field}'"), field, field=field)
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise InputError(N_("'{field}' debe ser un identificador"), field, field=field)
    value = str(value).strip()
    if not value or len(value) > 200 or "\x00" in value:
        raise InputError(N_("'{field}' no es un identificador válido"), field, field=field)
    return value


def ids(values: Any, field: str = "ids") -> list[str]:
    """A list of record ids for a bulk action (1..MAX_BULK, repeated ids once)."""
    if not isinstance(values, (list, tuple)) or not values:
        raise InputError(N_("'{field}' debe ser una lista de identificadores"), field, field=field)
    if len(values) > MAX_BULK:
        raise InputError(N_("Como mucho {limit} registros a la vez"), field, limit=MAX_BULK)
    return list(dict.fromkeys(ident(v, field) for v in values))


def not_before(later: dt.datetime | None, earlier: dt.datetime | None, field: str) -> None:
    """Refuse a date before the record's own earlier date (a close before the creation)."""
    if later is not None and earlier is not None and later < _aware(earlier):
        raise InputError(N_("'{field}' no puede ser anterior a {when}"), field, field=field,
                         when=_aware(earlier).date().isoformat())


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


# -- one transaction --------------------------------------------------------------------------


class Tx:
    """One operation: a transaction on the store, reads inside the caller's scope, writes through
    Store.upsert_many, an audit entry and a usage event; all commit together or not at all.
    `usage`: the usage_events action (create, update, delete) and `entity` its table."""

    def __init__(self, store: Store, caller: Caller, usage: str | None, entity: str | None, *, write: bool = True):
        if write and caller.role == "viewer":
            raise ForbiddenError(N_("Tu rol es de solo lectura: no puedes modificar registros"), "role")
        self.store, self.caller, self.usage, self.entity = store, caller, usage, entity
        self._ctx = None
        self.conn: sa.Connection | None = None
        self._allowed: set[str] | None = None

    def __enter__(self) -> "Tx":
        self._ctx = self.store.connect()
        self.conn = self._ctx.__enter__()
        return self

    def __exit__(self, *exc: Any) -> bool | None:
        return self._ctx.__exit__(*exc)

    # reading
    def get(self, table: str, record_id: Any, field: str = "id") -> dict[str, Any]:
        """One record inside the scope, else NotFoundError (a missing one answers the same)."""
        found = self.get_many(table, [ident(record_id, field)], field)
        return found[0]

    def get_many(self, table: str, record_ids: list[str], field: str = "ids") -> list[dict[str, Any]]:
        """Records inside the scope, in the order asked; NotFoundError names the first missing."""
        tbl = schema.table(table)
        query = sa.select(tbl).where(tbl.c.id.in_(record_ids))
        cond = scoping.sql_condition(self.caller.scope, table)
        rows = {r["id"]: dict(r) for r in self.conn.execute(query if cond is None else query.where(cond)).mappings()}
        for rid in record_ids:
            if rid not in rows:
                raise NotFoundError(N_("No hay ningún registro '{id}' en {table}"), field, id=rid, table=table)
        return [rows[r] for r in record_ids]

    def stage(self, stage_id: Any, field: str = "stage_id") -> dict[str, Any]:
        """A stage of any pipeline (stages are the company's set-up: everybody reads them)."""
        sid = ident(stage_id, field)
        row = self.conn.execute(sa.select(schema.stages).where(schema.stages.c.id == sid)).mappings().first()
        if row is None:
            raise InputError(N_("No existe la etapa '{id}'"), field, id=sid)
        return dict(row)

    def when(self, value: Any, field: str, *, default: dt.datetime | None = None) -> dt.datetime | None:
        """A moment given in a form (naive: the workspace's time zone), else `default`."""
        got = instant(value, field, tz=ZoneInfo(self.setting("timezone", "UTC")))
        return default if got is None else got

    def setting(self, key: str, default: str) -> str:
        t = schema.workspace_settings
        return self.conn.execute(sa.select(t.c.value).where(t.c.key == key)).scalar() or default

    # owners
    def owner(self, owner_id: Any, table: str, current: str | None = None) -> str | None:
        """The owner a written record gets: the one asked for (reassigning is for managers and admins,
        and only to someone inside their scope), else the current one, else the caller."""
        wanted = ident(owner_id, "owner_id", required=False)
        if wanted is None or wanted == current:
            return current if current is not None else self.caller.user_id
        if wanted != self.caller.user_id and not self.caller.manages:
            raise ForbiddenError(N_("Solo un responsable de equipo o un administrador asigna registros a otra persona"),
                                 "owner_id")
        self.admit(table, {"owner_id": wanted})
        return wanted

    def admit(self, table: str, row: dict[str, Any]) -> None:
        """Refuse a row (with its owner column) that would lie outside the caller's scope."""
        scope = self.caller.scope
        if scope.is_company:
            return
        if self._allowed is None:
            self._allowed = scoping.allowed_owners(self.conn, scope)
        owner = row.get("owner_id")
        if not admits(scope, table, row, owner, self._allowed):
            raise OutOfScopeError(N_("'{owner}' no está dentro de tu alcance"), "owner_id", owner=owner)

    # writing
    def write(self, batches: dict[str, list[dict[str, Any]]]) -> None:
        """Write through the store, in this transaction (its checks, references and data version)."""
        try:
            self.store.upsert_many({t: rows for t, rows in batches.items() if rows}, conn=self.conn)
        except sa.exc.IntegrityError as exc:
            if "still referenced by a foreign key" not in str(exc):
                raise
            raise StoreLimitError(N_("Este espacio de trabajo (DuckDB) aún no puede cambiar la etapa, el responsable "
                                     "o el cliente de un registro al que apuntan otros registros"), "id") from None

    def done(self, action: str, target: tuple[str, str | None], detail: dict[str, Any] | None = None,
             *, count: int = 1) -> None:
        """The audit entry, and `count` usage events of the caller (one per record touched)."""
        audit.record(self.store, action, actor=self.caller.actor, target=target, detail=detail, conn=self.conn)
        if self.usage and self.caller.user_id:
            at = now_utc()
            self.store.upsert_many({"usage_events": [
                {"id": new_id(), "user_id": self.caller.user_id, "action": self.usage, "entity": self.entity,
                 "occurred_at": at} for _ in range(count)]}, conn=self.conn)


def edit_record(store: Store, caller: Caller, table: str, record_id: Any, values: dict[str, Any],
                fields: Any, action: str) -> dict[str, Any]:
    """Change a record's fields (those given, checked by `fields(tx, values)`); a new owner_id is a
    reassignment (managers and admins); audited as `action`. Returns the record as changed."""
    with Tx(store, caller, "update", table) as tx:
        record = tx.get(table, record_id)
        changes = fields(tx, values)
        if "owner_id" in values:
            changes["owner_id"] = tx.owner(values["owner_id"], table, record["owner_id"])
        tx.write({table: [{"id": record["id"], **changes}]})
        tx.done(action, (table, record["id"]), {"fields": sorted(changes)})
    return {**record, **changes}
