"""Records of any canonical table for every door (the API today, the CRM workspace tomorrow): list
(filtered, paged), get by id or external id, upsert a batch and delete one, inside a
pulso.access.Scope, by access's ownership rules (SQL in pulso.store.scoping).

    page = listing(store, Scope.team("t1"), "deals", [("status", "won")], limit=50)
    deal = get(store, Scope.owners("u1"), "deals", "d7")        # RecordNotFoundError outside the scope
    upsert(store, scope, "deals", [{"external_id": "SF-1", "amount": 900}], user_id="u1")
    delete(store, Scope.company(), "deals", "d7")               # RecordReferencedError while referred to

Outside the scope looks exactly like absent: a stored record outside it is "not found", a
reference to one is "does not exist". Refusals are pulso.errors.RecordsError subclasses (and
ValidationError for records' fields); whoever audits passes `audit`, called inside the write's
transaction so that the entry and the change commit together.
"""

from __future__ import annotations

import datetime as dt
import difflib
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, Iterable

import sqlalchemy as sa

from pulso.access import OWNERSHIP, UNOWNED, Scope, admits, describe
from pulso.errors import (FilterError, RecordError, RecordForbiddenError, RecordNotFoundError,
                          RecordReferencedError, RecordScopeError, UnknownFilterError, ValidationError)
from pulso.i18n import N_, Saying, record_error, said
from pulso.store import coerce, schema, scoping, searchwords, tables_api
from pulso.store.store import Store, _bump_version

#: Tables only an admin writes: who may sign in with which role, and the company's own set-up.
ADMIN_WRITES = frozenset({"users", "teams", *UNOWNED})
#: Filter operators (`col__op`); plain `col` is equality (several values: any of them).
OPERATORS = {
    "eq": None, "ne": lambda c, v: c != v, "gt": lambda c, v: c > v, "gte": lambda c, v: c >= v,
    "lt": lambda c, v: c < v, "lte": lambda c, v: c <= v,
}
#: How many written ids an audit entry lists (the count is always there).
AUDITED_IDS = 100

#: audit(conn, action, (table, id or None), detail): called inside the write's transaction.
Audit = Callable[[sa.Connection, str, tuple[str, str | None], dict[str, Any]], None]


@dataclass(frozen=True)
class Page:
    """One page of a listing: records as stored, whether more follow, the id to continue after."""

    records: list[dict[str, Any]]
    has_more: bool
    next_after: str | None


