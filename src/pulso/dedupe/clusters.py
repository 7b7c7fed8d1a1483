"""Duplicates as clusters a person acts on: grouped pairs, the surviving value per field, bulk
merges with a preview, undo of a whole cluster or bulk merge, and the history with names.

    groups = clusters(store, at_least=0.95)                  # pending pairs, connected: A~B, B~C → {A, B, C}
    c = cluster(store, "accounts:a1")                        # one, with members, survivor and choice
    batch = merge_cluster(store, "accounts", c.survivor, c.ids, c.choice, actor=...)
    preview = bulk_preview(store, 0.98)                      # counts, clusters and their fingerprint
    batch = bulk_merge(store, 0.98, actor=..., expect=preview["fingerprint"])   # exactly those, else PreviewChanged
    undo_batch(store, batch, actor=...)                      # every merge of it, last first

A cluster's probability is its weakest pair's: every member is at least that likely a copy of
another. The default survivor is the most complete member (most fields filled), the oldest on a
tie; each field's default value is the survivor's, else the most recent member's that has one.
The values are chosen among the members' (a member id per field), never typed, so a merge writes
nothing that was not already in the workspace.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

import sqlalchemy as sa

from pulso import audit
from pulso.dedupe.merge import MergeError, MergeFailed, merge, undo
from pulso.i18n import N_, said
from pulso.store import Store, schema
from pulso.store.tables_data import merges as merges_table

#: The fields whose surviving value a person chooses (the owner stays the survivor's: DuckDB cannot
#: change the owner of a record other records point to; reassign it afterwards).
CHOOSABLE = {"accounts": ("name", "email", "phone", "company", "country", "segment", "source"),
             "leads": ("name", "email", "phone", "company", "source")}
SHOWN = ("owner_id", "created_at")
log = logging.getLogger(__name__)


@dataclass
class Cluster:
    """Records of one table that are probably one: members (dicts with the fields and `owner`),
    the weakest pair's probability, the default survivor and the default member per field."""

    id: str
    table: str
    members: list[dict[str, Any]]
    probability: float
    survivor: str = ""
    choice: dict[str, str] = field(default_factory=dict)

    @property
    def ids(self) -> list[str]:
        return [m["id"] for m in self.members]


