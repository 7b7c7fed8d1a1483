"""Merge a duplicate into its survivor, and undo it exactly.

A merge re-points every reference to the duplicate (deals, activities, tickets, orders, survey
answers, leads... whatever `schema.references` lists) to the survivor, fills the survivor's empty
contact fields from the duplicate, deletes the duplicate, and keeps everything undo needs in
`merges.undo`. It is audit-logged (`dedupe.merge`, `dedupe.undo`), counted in `usage_events`
(one `delete` per record merged away, one `create` per record an undo puts back) and bumps the
data version.

A merge or an undo is one transaction on both backends (DuckDB workspaces have no declared
foreign keys since migration 0010, so re-pointing a referenced row is a plain update there too).
With `conn=` it joins the caller's open transaction: pulso.dedupe.clusters runs a whole cluster or
bulk merge, and a whole batch's undo, in one, so that it is all or nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal
from typing import Any

import pyarrow as pa
import sqlalchemy as sa

from pulso import audit
from pulso.errors import PulsoError
from pulso.i18n import N_, said
from pulso.store import Store, schema, searchable, searchwords
from pulso.store.tables_data import merges as merges_table

FILLED = ("email", "phone", "company", "source", "segment", "country")


class MergeError(PulsoError):
    """A merge or undo cannot be done as asked."""


class MergeFailed(MergeError):
    """A cluster or bulk merge failed part-way (a constraint, a record gone, the database): nothing
    of it was kept. `.text`/`.values` say which merge failed, in the reader's language."""


#: References to a CRM record kept outside the canonical tables: a survey link sent to an account
#: (its answer is written against that account, so it follows the merge).
APP_REFERRERS = {"accounts": [("survey_invitations", "account_id")]}


def _referrers(table: str) -> list[tuple[str, str]]:
    return [(name, col) for name in schema.CANONICAL_TABLES
            for col, target in schema.references(schema.table(name)).items() if target == table] + APP_REFERRERS.get(table, [])


def _row(conn, table: str, rid: str) -> dict[str, Any] | None:
    t = schema.table(table)
    row = conn.execute(sa.select(t).where(t.c.id == rid)).mappings().first()
    return dict(row) if row else None


def _encode(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else str(v) if isinstance(v, Decimal) else v)
            for k, v in row.items()}


def _decode(table: str, row: dict[str, Any]) -> dict[str, Any]:
    t = schema.table(table)
    out = {}
    for k, v in row.items():
        kind = t.c[k].type
        if v is not None and isinstance(kind, sa.DateTime):
            v = dt.datetime.fromisoformat(v)
        elif v is not None and isinstance(kind, sa.Date):
            v = dt.date.fromisoformat(v)
        elif v is not None and isinstance(kind, sa.Numeric) and not isinstance(kind, sa.Float):
            v = Decimal(v)
        out[k] = v
    return out


def _moves(conn, moves: list[tuple[str, str, list[str], str]]) -> None:
    """Set `col` of rows `ids` in each (child, col, ids, value) of `moves`."""
    for child, col, ids, value in moves:
        t = schema.metadata.tables[child]
        for i in range(0, len(ids), 5000):
            conn.execute(t.update().where(t.c.id.in_(ids[i:i + 5000])).values({col: value}))


def _usage(store: Store, conn, actor: audit.Actor, action: str, table: str, count: int = 1) -> None:
    """`count` usage events of a person (as the workspace's writes record theirs); none for the
    command line, a token or Pulso itself."""
    users = schema.users
    if actor.kind == "user" and conn.execute(sa.select(users.c.id).where(users.c.id == actor.id)).first():
        at = dt.datetime.now(dt.timezone.utc)
        store.upsert_many({"usage_events": [{"id": uuid.uuid4().hex, "user_id": actor.id, "action": action,
                                             "entity": table, "occurred_at": at} for _ in range(count)]}, conn=conn)