def plain(value: Any) -> Any:
    """A stored value as JSON: amounts as numbers, instants in ISO 8601 UTC."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        return (value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)).astimezone(dt.timezone.utc).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def plain_row(row: Any) -> dict[str, Any]:
    """A row mapping as a JSON object."""
    return {k: plain(v) for k, v in dict(row).items()}


def _reason(error: RecordError) -> Saying:
    """A refused record's reason handed on inside another message, still sayable in a reader's language."""
    reason = Saying(error.reason)
    reason.text, reason.values = error.text, error.values
    return reason


def condition(scope: Scope, table: str) -> sa.ColumnElement | None:
    """The rows of `table` the scope reads (None: every row); RecordScopeError for a table
    without owners under a non-company scope."""
    try:
        return scoping.sql_condition(scope, table)
    except ValueError:
        raise said(RecordScopeError, N_("{table} no tienen dueño; solo un ámbito de toda la empresa los lee"), "table",
                   table=table) from None


# -- reading ----------------------------------------------------------------------------------


def filters(store: Store, table: str, params: Iterable[tuple[str, str]]) -> list[sa.ColumnElement]:
    """Conditions from (name, text) pairs: `col`, `col__op` (gt, gte, lt, lte, ne) and `col__null`
    (true/false); values read as the store reads the field. UnknownFilterError, FilterError."""
    tbl = schema.table(table)
    equal: dict[str, list[Any]] = {}
    conditions = []
    for name, raw in params:
        column, _, op = name.partition("__")
        if column not in tbl.c:
            near = difflib.get_close_matches(column, list(tbl.c.keys()), n=1)
            raise (said(UnknownFilterError, N_("{table} no tiene el campo '{column}'; ¿quería decir '{near}'?"), name,
                        table=tbl.name, column=column, near=near[0]) if near else
                   said(UnknownFilterError, N_("{table} no tiene el campo '{column}'; los campos son: {fields}"), name,
                        table=tbl.name, column=column, fields=", ".join(tbl.c.keys())))
        if op == "null":
            if raw.lower() not in ("true", "false"):
                raise said(FilterError, N_("{name} admite true o false"), name, name=name)
            conditions.append(tbl.c[column].is_(None) if raw.lower() == "true" else tbl.c[column].is_not(None))
            continue
        if op and op not in OPERATORS:
            raise said(UnknownFilterError, N_("operador desconocido '{op}'; use gt, gte, lt, lte, ne o null"), name, op=op)
        converted, errors = coerce.from_dicts(tbl, [{column: raw}], store.timezone)
        if errors:
            raise said(FilterError, N_("{name}: {reason}"), name, name=name, reason=_reason(errors[0]))
        value = converted[column][0].as_py()
        if op in ("", "eq"):
            equal.setdefault(column, []).append(value)
        else:
            conditions.append(OPERATORS[op](tbl.c[column], value))
    conditions += [tbl.c[c].in_(vs) if len(vs) > 1 else tbl.c[c] == vs[0] for c, vs in equal.items()]
    return conditions


def listing(store: Store, scope: Scope, table: str, params: Iterable[tuple[str, str]] = (), *,
            limit: int = 100, offset: int = 0, after: str | None = None, order: str | None = None,
            descending: bool = False) -> Page:
    """A page of a table's records inside the scope, filtered (`filters`), in id order or by the
    column `order` (`descending`; empty values last, then id)."""
    tbl = schema.table(table)
    query = sa.select(tbl)
    scoped = condition(scope, table)
    if scoped is not None:
        query = query.where(scoped)
    for cond in filters(store, table, params):
        query = query.where(cond)
    if after is not None:
        query = query.where(tbl.c.id > after)
    if order is not None:
        column = tbl.c[order]
        query = query.order_by((column.desc() if descending else column.asc()).nulls_last())
    query = query.order_by(tbl.c.id).limit(limit + 1).offset(offset)
    with store.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(query).mappings()]
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, more, rows[-1]["id"] if more and rows else None)


def get(store: Store, scope: Scope, table: str, record_id: str) -> dict[str, Any]:
    """One record by id inside the scope; RecordNotFoundError otherwise."""
    tbl = schema.table(table)
    query = sa.select(tbl).where(tbl.c.id == record_id)
    scoped = condition(scope, table)
    if scoped is not None:
        query = query.where(scoped)
    with store.engine.connect() as conn:
        row = conn.execute(query).mappings().first()
    if row is None:
        raise said(RecordNotFoundError, N_("no hay ningún registro '{id}' en {table} dentro de su ámbito"), "record_id",
                   id=record_id, table=table)
    return dict(row)


def by_external_id(store: Store, scope: Scope, table: str, external_id: str) -> list[dict[str, Any]]:
    """The records inside the scope that carry this external id (as stored: trimmed), in id order;
    several when the source system reused it."""
    tbl = schema.table(table)
    query = sa.select(tbl).where(tbl.c.external_id == coerce.trim_key(str(external_id))).order_by(tbl.c.id)
    scoped = condition(scope, table)
    if scoped is not None:
        query = query.where(scoped)
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


# -- writing ----------------------------------------------------------------------------------


def _key(value: Any) -> str | None:
    """A record's id, external_id or reference as the store keeps it, or None when it is not usable as one."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    text = coerce.trim_key(str(value))
    return text if text and "\x00" not in text else None  # NUL: the store refuses it with a reason


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _stored(conn: sa.Connection, tbl: sa.Table, column: str, keys: list[str], fields: list[str],
            where: sa.ColumnElement | None = None) -> list[dict]:
    """Stored rows whose `column` is among `keys` (the keys travel as one array, not 10,000 parameters)."""
    if not keys:
        return []
    query = sa.select(*(tbl.c[f] for f in fields)).where(tbl.c[column].in_(sa.select(sa.func.unnest(sa.bindparam("keys", keys, type_=sa.ARRAY(sa.Text))))))
    if where is not None:
        query = query.where(where)
    return [dict(r) for r in conn.execute(query).mappings()]