def group(pairs: list[tuple[str, str]]) -> list[list[str]]:
    """Connected groups of ids from pairs (union-find), each sorted, groups sorted by first id."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    out: dict[str, list[str]] = {}
    for x in parent:
        out.setdefault(root(x), []).append(x)
    return sorted(sorted(g) for g in out.values())


def _filled(value: Any) -> bool:
    return value not in (None, "")


def defaults(table: str, members: list[dict[str, Any]]) -> tuple[str, dict[str, str]]:
    """The default survivor (most fields filled, the oldest on a tie) and the member per field."""
    fields = CHOOSABLE[table]
    far = dt.datetime.max

    def created(m: dict) -> dt.datetime:
        c = m.get("created_at")
        return c.replace(tzinfo=None) if isinstance(c, dt.datetime) else far

    survivor = min(members, key=lambda m: (-sum(_filled(m.get(f)) for f in fields), created(m), m["id"]))
    recent = sorted(members, key=lambda m: (created(m), m["id"]), reverse=True)
    choice = {}
    for f in fields:
        if _filled(survivor.get(f)):
            choice[f] = survivor["id"]
        else:
            choice[f] = next((m["id"] for m in recent if _filled(m.get(f))), survivor["id"])
    return survivor["id"], choice


def _pending_pairs(conn, table: str | None, at_least: float) -> list[tuple[str, str, str, float]]:
    dc = schema.duplicate_candidates
    query = sa.select(dc.c.table_name, dc.c.record_id, dc.c.duplicate_of, dc.c.probability).where(
        dc.c.status == "pending", dc.c.probability >= at_least)
    if table:
        query = query.where(dc.c.table_name == table)
    return [tuple(r) for r in conn.execute(query)]


def _members(conn, table: str, ids: list[str]) -> dict[str, dict[str, Any]]:
    t, u = schema.table(table), schema.users
    cols = [t.c.id, *(t.c[f] for f in CHOOSABLE[table]), *(t.c[f] for f in SHOWN)]
    out = {}
    for i in range(0, len(ids), 5000):
        query = sa.select(*cols, u.c.name.label("owner")).select_from(
            t.outerjoin(u, u.c.id == t.c.owner_id)).where(t.c.id.in_(ids[i:i + 5000]))
        out.update({r["id"]: dict(r) for r in conn.execute(query).mappings()})
    return out


def clusters(store: Store, table: str | None = None, *, at_least: float = 0.0) -> list[Cluster]:
    """Pending pairs at or above `at_least` grouped into clusters (records since gone left out),
    most probable first."""
    with store.engine.connect() as conn:
        return _clusters(conn, table, at_least)


def _clusters(conn, table: str | None, at_least: float) -> list[Cluster]:
    pairs = _pending_pairs(conn, table, at_least)
    out = []
    for name in sorted({p[0] for p in pairs}):
        mine = [(r, d, p) for n, r, d, p in pairs if n == name]
        records = _members(conn, name, sorted({x for r, d, _ in mine for x in (r, d)}))
        mine = [(r, d, p) for r, d, p in mine if r in records and d in records]
        for ids in group([(r, d) for r, d, _ in mine]):
            inside = set(ids)
            weakest = min(p for r, d, p in mine if r in inside)
            c = Cluster(f"{name}:{ids[0]}", name, [records[i] for i in ids], weakest)
            c.survivor, c.choice = defaults(name, c.members)
            out.append(c)
    return sorted(out, key=lambda c: (-c.probability, c.id))


def cluster(store: Store, cluster_id: str) -> Cluster | None:
    """The pending cluster with this id (`table:first member id`), or None."""
    table = cluster_id.split(":", 1)[0]
    if table not in CHOOSABLE:
        return None
    return next((c for c in clusters(store, table) if c.id == cluster_id), None)


def dismiss_cluster(store: Store, cluster_id: str, *, actor: audit.Actor) -> int:
    """Mark every pending pair among a cluster's members as not duplicates; how many (0: no such cluster)."""
    c = cluster(store, cluster_id)
    if c is None:
        return 0
    dc, inside = schema.duplicate_candidates, c.ids
    with store.connect() as conn:
        done = conn.execute(dc.update().where(dc.c.table_name == c.table, dc.c.status == "pending",
                                              dc.c.record_id.in_(inside), dc.c.duplicate_of.in_(inside))
                            .values(status="dismissed")).rowcount
        audit.record(store, "dedupe.dismiss", actor=actor, target=(c.table, c.ids[0]), detail={"records": inside}, conn=conn)
    return done


def merge_cluster(store: Store, table: str, survivor: str, ids: list[str], choice: dict[str, str], *,
                  actor: audit.Actor, batch: str | None = None, probability: float | None = None) -> str:
    """Merge every member of `ids` but `survivor` into it, writing the value of the member `choice`
    names per field; returns the batch id (undo_batch undoes it as one step). Refuses a survivor
    or a chosen member outside `ids`, a field that cannot be chosen, a member that is gone
    (MergeError, nothing written). All or nothing: one transaction; a merge that fails part-way
    raises MergeFailed and keeps none of them."""
    ids = _checked(table, survivor, ids, choice)
    batch = batch or uuid.uuid4().hex[:12]
    _run(store, batch, [(table, survivor, ids, choice, probability)], actor)
    return batch


def _checked(table: str, survivor: str, ids: list[str], choice: dict[str, str]) -> list[str]:
    if table not in CHOOSABLE:
        raise said(MergeError, N_("las fusiones son de cuentas y leads, no de '{table}'"), table=table)
    ids = list(dict.fromkeys(ids))
    if survivor not in ids or len(ids) < 2:
        raise said(MergeError, N_("el registro que queda debe ser uno de los del grupo, y el grupo tener dos"))
    wrong = [f for f, m in choice.items() if f not in CHOOSABLE[table] or m not in ids]
    if wrong:
        raise said(MergeError, N_("no se puede elegir {fields} así"), fields=", ".join(sorted(wrong)))
    return ids


