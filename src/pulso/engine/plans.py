"""Compiled plans per query shape: what a declaration compiles against, the SQL compiled once per
shape and kept in memory (and on disk, see plancache.py), and the groups and rollups query_many
computes several KPIs' parts in (see groups.py).

Functions of an Engine's state (`engine`: its plans, fusion keys and rollups), which the Engine's
public calls use.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import ibis

from pulso.catalog import Kpi, Part
from pulso.catalog.sources import FACT_PREFIX, FACTS, building_for
from pulso.engine import periods as P
from pulso.engine import plancache
from pulso.engine.context import Context
from pulso.engine.groups import can_roll_up, compile_rollup, fusion_key as part_fusion_key, rollup_schema
from pulso.errors import CatalogError, KpiError

PLANS = 512  # compiled queries kept per engine
ROLLUP_PREFIX = "pulso_rollup_"  # + a hash of its SQL: a DuckDB temporary table of sums per local day


@dataclass(frozen=True, eq=False)
class Rollup:
    """Sums per local day of every catalog part that reads the same rows the same way."""

    name: str
    sql: str
    facts: tuple[str, ...]
    parts: tuple[Part, ...]  # its members, in column order (see groups.member_columns)
    schema: Any

    def index(self, part: Part) -> int:
        """Where a part's sums are in the rollup."""
        return next(m for m, p in enumerate(self.parts) if p is part)


def context(engine, exclude: bool, slot: int | None) -> Context:
    """What a declaration compiles against: the named input tables, placed by `slot` seconds
    (None: the portable range joins)."""
    return Context(engine._src, P.placeholder(), baseline_factory=P.baseline_placeholder, dialect=engine.store.dialect,
                   baseline_excludes_campaigns=exclude, slots=P.slots_placeholder() if slot else None,
                   slot=slot or 3600, days=P.days_placeholder())


def plan(engine, shape: tuple, build: Callable[[Context], Any], exclude: bool, kpi: Kpi,
         slot: int | None, inline: bool = False, week: bool = False) -> tuple[str, bool, bool, tuple[str, ...]]:
    """The SQL of a query shape, compiled once by Ibis over the named input tables (and kept
    on disk for later processes, see plancache). With `inline`, the derived facts it reads
    are computed inside the query, over the query's time windows only.

    A shape names no time zone: the periods, cut in the workspace's zone, are tables handed
    in when the query runs, so one plan serves every zone with the same hour `slot` (a
    rollup's zone is in its name, a hash of its SQL). `week`: working hours (engine/workcal.py)."""
    shape = (*shape, slot, *(("inline",) if inline else ()), *(("week",) if week else ()))
    found = engine._plans.get(shape)
    if found is not None:
        engine._plans.move_to_end(shape)
        return found
    stored = (engine.store.dialect, *shape)
    found = plancache.load(stored)
    if found is not None and all(name in engine._facts for name in found[3]):
        engine.plans_loaded += 1
        return _keep(engine, shape, found)
    ctx = context(engine, exclude, slot)
    ctx.week = week
    if inline:
        ctx.src = {**engine._src, **{name: FACTS[name](engine._src, ctx.within) for name in engine._facts}}
    try:
        expr = build(ctx)
    except (CatalogError, KpiError):
        raise
    except Exception as exc:  # a declaration the schema cannot satisfy
        raise CatalogError(f"KPI '{kpi.key}' does not compile: {exc}") from exc
    sql = ibis.to_sql(expr, dialect=engine.store.dialect, pretty=False)
    facts = tuple(name for name in engine._facts if f'"{FACT_PREFIX}{name}"' in sql)
    found = (sql, ctx._baseline is not None, ctx.used_slots, facts)
    engine.plans_compiled += 1
    plancache.save(stored, found)
    return _keep(engine, shape, found)


def _keep(engine, shape: tuple, plan: tuple[str, bool, bool, tuple[str, ...]]) -> tuple[str, bool, bool, tuple[str, ...]]:
    engine._plans[shape] = plan
    if len(engine._plans) > PLANS:
        engine._plans.popitem(last=False)
    return plan


def fusion_key(engine, kpi: Kpi, index: int, exclude: bool) -> tuple[tuple, bool]:
    """The group a KPI's part is computed in by query_many, and whether that group can be
    read from a rollup; worked out once per engine.

    Parts with one groups.fusion_key share a scan. A part that cannot share one (it counts
    distinct entities, or reads the period) is computed alone, or with the KPIs that read the
    very same declaration (customers who ordered, for lifetime value, purchase frequency...):
    its group is named after the first KPI and part of the catalog that declare it."""
    key = (kpi.key, index, exclude)
    if key not in engine._fusion_keys:
        part = kpi.parts[index]
        ctx = context(engine, exclude, 3600)
        with building_for(engine.store.dialect):
            fkey = part_fusion_key(part, ctx)
        if fkey is None:
            home = next((k.key, i) for k in engine.catalog for i, p in enumerate(k.parts) if p is part)
            engine._fusion_keys[key] = (("alone", *home), False)
        else:
            engine._fusion_keys[key] = (fkey, can_roll_up(part, fkey))
    return engine._fusion_keys[key]


def rollup(engine, fkey: tuple, dims: tuple[str, ...], zone: str, exclude: bool) -> Rollup | None:
    """The rollup of every catalog part with fusion key `fkey` (that can be rolled up) per
    local day in `zone` and value of `dims`; None when its rows read the clock or the
    reference periods (then its sums are not a fact of the data alone)."""
    key = (fkey, dims, zone, exclude)
    with engine._lock:
        if key in engine._rollups:
            return engine._rollups[key]
        mine = [(k, i) for k in engine.catalog for i in range(len(k.parts))
                if fusion_key(engine, k, i, exclude) == (fkey, True)]
        parts, _ = distinct([k.parts[i] for k, i in mine])
        sql, needs_baseline, _, facts = plan(
            engine, ("rollup", fkey, tuple((k.key, i) for k, i in mine), dims, zone),
            lambda ctx: compile_rollup(parts, ctx, dims=dims, zone=zone), exclude, mine[0][0], None)
        frozen = not needs_baseline and "CURRENT_TIMESTAMP" not in sql.upper() and "GETVARIABLE" not in sql.upper()
        name = ROLLUP_PREFIX + hashlib.sha1(sql.encode()).hexdigest()[:16]
        engine._rollups[key] = Rollup(name, sql, facts, tuple(parts), rollup_schema(parts, dims)) if frozen else None
        return engine._rollups[key]


def distinct(parts: Sequence[Part]) -> tuple[list[Part], list[int]]:
    """The parts once each (a declaration that several KPIs read is computed once), and the
    place of each given part among them."""
    out: list[Part] = []
    where = []
    for part in parts:
        m = next((j for j, p in enumerate(out) if p is part), None)
        if m is None:
            out.append(part)
            m = len(out) - 1
        where.append(m)
    return out, where
