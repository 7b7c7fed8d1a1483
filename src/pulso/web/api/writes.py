"""Batch upserts and deletes through the API: ids resolved, scope checked, written, audit-logged."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from pulso import audit, events
from pulso.errors import RecordError, ValidationError
from pulso.store import Store, coerce, schema, tables_api
from pulso.store.store import _bump_version
from pulso.web.api import scoping
from pulso.web.api.common import plain_row
from pulso.web.api.errors import record_error
from pulso.web.api_deps import ApiError, Caller

#: How many written ids an audit entry lists (the count is always there).
AUDITED_IDS = 100


def _key(value: Any) -> str | None:
    """A record's id, external_id or reference as the store keeps it, or None when it is not usable as one."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    text = coerce.trim_key(str(value))
    return text if text and "\x00" not in text else None  # NUL: the store refuses it with a reason


def _stored(conn: sa.Connection, tbl: sa.Table, column: str, keys: list[str], fields: list[str],
            where: sa.ColumnElement | None = None) -> list[dict]:
    """Stored rows whose `column` is among `keys` (the keys travel as one array, not 10,000 parameters)."""
    if not keys:
        return []
    query = sa.select(*(tbl.c[f] for f in fields)).where(tbl.c[column].in_(sa.select(sa.func.unnest(sa.bindparam("keys", keys, type_=sa.ARRAY(sa.Text))))))
    if where is not None:
        query = query.where(where)
    return [dict(r) for r in conn.execute(query).mappings()]


def _resolve_ids(conn: sa.Connection, caller: Caller, tbl: sa.Table, records: list[Any]) -> tuple[list[dict], list[RecordError]]:
    """Records with an id each: a record without one takes the id stored for its external_id, or a new one.

    Only records the caller may read are matched: to a rep, another rep's external_id is unknown
    (the record is created with a new id), and a shared one is counted, never listed."""
    errors = [RecordError(tbl.name, None, "(record)", f"expected an object, got {type(r).__name__}", i)
              for i, r in enumerate(records) if not isinstance(r, dict)]
    if errors:
        return [], errors
    wanted = sorted({k for r in records if r.get("id") is None and (k := _key(r.get("external_id")))})
    known: dict[str, list[str]] = {}
    mine = scoping.read_filter(caller, tbl.name)
    for row in _stored(conn, tbl, "external_id", wanted, ["id", "external_id"], mine) if wanted else []:
        known.setdefault(row["external_id"], []).append(row["id"])
    fresh: dict[str, str] = {}
    out = []
    for i, rec in enumerate(records):
        if rec.get("id") is not None:
            out.append(rec)
            continue
        ext = _key(rec.get("external_id"))
        if isinstance(rec.get("external_id"), str) and "\x00" in rec["external_id"]:
            errors.append(RecordError(tbl.name, None, "external_id", "contains a NUL character (\\x00)", i))
        elif ext is None:
            errors.append(RecordError(tbl.name, None, "id", "is missing: give an id or an external_id", i))
        elif len(known.get(ext, ())) > 1:
            errors.append(RecordError(tbl.name, None, "external_id",
                                      f"'{ext}' is shared by {len(known[ext])} records; give the id", i))
        else:
            ids = known.get(ext) or [fresh.setdefault(ext, uuid.uuid4().hex)]
            out.append({**rec, "id": ids[0]})
    return out, errors


def _check_scope(conn: sa.Connection, caller: Caller, table: str, records: list[dict],
                 stored: dict[str, dict]) -> None:
    """Refuse a batch that touches anything outside a non-company scope, in this order, so that
    what lies outside looks exactly like what does not exist:

    - a stored record outside the scope: 404, as reading it answers;
    - a reference to a record the caller may not read: 422, as a reference to nothing answers;
    - a record that would leave the scope (an owner outside it, a quota of oneself): 403.
    """
    unknown = [RecordError(table, rid, "id", f"no record '{rid}' in {table} within your scope", i)
               for i, rid in enumerate(str(r["id"]) for r in records) if rid in stored]
    old_owners = scoping.owners_of(conn, table, [stored[e.record_id] for e in unknown])
    allowed = scoping.allowed_owners(conn, caller.scope)
    unknown = [e for e, owner in zip(unknown, old_owners)
               if not scoping.in_scope(caller.scope, table, stored[e.record_id], _text(owner), allowed)]
    if unknown:
        raise ApiError(404, "not_found", f"{unknown[0].reason}; nothing was written", "id",
                       errors=[record_error(e) for e in unknown[:1000]])
    hidden = _hidden_references(conn, caller, table, records)
    if hidden:
        raise ValidationError(hidden)
    merged = [{**stored.get(str(r["id"]), {}), **r} for r in records]
    how = scoping.OWNERSHIP[table]
    field = how.column or how.parents[0][0]
    errors = []
    for i, (rec, row, owner) in enumerate(zip(records, merged, scoping.owners_of(conn, table, merged))):
        rid = str(rec["id"])
        if not scoping.in_scope(caller.scope, table, row, _text(owner), allowed):
            errors.append(RecordError(table, rid, field, f"would put the record outside your scope ({scoping.rule(table)})", i))
        elif table == "quotas" and owner is not None and _text(owner) == caller.user_id:
            errors.append(RecordError(table, rid, field, "is you: your own quota is set by an admin", i))
    if errors:
        raise ApiError(403, "out_of_scope", f"{len(errors)} record(s) outside your scope; nothing was written",
                       errors[0].field, errors=[record_error(e) for e in errors[:1000]])


