"""Several KPIs at once: parts that read the same rows the same way share one scan, and the
sums of such a group are read from a rollup per local day when they can be (DuckDB).

Built on compile.py's pieces (a part's rows and frame, the sums per period and dimension value,
the running sums of snapshots, the KPI's finish); the engine's query_many runs them (see
engine/plans.py and engine/run.py).
"""

from __future__ import annotations

import functools
import operator
from dataclasses import replace
from typing import Any, Sequence

import ibis

from pulso.access import Scope
from pulso.catalog.model import AtEnd, AtStart, Event, Kpi, Part
from pulso.catalog.sources import OWNER, ENTITIES, add_dims, building_for, dim_column, flag, one
from pulso.engine.compile import (
    _aggregate, _finish, _part_frame, _running_sums, filter_rows, measure_names, scope_rows,
)
from pulso.engine.context import Context, Values, local_day


def fusion_key(part: Part, ctx: Context) -> tuple | None:
    """What parts must share to be computed by one scan (None: it cannot share one, see
    plans.fusion_key).

    The same table, rows, kind of row and timing, and whether every measure can be computed
    before the rows meet the periods (a snapshot takes a faster path when they all can)."""
    if part.entity or part.where_period is not None:
        return None
    t = part.rows(ctx.src, ctx) if part.rows is not None else ctx.src[part.table]
    try:
        for fn in (*part.measures.values(), *part.values.values()):
            fn(t)
        early = True
    except Exception:  # it reads the period
        early = False
    rows = None if part.rows is None else f"{part.rows.__module__}.{part.rows.__qualname__}"
    return (part.table, part.dims, repr(part.timing), rows, early)


def member_columns(i: int, part: Part) -> dict[str, str]:
    """The columns a group table gives member i: its row count (`_n`) and its measures, by name."""
    return {name: f"_f{i}_{name}" for name in ("_n", *part.measures, *part.values)}


def _fuse(parts: Sequence[Part]) -> Part:
    """Parts with one fusion key as one part: member i's rows (`_f<i>__n`) and measures
    (`_f<i>_<name>`), each counted only on the rows its own `where` keeps (or, when the members
    share one `where`, on the rows it keeps, which is then the fused part's filter)."""
    measures: dict[str, Any] = {}
    values: dict[str, Any] = {}
    shared = all(p.where is parts[0].where for p in parts)  # one `where` filters the rows for every member
    for i, part in enumerate(parts):
        keep = None if shared else part.where
        names = member_columns(i, part)
        measures[names["_n"]] = one if keep is None else (lambda t, keep=keep: flag(keep(t)))
        for group, builders in ((measures, part.measures), (values, part.values)):
            for name, fn in builders.items():
                group[names[name]] = fn if keep is None else (
                    lambda t, fn=fn, keep=keep: ibis.ifelse(keep(t).fill_null(False), fn(t).cast("float64"),
                                                            ibis.null("float64")))
    wheres = [p.where for p in parts]
    where = parts[0].where if shared else None if None in wheres else (
        lambda t: functools.reduce(operator.or_, (w(t) for w in wheres)))
    return replace(parts[0], measures=measures, values=values, where=where)


def compile_group(parts: Sequence[Part], ctx: Context, *, by: Sequence[str] = (), filters: Values | None = None,
                  scope: Scope = Scope.company()) -> Any:
    """Parts with one fusion key, in one scan: per period (`_apid`) and dimension value
    (`_a<column>`), each member's rows (`_f<i>__n`) and measures (`_f<i>_<name>`), each counted
    only on the rows its own `where` keeps."""
    with building_for(ctx.dialect):
        fused = _fuse(parts)
        frame = _part_frame(fused, ctx, (*fused.measures, *fused.values), by, filters or {}, scope)
        return _aggregate(frame, ctx, [dim_column(d) for d in by], list(fused.measures), list(fused.values))


# -- rollups: a group's sums per local day, kept per data version (DuckDB) --------------------


def can_roll_up(part: Part, key: tuple | None) -> bool:
    """Whether a part's sums can be read from a rollup per local day: an event or a snapshot at
    period ends or starts, every measure a sum computed from its own row (no median)."""
    return key is not None and key[4] and not part.values and isinstance(part.timing, (Event, AtEnd, AtStart))


def rollup_dims(part: Part, by: Sequence[str], filters: Values) -> tuple[str, ...]:
    """The dimensions a rollup keeps for a query: its split and filters, and the owner (so that
    every scope, the company and each owner read the same rollup)."""
    dims = {*by, *filters}
    if OWNER in ENTITIES[part.dims]:
        dims |= {OWNER, "owner"}
    return tuple(sorted(dims))