def _resolve_ids(conn: sa.Connection, scope: Scope, tbl: sa.Table, records: list[Any]) -> tuple[list[dict], list[RecordError]]:
    """Records with an id each: a record without one takes the id stored for its external_id, or a new one.

    Only records the scope reads are matched: to a rep, another rep's external_id is unknown
    (the record is created with a new id), and a shared one is counted, never listed."""
    errors = [record_error(tbl.name, None, "(record)", N_("se esperaba un objeto, no {kind}"), i, kind=type(r).__name__)
              for i, r in enumerate(records) if not isinstance(r, dict)]
    if errors:
        return [], errors
    wanted = sorted({k for r in records if r.get("id") is None and (k := _key(r.get("external_id")))})
    known: dict[str, list[str]] = {}
    for row in _stored(conn, tbl, "external_id", wanted, ["id", "external_id"], condition(scope, tbl.name)) if wanted else []:
        known.setdefault(row["external_id"], []).append(row["id"])
    fresh: dict[str, str] = {}
    out = []
    for i, rec in enumerate(records):
        if rec.get("id") is not None:
            out.append(rec)
            continue
        ext = _key(rec.get("external_id"))
        if isinstance(rec.get("external_id"), str) and "\x00" in rec["external_id"]:
            errors.append(record_error(tbl.name, None, "external_id", N_("contiene un carácter NUL (\\x00)"), i))
        elif ext is None:
            errors.append(record_error(tbl.name, None, "id", N_("falta: dé un id o un external_id"), i))
        elif len(known.get(ext, ())) > 1:
            errors.append(record_error(tbl.name, None, "external_id",
                                       N_("'{ext}' lo comparten {count} registros; dé el id"), i, ext=ext, count=len(known[ext])))
        else:
            ids = known.get(ext) or [fresh.setdefault(ext, uuid.uuid4().hex)]
            out.append({**rec, "id": ids[0]})
    return out, errors


def _check_scope(conn: sa.Connection, scope: Scope, user_id: str | None, table: str, records: list[dict],
                 stored: dict[str, dict]) -> None:
    """Refuse a batch that touches anything outside a non-company scope, in this order, so that
    what lies outside looks exactly like what does not exist:

    - a stored record outside the scope: RecordNotFoundError, as reading it answers;
    - a reference to a record the scope does not read: ValidationError, as a reference to nothing;
    - a record that would leave the scope (an owner outside it, a quota of oneself): RecordScopeError.
    """
    unknown = [record_error(table, rid, "id", N_("no hay ningún registro '{id}' en {table} dentro de su ámbito"), i, id=rid, table=table)
               for i, rid in enumerate(str(r["id"]) for r in records) if rid in stored]
    old_owners = scoping.owners_of(conn, table, [stored[e.record_id] for e in unknown])
    allowed = scoping.allowed_owners(conn, scope)
    unknown = [e for e, owner in zip(unknown, old_owners)
               if not admits(scope, table, stored[e.record_id], _text(owner), allowed)]
    if unknown:
        raise said(RecordNotFoundError, N_("{reason}; no se escribió nada"), "id", unknown[:1000],
                   reason=_reason(unknown[0]))
    hidden = _hidden_references(conn, scope, table, records)
    if hidden:
        raise ValidationError(hidden)
    merged = [{**stored.get(str(r["id"]), {}), **r} for r in records]
    how = OWNERSHIP[table]
    field = how.column or how.parents[0][0]
    errors = []
    for i, (rec, row, owner) in enumerate(zip(records, merged, scoping.owners_of(conn, table, merged))):
        rid = str(rec["id"])
        if not admits(scope, table, row, _text(owner), allowed):
            errors.append(record_error(table, rid, field, N_("dejaría el registro fuera de su ámbito ({how})"), i, how=describe(table)))
        elif table == "quotas" and owner is not None and _text(owner) == user_id:
            errors.append(record_error(table, rid, field, N_("es usted: su propia cuota la fija un administrador"), i))
    if errors:
        raise said(RecordScopeError, N_("{n} registro(s) fuera de su ámbito; no se escribió nada"), errors[0].field,
                   errors[:1000], n=len(errors))