def _research(conn, table: str, rid: str) -> None:
    """Recompute a record's search columns from its fields and rewrite its words (what the store's
    write door does on every write): the survivor's filled (or, on undo, emptied) fields are found."""
    t = schema.table(table)
    row = conn.execute(sa.select(t).where(t.c.id == rid)).mappings().first()
    if row is None or table not in searchable.TEXT:
        return
    fields = [f for f in (*searchable.TEXT[table], searchable.PHONE.get(table)) if f]
    fresh = {k: v[0].as_py() for k, v in searchable.compute(table, {f: pa.array([row[f]], pa.string()) for f in fields}).items()}
    searchwords.remove(conn, table, [(rid, row.get("search_text"), row.get("search_phone"))])
    conn.execute(t.update().where(t.c.id == rid).values(fresh))
    searchwords.insert(conn, searchwords.rows(table, [(rid, fresh.get("search_text"), fresh.get("search_phone"))]))


def _bump(conn) -> None:
    t = schema.workspace_settings
    current = conn.execute(sa.select(t.c.value).where(t.c.key == "data_version")).scalar()
    conn.execute(t.update().where(t.c.key == "data_version").values(value=str(int(current or 0) + 1)))


def merge(store: Store, table: str, survivor_id: str, merged_id: str, *, actor: audit.Actor,
          probability: float | None = None, values: dict[str, Any] | None = None,
          batch: str | None = None, step: int = 0, conn: sa.Connection | None = None) -> str:
    """Merge `merged_id` into `survivor_id`; returns the merge id (for undo).

    `values`: the survivor's fields as a person chose them (pulso.dedupe.clusters); a field given
    there is never filled from the duplicate. `batch`/`step`: the cluster or bulk merge this one is
    part of (undone together by clusters.undo_batch, last step first). `conn`: an open transaction
    to join (the caller commits or rolls back); without it the merge is a transaction of its own."""
    if table not in ("accounts", "leads"):
        raise said(MergeError, N_("las fusiones son de cuentas y leads, no de '{table}'"), table=table)
    if survivor_id == merged_id:
        raise said(MergeError, N_("un registro no se puede fusionar consigo mismo"))
    if conn is None:
        with store.connect() as own:
            return merge(store, table, survivor_id, merged_id, actor=actor, probability=probability, values=values,
                         batch=batch, step=step, conn=own)
    t = schema.table(table)
    dc = schema.duplicate_candidates
    survivor, merged = _row(conn, table, survivor_id), _row(conn, table, merged_id)
    if survivor is None or merged is None:
        missing = survivor_id if survivor is None else merged_id
        raise said(MergeError, N_("{table} '{id}' no existe (¿ya fusionado?)"), table=table, id=missing)
    moves = []
    for child, col in _referrers(table):
        c = schema.metadata.tables[child]
        ids = list(conn.execute(sa.select(c.c.id).where(c.c[col] == merged_id)).scalars())
        if ids:
            moves.append((child, col, ids, survivor_id))
    statuses = {r["id"]: r["status"] for r in conn.execute(
        sa.select(dc.c.id, dc.c.status).where(dc.c.table_name == table,
                                              sa.or_(dc.c.record_id == merged_id, dc.c.duplicate_of == merged_id))).mappings()}
    filled = {f: merged[f] for f in FILLED if f in t.c and f not in (values or {})
              and survivor.get(f) in (None, "") and merged.get(f) not in (None, "")}
    filled.update({f: v for f, v in (values or {}).items() if f in t.c and f != "id" and survivor.get(f) != v})
    merge_id = uuid.uuid4().hex[:12]
    undo_record = {"merged": _encode(merged), "survivor": _encode({"id": survivor_id, **{f: survivor[f] for f in filled}}),
                   "moves": [[c, col, ids] for c, col, ids, _ in moves], "candidates": statuses, "batch": batch, "step": step}
    conn.execute(merges_table.insert().values(
        id=merge_id, table_name=table, survivor_id=survivor_id, merged_id=merged_id, probability=probability,
        merged_at=dt.datetime.now(dt.timezone.utc), actor_kind=actor.kind, actor_id=actor.id,
        undo=json.dumps(undo_record)))
    audit.record(store, "dedupe.merge", actor=actor, target=(table, merged_id),
                 detail={"survivor": survivor_id, "merge": merge_id, "moved": {f"{c}.{col}": len(ids) for c, col, ids, _ in moves},
                         "probability": probability, "batch": batch, "fields": sorted(filled)}, conn=conn)
    _usage(store, conn, actor, "delete", table)  # one per record merged away
    _moves(conn, moves)
    if filled:
        conn.execute(t.update().where(t.c.id == survivor_id).values(filled))
        _research(conn, table, survivor_id)
    conn.execute(t.delete().where(t.c.id == merged_id))
    searchwords.remove(conn, table, [(merged_id, merged.get("search_text"), merged.get("search_phone"))])
    if statuses:
        conn.execute(dc.update().where(dc.c.id.in_(list(statuses))).values(status="merged"))
    _bump(conn)
    return merge_id