def rollup_schema(members: Sequence[Part], dims: Sequence[str]) -> ibis.Schema:
    """The columns of a rollup: the local day (`_day`), its dimensions, its members' sums."""
    cols: dict[str, Any] = {"_day": "int64", **{dim_column(d): "string" for d in dims}}
    for i, part in enumerate(members):
        cols.update({col: "float64" for col in member_columns(i, part).values()})
    return ibis.schema(cols)


def compile_rollup(members: Sequence[Part], ctx: Context, *, dims: Sequence[str], zone: str) -> Any:
    """Every row of the members' table summed per local day in `zone` and dimension value.

    For an event, the day it happened; for a snapshot, +measure on the day the row starts and
    -measure on the day it stops (a row stopped before it started is taken away the day it
    started): summed up to a boundary's day, that is what is open at the boundary."""
    with building_for(ctx.dialect):
        fused = _fuse(members)
        t = fused.rows(ctx.src, ctx) if fused.rows is not None else ctx.src[fused.table]
        if fused.where is not None:
            t = t.filter(fused.where(t))
        t = add_dims(t, fused.dims, dims, ctx.src) if dims else t
        dcols = [dim_column(d) for d in dims]
        sums = {name: fn(t).cast("float64") for name, fn in fused.measures.items()}
        timing = fused.timing
        if isinstance(timing, Event):
            ev = t.select(*dcols, _day=local_day(t[timing.column], zone), **sums)
        else:
            t = t.mutate(_begin=local_day(t[timing.start], zone), **sums)
            events = [t.select(*dcols, _day=t._begin, **{m: t[m] for m in sums})]
            if timing.stop:
                stopped = t.filter(t[timing.stop].notnull())
                stop = ibis.greatest(local_day(stopped[timing.stop], zone), stopped._begin)
                events.append(stopped.select(*dcols, _day=stop, **{m: -stopped[m] for m in sums}))
            ev = ibis.union(*events, distinct=False) if len(events) > 1 else events[0]
        return ev.group_by(["_day", *dcols]).aggregate(**{m: ev[m].sum() for m in sums})


def compile_from_rollup(parts: Sequence[Part], ctx: Context, rollup: Any, picks: Sequence[int], *,
                        by: Sequence[str] = (), filters: Values | None = None,
                        scope: Scope = Scope.company()) -> Any:
    """What compile_group gives for `parts`, read from a rollup whose member picks[i] is part i."""
    with building_for(ctx.dialect):
        r = filter_rows(scope_rows(rollup, scope, parts[0].dims, ctx.src), filters or {})
        dcols = [dim_column(d) for d in by]
        cols = {mine: theirs for i, (part, m) in enumerate(zip(parts, picks))
                for mine, theirs in zip(member_columns(i, part).values(), member_columns(m, part).values())}
        if isinstance(parts[0].timing, Event):
            j = r.join(ctx.days, r._day == ctx.days._day)
            frame = j.select("_pid", *dcols, **{mine: j[theirs] for mine, theirs in cols.items()})
        else:
            ev = r.group_by([r._day.name("_es"), *dcols]).aggregate(
                **{mine: r[theirs].sum() for mine, theirs in cols.items()})
            edge = "_e_end" if isinstance(parts[0].timing, AtEnd) else "_e_start"
            frame = _running_sums(ev, ctx, dcols, list(cols), edge)
        return _aggregate(frame, ctx, dcols, list(cols), [])


def group_schema(members: Sequence[Part], by: Sequence[str]) -> ibis.Schema:
    """The columns of a group table (see compile_group), for a placeholder that names it."""
    cols: dict[str, Any] = {"_apid": "int64", **{f"_a{dim_column(d)}": "string" for d in by}}
    for i, part in enumerate(members):
        cols.update({col: "float64" for col in member_columns(i, part).values()})
    return ibis.schema(cols)


def compile_from_groups(kpi: Kpi, ctx: Context, *, by: Sequence[str], sources: Sequence[tuple[Any, int]]) -> Any:
    """The KPI from group tables: its k-th part is member sources[k][1] of table sources[k][0]."""
    with building_for(ctx.dialect):
        sums, values = measure_names(kpi)
        dcols = [dim_column(d) for d in by]
        frames = []
        for part, (g, i) in zip(kpi.parts, sources):
            names = member_columns(i, part)
            g = g.filter(g[names["_n"]] > 0)
            cols = {name: g[names[name]] if name in names else ibis.null("float64") for name in (*sums, *values)}
            frames.append(g.select(_pid=g._apid, **{c: g[f"_a{c}"] for c in dcols}, **cols))
        return _finish(kpi, ctx, by, frames, summed=True)