def _hidden_references(conn: sa.Connection, scope: Scope, table: str, records: list[dict]) -> list[RecordError]:
    """The references the records carry to records the scope does not read, worded as the store
    words a reference to nothing (Store._check_references)."""
    errors = []
    for field, parent in scoping.checked_references(table).items():
        wanted = {k for r in records if (k := _key(r.get(field))) is not None}
        seen = scoping.visible(conn, scope, parent, wanted) if wanted else set()
        for i, rec in enumerate(records):
            value = _key(rec.get(field))
            if value is not None and value not in seen:
                errors.append(record_error(table, str(rec["id"]), field, N_("se refiere a {parent} '{value}', que no existe"), i,
                                           parent=parent, value=value))
    return sorted(errors, key=lambda e: e.index)[:1000]


def upsert(store: Store, scope: Scope, table: str, records: list[Any], *, admin: bool = False,
           user_id: str | None = None, audit: Audit | None = None, via: str | None = None) -> dict[str, Any]:
    """Write a batch all or nothing, by id or (a record without one) by external id; returns
    {table, written, created, updated, ids}. `admin`: the writer is an admin (only they write
    ADMIN_WRITES); `user_id`: who writes (nobody sets their own quota); `via`: the door, noted in
    a role change's audit entry. RecordForbiddenError for the role; RecordNotFoundError for stored
    records outside the scope and ValidationError for references outside it (both as for records
    that do not exist); RecordScopeError for records that would leave it."""
    if table in ADMIN_WRITES and not admin:
        raise said(RecordForbiddenError, N_("solo un administrador escribe {table}"), "table", table=table)
    if table == "quotas" and scope.kind not in ("company", "team"):
        raise said(RecordForbiddenError, N_("las cuotas las fija un administrador, o un responsable para su equipo; "
                                            "usted puede leer la suya"), "table")
    tbl = schema.table(table)
    records = coerce.trim_keys(tbl, records)  # ids and references as the store will keep them
    # One transaction: ids resolved, scope checked, records and audit entries written together.
    with store.connect() as conn:
        records, errors = _resolve_ids(conn, scope, tbl, records)
        if errors:
            raise ValidationError(errors)
        ids = sorted({k for r in records if (k := _key(r["id"]))})
        how = OWNERSHIP.get(table)
        fields = ["id"]
        if not scope.is_company and how is not None:
            fields += [how.column] if how.column else [fk for fk, _ in how.parents]
            fields += [how.team] if how.team else []
        if table == "users":
            fields.append("role")
        stored = {str(r["id"]): r for r in _stored(conn, tbl, "id", ids, list(dict.fromkeys(fields)))}
        if not scope.is_company:
            _check_scope(conn, scope, user_id, table, records, stored)
        created = sum(1 for k in {_key(r["id"]) for r in records} if k not in stored)
        records = _fill_absent(conn, tbl, records)
        try:
            written = store.upsert_many({table: records}, conn=conn)[table]
        except ValidationError as exc:
            raise _indexed(exc, records) from None
        if audit is not None:
            audit(conn, "records.upsert", (table, None), {"count": written, "created": created, "updated": written - created,
                                                           "ids": [str(r["id"]) for r in records[:AUDITED_IDS]]})
            for rec in records if table == "users" else ():
                old = stored.get(str(rec["id"]), {}).get("role")
                if "role" in rec and old is not None and rec["role"] != old:
                    audit(conn, "users.role_change", ("users", str(rec["id"])),
                          {"from": old, "to": rec["role"], **({"via": via} if via else {})})
    return {"table": table, "written": written, "created": created, "updated": written - created,
            "ids": [str(r["id"]) for r in records]}