Plan = list[tuple[str, str, list[str], dict[str, str], float | None]]


def _run(store: Store, batch: str, plan: Plan | Callable[[Any], Plan], actor: audit.Actor) -> int:
    """Merge each (table, survivor, ids, choice, probability) of `plan` in ONE transaction: either
    every merge is kept or none; returns how many clusters. `plan` may be a function of the open
    connection that reads it inside the transaction (bulk_merge: what is merged is what was
    checked). A refusal found before the first write (a member gone, PreviewChanged) is the
    MergeError it is; any failure after it rolls everything back, is audit-logged as
    `dedupe.merge_failed` (in a transaction of its own: the attempt is what happened) and raised as
    MergeFailed naming the merge that failed."""
    at: dict[str, Any] = {}
    names: dict[str, str] = {}
    steps: Plan = plan if isinstance(plan, list) else []
    try:
        with store.connect() as conn:
            steps = plan if isinstance(plan, list) else plan(conn)
            step = _last_step(conn, batch) if steps else 0
            for table, survivor, ids, choice, probability in steps:
                records = _members(conn, table, ids)
                gone = [i for i in ids if i not in records]
                if gone:
                    raise said(MergeError, N_("{table} '{id}' no existe (¿ya fusionado?)"), table=table, id=gone[0])
                names.update({i: records[i]["name"] or i for i in ids})
                values = {f: records[m][f] for f, m in choice.items()}
                for other in ids:
                    if other != survivor:
                        step += 1
                        at.update(table=table, survivor=survivor, record=other)
                        merge(store, table, survivor, other, actor=actor, probability=probability, values=values,
                              batch=batch, step=step, conn=conn)
    except Exception as exc:
        if not at and (isinstance(exc, MergeError) or not steps):
            raise
        if not at:
            at = {"table": steps[0][0], "survivor": steps[0][1], "record": next(i for i in steps[0][2] if i != steps[0][1])}
        log.exception("dedupe: batch %s failed at %s into %s; nothing kept", batch, at["record"], at["survivor"])
        audit.record(store, "dedupe.merge_failed", actor=actor, target=(at["table"], at["survivor"]), detail={
            "batch": batch, "survivor": at["survivor"], "failed_at": at["record"], "error": type(exc).__name__,
            "records": [i for _t, s, ids, _c, _p in steps for i in ids if i != s]})
        raise said(MergeFailed, N_("No se fusionó nada: falló la fusión de «{name}» en «{survivor}», así que no se "
                                   "guardó ninguna fusión de este lote; todo queda como estaba."),
                   name=names.get(at["record"], at["record"]), survivor=names.get(at["survivor"], at["survivor"])) from exc
    return len(steps)


def _batch_rows(conn, batch: str) -> list[dict[str, Any]]:
    like = f'%"batch": {json.dumps(batch)}%'
    rows = [dict(r) for r in conn.execute(sa.select(merges_table).where(merges_table.c.undo.like(like))).mappings()]
    return [r for r in rows if json.loads(r["undo"]).get("batch") == batch]


def _last_step(conn, batch: str) -> int:
    return max((json.loads(r["undo"]).get("step", 0) for r in _batch_rows(conn, batch)), default=0)


def undo_batch(store: Store, batch: str, *, actor: audit.Actor) -> int:
    """Undo every merge of a cluster or bulk merge still standing, the last first, in one
    transaction (all or nothing); returns how many."""
    with store.connect() as conn:
        rows = [r for r in _batch_rows(conn, batch) if r["undone_at"] is None]
        if not rows:
            raise said(MergeError, N_("no hay ninguna fusión que deshacer en '{batch}'"), batch=batch)
        for r in sorted(rows, key=lambda r: json.loads(r["undo"]).get("step", 0), reverse=True):
            undo(store, r["id"], actor=actor, conn=conn)
    return len(rows)


class PreviewChanged(MergeError):
    """A bulk merge whose clusters are no longer exactly the ones its preview showed (pairs found,
    dismissed or merged since, another survivor or value): nothing was merged."""