def undo(store: Store, merge_id: str, *, actor: audit.Actor, conn: sa.Connection | None = None) -> None:
    """Put back the merged record, the survivor's fields and every re-pointed reference (in `conn`'s
    transaction when given, else in one of its own)."""
    if conn is None:
        with store.connect() as own:
            return undo(store, merge_id, actor=actor, conn=own)
    row = conn.execute(sa.select(merges_table).where(merges_table.c.id == merge_id)).mappings().first()
    if row is None:
        raise said(MergeError, N_("no hay ninguna fusión '{id}'; vea `pulso dedupe merges`"), id=merge_id)
    if row["undone_at"] is not None:
        raise said(MergeError, N_("la fusión '{id}' ya se deshizo el {when}"), id=merge_id,
                   when=f"{row['undone_at']:%Y-%m-%d %H:%M}")
    table, data = row["table_name"], json.loads(row["undo"])
    t, dc = schema.table(table), schema.duplicate_candidates
    merged = _decode(table, data["merged"])
    survivor = _decode(table, data["survivor"])
    conn.execute(t.insert().values(merged))
    searchwords.insert(conn, searchwords.rows(table, [(merged["id"], merged.get("search_text"), merged.get("search_phone"))]))
    fields = {k: v for k, v in survivor.items() if k != "id"}
    if fields:
        conn.execute(t.update().where(t.c.id == survivor["id"]).values(fields))  # as they were before
        _research(conn, table, survivor["id"])
    _moves(conn, [(c, col, ids, row["merged_id"]) for c, col, ids in data["moves"]])
    for cid, status in data["candidates"].items():
        conn.execute(dc.update().where(dc.c.id == cid).values(status=status))
    conn.execute(merges_table.update().where(merges_table.c.id == merge_id)
                 .values(undone_at=dt.datetime.now(dt.timezone.utc)))
    audit.record(store, "dedupe.undo", actor=actor, target=(table, row["merged_id"]),
                 detail={"merge": merge_id, "survivor": row["survivor_id"]}, conn=conn)
    _usage(store, conn, actor, "create", table)  # one per record put back
    _bump(conn)


def dismiss(store: Store, candidate_id: str, *, actor: audit.Actor) -> None:
    """Mark a candidate as not a duplicate: later runs keep that decision."""
    dc = schema.duplicate_candidates
    with store.connect() as conn:
        done = conn.execute(dc.update().where(dc.c.id == candidate_id).values(status="dismissed")).rowcount
        if not done:
            raise said(MergeError, N_("no hay ningún candidato a duplicado '{id}'"), id=candidate_id)
        audit.record(store, "dedupe.dismiss", actor=actor, target=("duplicate_candidates", candidate_id), conn=conn)


def merges(store: Store, *, limit: int = 100) -> list[dict[str, Any]]:
    """Recent merges, newest first."""
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(
            sa.select(merges_table).order_by(merges_table.c.merged_at.desc()).limit(limit)).mappings()]