def _hidden_references(conn: sa.Connection, caller: Caller, table: str, records: list[dict]) -> list[RecordError]:
    """The references the records carry to records the caller may not read, worded as the store
    words a reference to nothing (pulso.store.Store._check_references)."""
    errors = []
    for field, parent in scoping.checked_references(table).items():
        wanted = {k for r in records if (k := _key(r.get(field))) is not None}
        seen = scoping.visible(conn, caller, parent, wanted) if wanted else set()
        for i, rec in enumerate(records):
            value = _key(rec.get(field))
            if value is not None and value not in seen:
                errors.append(RecordError(table, str(rec["id"]), field, f"refers to {parent} '{value}', which does not exist", i))
    return sorted(errors, key=lambda e: e.index)[:1000]


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def upsert(store: Store, caller: Caller, table: str, records: list[Any]) -> dict[str, Any]:
    """Write a batch all or nothing; 404 for stored records outside the scope, 422 for references
    outside it (both as for records that do not exist), 403 for records that would leave it."""
    if table in scoping.ADMIN_WRITES and not caller.is_admin:
        raise ApiError(403, "forbidden", f"only an admin writes {table}", "table")
    if table == "quotas" and caller.scope.kind not in ("company", "team"):
        raise ApiError(403, "forbidden", "quotas are set by an admin, or by a manager for their team; "
                       "you may read your own", "table")
    tbl = schema.table(table)
    records = coerce.trim_keys(tbl, records)  # ids and references as the store will keep them
    # One transaction: ids resolved, scope checked, records and audit entries written together.
    with store.connect() as conn:
        records, errors = _resolve_ids(conn, caller, tbl, records)
        if errors:
            raise ValidationError(errors)
        ids = sorted({k for r in records if (k := _key(r["id"]))})
        scoped = not caller.scope.is_company
        how = scoping.OWNERSHIP.get(table)
        fields = ["id"]
        if scoped and how is not None:
            fields += [how.column] if how.column else [fk for fk, _ in how.parents]
            fields += [how.team] if how.team else []
        if table == "users":
            fields.append("role")
        stored = {str(r["id"]): r for r in _stored(conn, tbl, "id", ids, list(dict.fromkeys(fields)))}
        if scoped:
            _check_scope(conn, caller, table, records, stored)
        created = sum(1 for k in {_key(r["id"]) for r in records} if k not in stored)
        records = _fill_absent(conn, tbl, records)
        try:
            written = store.upsert_many({table: records}, conn=conn)[table]
        except ValidationError as exc:
            raise _indexed(exc, records) from None
        detail = {"count": written, "created": created, "updated": written - created,
                  "ids": [str(r["id"]) for r in records[:AUDITED_IDS]]}
        audit.record(store, "records.upsert", actor=caller.actor, target=(table, None), detail=detail,
                     ip=caller.ip, conn=conn)
        if table == "users":
            for rec in records:
                old = stored.get(str(rec["id"]), {}).get("role")
                if "role" in rec and old is not None and rec["role"] != old:
                    audit.record(store, "users.role_change", actor=caller.actor, target=("users", str(rec["id"])),
                                 detail={"from": old, "to": rec["role"], "via": "api"}, ip=caller.ip, conn=conn)
    events.data_arrived(store, source="api", tables=(table,))
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
                            RecordError(e.table, e.record_id, e.field, e.reason, position.get(e.record_id))
                            for e in exc.errors])


def delete(store: Store, caller: Caller, table: str, record_id: str) -> dict[str, Any]:
    """Delete one record that nothing refers to (409 otherwise); audit-logged with the record."""
    tbl = schema.table(table)
    with store.connect() as conn:
        row = conn.execute(sa.select(tbl).where(tbl.c.id == record_id)).mappings().first()
        if row is None:
            raise ApiError(404, "not_found", f"no record '{record_id}' in {table}", "record_id")
        using = []
        for name in schema.CANONICAL_TABLES:
            child = schema.metadata.tables[name]
            for column, target in schema.references(child).items():
                if target == table:
                    n = conn.execute(sa.select(sa.func.count()).where(child.c[column] == record_id)).scalar()
                    if n:
                        using.append(f"{n} {name} ({column})")
        if using:
            raise ApiError(409, "referenced", f"{table} '{record_id}' is referred to by {', '.join(using)}; "
                           "delete or re-point those first", "record_id")
        conn.execute(tbl.delete().where(tbl.c.id == record_id))
        if table == "users":
            tables_api.end_access_of_deleted(conn, record_id)
        _bump_version(conn)
        audit.record(store, "records.delete", actor=caller.actor, target=(table, record_id),
                     detail={"record": plain_row(row)}, ip=caller.ip, conn=conn)
    events.data_arrived(store, source="api", tables=(table,))
    return {"table": table, "deleted": record_id}