def _fill_absent(conn: sa.Connection, tbl: sa.Table, records: list[dict]) -> list[dict]:
    """Each record complete for the fields the batch carries: a field a record leaves out keeps its
    stored value (or takes its default, for a new record), as if it were alone in its batch."""
    fields = list(dict.fromkeys(f for r in records for f in r if f in tbl.c))
    partial = [r for r in records if len(r) < len(fields) or any(f not in r for f in fields)]
    if not partial:
        return records
    keys = sorted({k for r in partial if (k := _key(r.get("id")))})
    stored = {str(r["id"]): r for r in _stored(conn, tbl, "id", keys, list(dict.fromkeys(["id", *fields])))}
    defaults = {f: coerce.python_default(tbl.c[f]) for f in fields}
    out = []
    for rec in records:
        missing = [f for f in fields if f not in rec]
        if missing:
            base = stored.get(str(rec.get("id")), defaults)
            rec = {**{f: base[f] for f in missing}, **rec}
        out.append(rec)
    return out


def _indexed(exc: ValidationError, records: list[dict]) -> ValidationError:
    """The store's errors with the position of each record in the request, where it can be told."""
    position = {}
    for i, r in enumerate(records):
        position.setdefault(str(r.get("id")), i)
    return ValidationError([e if e.index is not None or e.record_id is None else
                            RecordError(e.table, e.record_id, e.field, e.reason, position.get(e.record_id),
                                        e.text, e.values)
                            for e in exc.errors])


def delete(store: Store, scope: Scope, table: str, record_id: str, *, audit: Audit | None = None) -> dict[str, Any]:
    """Delete one record inside the scope that nothing refers to; returns {table, deleted}.
    RecordNotFoundError when there is none, RecordReferencedError while records refer to it;
    deleting a user also ends their ways in (pulso.store.tables_api.end_access_of_deleted).
    The audit entry carries the deleted record."""
    tbl = schema.table(table)
    query = sa.select(tbl).where(tbl.c.id == record_id)
    scoped = condition(scope, table)
    with store.connect() as conn:
        row = conn.execute(query if scoped is None else query.where(scoped)).mappings().first()
        if row is None:
            raise said(RecordNotFoundError, N_("no hay ningún registro '{id}' en {table}"), "record_id", id=record_id,
                       table=table)
        using = []
        for name in schema.CANONICAL_TABLES:
            child = schema.metadata.tables[name]
            for column, target in schema.references(child).items():
                if target == table:
                    n = conn.execute(sa.select(sa.func.count()).where(child.c[column] == record_id)).scalar()
                    if n:
                        using.append(f"{n} {name} ({column})")
        if using:
            raise said(RecordReferencedError, N_("{table} '{id}' está referido por {using}; borre o vuelva a apuntar "
                                                 "esos antes"), "record_id", table=table, id=record_id, using=", ".join(using))
        conn.execute(tbl.delete().where(tbl.c.id == record_id))
        searchwords.remove(conn, table, [(record_id, row.get("search_text"), row.get("search_phone"))])
        if table == "users":
            tables_api.end_access_of_deleted(conn, record_id)
        _bump_version(conn)
        if audit is not None:
            audit(conn, "records.delete", (table, record_id), {"record": plain_row(row)})
    return {"table": table, "deleted": record_id}