def fingerprint(found: list[Cluster]) -> str:
    """What merging `found` with its defaults would do, as a SHA-256: each cluster's table, members,
    survivor, and for each field the member whose value it keeps and that value, as the preview
    showed it (an edit since, even one that changes no choice, changes the fingerprint); not the
    probabilities, not the order."""
    def kept(c: Cluster) -> list:
        by_id = {m["id"]: m for m in c.members}
        return sorted([name, member, by_id.get(member, {}).get(name)] for name, member in c.choice.items())

    plan = sorted([c.table, sorted(c.ids), c.survivor, kept(c)] for c in found)
    return hashlib.sha256(json.dumps(plan, separators=(",", ":"), default=str).encode()).hexdigest()


def bulk_preview(store: Store, at_least: float, *, table: str | None = None) -> dict[str, Any]:
    """What a bulk merge at `at_least` would do: the clusters of the pairs at or above it, how many
    records disappear (each cluster's members but its survivor), each with its default survivor,
    and their `fingerprint` (give it back to bulk_merge as `expect`)."""
    found = clusters(store, table, at_least=at_least)
    return {"at_least": at_least, "clusters": found, "count": len(found),
            "disappear": sum(len(c.members) - 1 for c in found), "fingerprint": fingerprint(found)}


def bulk_merge(store: Store, at_least: float, *, actor: audit.Actor, table: str | None = None,
               expect: str | None = None) -> str | None:
    """Merge every cluster of the pairs at or above `at_least` with its defaults, as one batch in
    one transaction (all or nothing: MergeFailed keeps none; undo_batch undoes it all); None when
    there is nothing to merge. With `expect` (a preview's fingerprint) the clusters are read and
    checked inside the merge's transaction (on PostgreSQL with the pairs table locked against other
    writers until it ends) and, unless they are exactly the previewed ones, PreviewChanged is raised
    and nothing is written."""
    batch = uuid.uuid4().hex[:12]

    def plan(conn) -> Plan:
        if expect is not None and conn.dialect.name == "postgresql":
            conn.execute(sa.text("LOCK TABLE duplicate_candidates IN SHARE ROW EXCLUSIVE MODE"))
        found = _clusters(conn, table, at_least)
        if expect is not None and fingerprint(found) != expect:
            raise said(PreviewChanged, N_("No se fusionó nada: los duplicados con esa probabilidad cambiaron desde la "
                                          "vista previa."))
        return [(c.table, c.survivor, c.ids, c.choice, c.probability) for c in found]

    return batch if _run(store, batch, plan, actor) else None


def history(store: Store, *, limit: int = 100) -> list[dict[str, Any]]:
    """Recent merges with names: who merged (user's name, 'system'), the record merged away and the
    survivor by name, the batch they belong to, and whether undone; newest first."""
    with store.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(
            sa.select(merges_table).order_by(merges_table.c.merged_at.desc(), merges_table.c.id).limit(limit)).mappings()]
        users = dict(conn.execute(sa.select(schema.users.c.id, schema.users.c.name)).all())
        names: dict[str, dict[str, str]] = {}
        for table in {r["table_name"] for r in rows}:
            t = schema.table(table)
            ids = list({r["survivor_id"] for r in rows if r["table_name"] == table})
            names[table] = dict(conn.execute(sa.select(t.c.id, t.c.name).where(t.c.id.in_(ids))).all())
    out = []
    for r in rows:
        data = json.loads(r["undo"])
        out.append({
            "id": r["id"], "table": r["table_name"], "merged_at": r["merged_at"], "probability": r["probability"],
            "actor": users.get(r["actor_id"]) or r["actor_id"] if r["actor_kind"] == "user" else None,
            "merged_id": r["merged_id"], "merged_name": data["merged"].get("name") or r["merged_id"],
            "survivor_id": r["survivor_id"],
            "survivor_name": names[r["table_name"]].get(r["survivor_id"]) or r["survivor_id"],
            "batch": data.get("batch"), "undone": r["undone_at"] is not None})
    return out
