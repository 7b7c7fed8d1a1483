"""Turn a KPI declaration into one Ibis expression: every period, every dimension value, one query.

For each part of the KPI: read its rows, attach the dimensions asked for, keep only the scope's
records and the filtered values, range-join the rows to the periods table by the part's timing,
and compute its measures. The parts are stacked (UNION ALL), summed per period and dimension
value, laid on a grid of every period × every dimension value seen (so an empty period still has
its row), and the KPI's result turns the sums into value, numerator, denominator and extras.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

import ibis

from pulso.access import Scope, condition
from pulso.catalog.model import AtEnd, AtStart, Dated, Event, Kpi, Overlap, Part, Spanning
from pulso.catalog.sources import OWNER, TEAM_SCOPE, ENTITIES, add_dims, building_for, dim_column
# Context, Values and the time windows live in context.py (the compilers of several KPIs at once
# in groups.py, built on this module); they are imported here and stay importable from here.
from pulso.engine.context import Context, Values, in_windows, local_day, slot_of, window

__all__ = [
    "Context", "Scope", "Values", "compile_drill", "compile_kpi", "compile_values", "filter_rows", "in_windows",
    "local_day", "measure_names", "order_column", "part_rows", "place", "quantile_value", "scope_rows", "slot_of",
    "window",
]

FAR_FUTURE = ibis.timestamp("9999-12-31 00:00:00", timezone="UTC")




def measure_names(kpi: Kpi) -> tuple[list[str], list[str]]:
    """Summed measures and median values of a KPI, in declaration order."""
    sums: list[str] = []
    values: list[str] = []
    for part in kpi.parts:
        sums += [m for m in part.measures if m not in sums]
        values += [v for v in part.values if v not in values]
    return sums, values


def place(t: Any, ctx: Context, part: Part) -> Any:
    """Join rows to the periods their timing puts them in."""
    timing, p = part.timing, ctx.periods
    if isinstance(timing, Event) and ctx.slots is not None:
        # Every period boundary falls on a slot boundary, so the slot of the event decides its
        # periods exactly: an equi-join on an integer instead of a range join on instants.
        ctx.used_slots = True
        ts = t[timing.column]
        t = t.filter(in_windows(ts))  # constant bounds: DuckDB skips row groups outside them
        return t.join(ctx.slots, slot_of(t[timing.column], ctx) == ctx.slots._slot)
    if isinstance(timing, Event):
        return t.join(p, [t[timing.column] >= p._p_start, t[timing.column] < p._p_end])
    if isinstance(timing, Dated):
        first, last = t[timing.start].epoch_days(), t[timing.stop].epoch_days()
        j = t.join(p, [first < p._e_end, last >= p._e_start])
        first, last = j[timing.start].epoch_days(), j[timing.stop].epoch_days()
        overlap = ibis.least(last + 1, j._e_end) - ibis.greatest(first, j._e_start)
        return j.mutate(_share=overlap.cast("float64") / (last - first + 1).cast("float64"))
    begin = t[timing.start]
    stop = ibis.coalesce(t[timing.stop], FAR_FUTURE) if timing.stop else None
    if isinstance(timing, AtEnd):
        cond = [begin < p._p_end] + ([stop >= p._p_end] if stop is not None else [])
    elif isinstance(timing, AtStart):
        cond = [begin < p._p_start] + ([stop >= p._p_start] if stop is not None else [])
    elif isinstance(timing, Spanning):
        cond = [begin < p._p_start] + ([stop >= p._p_end] if stop is not None else [])
    elif isinstance(timing, Overlap):
        cond = [begin < p._p_end] + ([stop > p._p_start] if stop is not None else [])
    else:  # pragma: no cover - the loader refuses other timings
        raise TypeError(f"unknown timing {timing!r}")
    return t.join(p, cond)


def order_column(part: Part) -> str:
    """The column that orders a part's rows in time (for first-of-period and drill-down)."""
    timing = part.timing
    return timing.column if isinstance(timing, Event) else timing.start


class _RowConditions:
    """The scope rule (pulso.access.condition) as Ibis conditions on a query's rows."""

    def __init__(self, src: Mapping[str, Any]):
        self.src = src

    def const(self, value: bool) -> Any:
        return ibis.literal(value)

    def among(self, value: Any, ids: list[str]) -> Any:
        return value.isin(ids).fill_null(False)

    def members(self, value: Any, team_ids: list[str]) -> Any:
        users = self.src["users"]
        return value.isin(users.filter(users.team_id.isin(team_ids)).id).fill_null(False)

    def null(self, value: Any) -> Any:
        return value.isnull()

    def both(self, a: Any, b: Any) -> Any:
        return a & b

    def either(self, a: Any, b: Any) -> Any:
        return a | b


def scope_rows(t: Any, scope: Scope, entity: str, src: Mapping[str, Any]) -> Any:
    """Only the rows the scope may see (the caller has checked that the rows have owners), by the
    rule of pulso.access on the rows' `_owner` (and `_team`, for rows a team may hold)."""
    if scope.is_company:
        return t
    team = (t[TEAM_SCOPE],) if TEAM_SCOPE in ENTITIES[entity] and scope.kind == "team" else ()
    return t.filter(condition(scope, _RowConditions(src), t[OWNER], *team))


def filter_rows(t: Any, filters: Values) -> Any:
    """Rows whose dimension values are among the filter's; the values are bound as literals."""
    for dim, values in filters.items():
        col = t[dim_column(dim)]
        known = [v for v in values if v is not None]
        pred = col.isin(known) if known else ibis.literal(False)
        if len(known) < len(values):
            pred = pred | col.isnull()
        t = t.filter(pred.fill_null(False))
    return t


def part_rows(part: Part, ctx: Context, dims: Sequence[str], filters: Values, scope: Scope, *,
              rows: bool = False) -> tuple[Any, dict]:
    """A part's rows joined to their periods, with dimension columns, scoped and filtered.

    Returns the rows and, for each measure and value, how to read it from them. A measure that
    does not depend on the period is computed once per row before the join to the periods, not
    once per row and period (a snapshot joins each row to many periods). With `rows=False` a
    snapshot whose measures are all like that is first summed per local start and stop date
    (and dimension value), so that few rows meet the periods.
    """
    t = part.rows(ctx.src, ctx) if part.rows is not None else ctx.src[part.table]
    if part.where is not None:
        t = t.filter(part.where(t))
    want = set(dims) | set(filters)
    if not scope.is_company:
        want.add(OWNER)
        if TEAM_SCOPE in ENTITIES[part.dims] and scope.kind == "team":
            want.add(TEAM_SCOPE)
    if want:
        t = add_dims(t, part.dims, want, ctx.src)
    t = scope_rows(t, scope, part.dims, ctx.src)
    if not part.entity:
        t = filter_rows(t, filters)
    readers: dict[str, Callable[[Any], Any]] = {}
    if not part.entity:
        early = {}
        for name, fn in {**part.measures, **part.values}.items():
            try:
                early[f"_m_{name}"] = fn(t).cast("float64")
            except Exception:  # it reads the period (_p_end, _share...): computed after the join
                readers[name] = lambda j, fn=fn: fn(j).cast("float64")
            else:
                readers[name] = lambda j, col=f"_m_{name}": j[col]
        if early:
            t = t.mutate(**early)
        timing = part.timing
        if ctx.slots is not None and isinstance(timing, (AtEnd, AtStart, Spanning)):
            # nothing started after the last boundary or stopped before the first one is ever open
            (lo, hi), (lo2, hi2) = window(1), window(2)
            t = t.filter(t[timing.start] < ibis.greatest(hi, hi2))
            if timing.stop:
                t = t.filter(t[timing.stop].isnull() | (t[timing.stop] >= ibis.least(lo, lo2)))
            if not rows and len(early) == len(readers) and part.where_period is None:
                dcols = [dim_column(d) for d in dims]
                if isinstance(timing, (AtEnd, AtStart)):
                    return _snapshot_cumulative(t, ctx, part, dcols, list(early)), readers
                if not timing.stop:
                    return _snapshot_by_slots(t, ctx, part, dcols, list(early)), readers
    j = place(t, ctx, part)
    if part.where_period is not None:
        j = j.filter(part.where_period(j))
    if not part.entity:
        return j, readers
    order = j[order_column(part)]
    firsts = {dim_column(d): j[dim_column(d)].argmin(order) for d in {*dims, *filters}}
    first_at = {"_first_at": order.min()} if rows else {}  # what drill-down shows as the entity's time
    g = j.group_by(["_pid", part.entity]).aggregate(
        **first_at, **firsts, **(part.entity_measures(j) if part.entity_measures else {}))
    readers = {name: (lambda g, fn=fn: fn(g).cast("float64")) for name, fn in {**part.measures, **part.values}.items()}
    return filter_rows(g, filters), readers


def _snapshot_by_slots(t: Any, ctx: Context, part: Part, dcols: list[str], measures: list[str]) -> Any:
    """A snapshot summed per start and stop slot first, then joined to the periods by slot.

    Open at a boundary (which falls on a slot boundary) means started in an earlier slot and not
    stopped in an earlier slot: the same test as on instants, for far fewer rows.
    """
    timing = part.timing
    keys = {"_ss": slot_of(t[timing.start], ctx)}
    if timing.stop:
        keys["_ts"] = slot_of(t[timing.stop], ctx)
    g = t.group_by([*(t[c] for c in dcols), *(v.name(k) for k, v in keys.items())]).aggregate(
        **{m: t[m].sum() for m in measures})
    p = ctx.periods
    edge = p._s_end if isinstance(timing, AtEnd) else p._s_start
    until = p._s_start if isinstance(timing, AtStart) else p._s_end
    cond = [g._ss < edge]
    if timing.stop:
        cond.append(g._ts.isnull() | (g._ts >= until))
    return g.join(p, cond)


def _snapshot_cumulative(t: Any, ctx: Context, part: Part, dcols: list[str], measures: list[str]) -> Any:
    """A snapshot at period ends (or starts) as running sums, reading each row once (DuckDB).

    A row adds its measure at its start slot and takes it away at its stop slot; the snapshot at
    a boundary is the sum of everything added or taken away before it (see _running_sums).
    """
    timing = part.timing
    start = slot_of(t[timing.start], ctx)
    events = [t.select(*dcols, _es=start, **{m: t[m] for m in measures})]
    if timing.stop:
        stopped = t.filter(t[timing.stop].notnull())
        stop = ibis.greatest(slot_of(stopped[timing.stop], ctx), slot_of(stopped[timing.start], ctx))
        events.append(stopped.select(*dcols, _es=stop, **{m: -stopped[m] for m in measures}))
    ev = events[0] if len(events) == 1 else ibis.union(*events, distinct=False)
    return _running_sums(ev, ctx, dcols, measures, "_s_end" if isinstance(timing, AtEnd) else "_s_start")


def _running_sums(ev: Any, ctx: Context, dcols: list[str], measures: list[str], edge: str) -> Any:
    """Changes (`_es`: when, in the unit of the periods' `edge` column) summed into the snapshot at
    every period boundary `edge`, joined to the periods.

    Each change goes to the first boundary after it (an ASOF join), sums are kept per boundary,
    and a running sum per dimension value gives every boundary's snapshot."""
    bounds = ctx.periods.select(_b=ctx.periods[edge]).distinct()
    slots = ev.select(_slot=ev._es).distinct()  # few slots, many rows: find each slot's boundary once
    nxt = slots.asof_join(bounds, slots._slot < bounds._b)
    nxt = nxt.filter(nxt._b.notnull())
    j = ev.join(nxt, ev._es == nxt._slot)
    sums = j.group_by([*dcols, "_b"]).aggregate(**{m: j[m].sum() for m in measures})
    sums = sums.rename({f"_k{c}": c for c in dcols} | {"_kb": "_b"})
    grid = bounds
    if dcols:
        grid = grid.cross_join(sums.select(*(sums[f"_k{c}"].name(c) for c in dcols)).distinct())
    g = grid.left_join(sums, [grid._b == sums._kb, *(grid[c].identical_to(sums[f"_k{c}"]) for c in dcols)])
    running = ibis.cumulative_window(group_by=[g[c] for c in dcols], order_by=g._b) if dcols else \
        ibis.cumulative_window(order_by=g._b)
    cum = g.select(*(g[c] for c in dcols), _b=g._b, **{m: g[m].fill_null(0.0).sum().over(running) for m in measures})
    # One row per boundary already; the aggregation keeps the running sums in their own SELECT, so
    # that joining the periods (two of which may end on one boundary) cannot repeat rows under them.
    cum = cum.group_by([*dcols, "_b"]).aggregate(**{m: cum[m].max() for m in measures})
    return cum.join(ctx.periods, cum._b == ctx.periods[edge])


def compile_kpi(kpi: Kpi, ctx: Context, *, by: Sequence[str] = (), filters: Values | None = None,
                scope: Scope = Scope.company(), quantile: float | None = None) -> Any:
    """The whole KPI for every period of ctx.periods: one row per period and dimension value.

    With `quantile` (0 < q < 1; a KPI with one per-record value, see quantile_value), `value` is
    that quantile of the records' values (continuous: linear interpolation between the two
    nearest, DuckDB's quantile_cont, PostgreSQL's percentile_cont), `numerator` is null and
    `denominator` the KPI's count as before."""
    with building_for(ctx.dialect):
        return _compile_kpi(kpi, ctx, by=by, filters=filters, scope=scope, quantile=quantile)


def quantile_value(kpi: Kpi) -> str | None:
    """The per-record value a KPI's percentiles are taken of (the one its median reads), or None."""
    _, values = measure_names(kpi)
    return values[0] if kpi.kind == "mean" and len(values) == 1 else None


def compile_values(kpi: Kpi, ctx: Context, *, filters: Values | None = None, scope: Scope = Scope.company()) -> Any:
    """The per-record values (see quantile_value) of one figure: every record the KPI's median
    reads in ctx.periods' first period, non-null, as one column `value`, sorted (for the bootstrap
    interval of pulso.engine.bootstrap: the same order on every backend)."""
    name = quantile_value(kpi)
    with building_for(ctx.dialect):
        frames = [_part_frame(part, ctx, (name,), (), filters or {}, scope) for part in kpi.parts if name in part.values]
        u = frames[0] if len(frames) == 1 else ibis.union(*frames, distinct=False)
        u = u.filter((u._pid == 0) & u[name].notnull())
        return u.select(value=u[name].cast("float64")).order_by("value")


def _compile_kpi(kpi: Kpi, ctx: Context, *, by: Sequence[str], filters: Values | None, scope: Scope,
                 quantile: float | None = None) -> Any:
    sums, values = measure_names(kpi)
    frames = [_part_frame(part, ctx, (*sums, *values), by, filters or {}, scope) for part in kpi.parts]
    return _finish(kpi, ctx, by, frames, quantile=quantile)


def _part_frame(part: Part, ctx: Context, names: Sequence[str], by: Sequence[str], filters: Values,
                scope: Scope) -> Any:
    """A part's rows as (_pid, dimension columns, one column per name: its measure or null)."""
    j, read = part_rows(part, ctx, by, filters, scope)
    cols = {name: read[name](j) if name in read else ibis.null("float64") for name in names}
    return j.select("_pid", *(dim_column(d) for d in by), **cols)


def _aggregate(u: Any, ctx: Context, dcols: Sequence[str], sums: Sequence[str], values: Sequence[str],
               quantile: float | None = None) -> Any:
    """Sums and medians per period (`_apid`) and dimension value (`_a<column>`); with `quantile`,
    also that quantile of the first value, as `_quantile`."""
    median = (lambda c: c.median()) if ctx.exact_median else (lambda c: c.approx_median())
    extra = {}
    if quantile is not None:
        v = u[values[0]]
        extra["_quantile"] = v.quantile(quantile) if ctx.exact_median else v.approx_quantile(quantile)
    return u.group_by([u._pid.name("_apid"), *(u[c].name(f"_a{c}") for c in dcols)]).aggregate(
        **{m: u[m].sum() for m in sums}, **{v: median(u[v]) for v in values}, **extra)


def _finish(kpi: Kpi, ctx: Context, by: Sequence[str], frames: Sequence[Any], *, summed: bool = False,
            quantile: float | None = None) -> Any:
    """Stack the parts' frames, sum them per period and dimension value, lay the sums on the grid
    of every period × every dimension value seen, and compute the KPI's result. `summed`: each
    frame has one row per period and dimension value already (a group table's)."""
    dcols = [dim_column(d) for d in by]
    sums, values = measure_names(kpi)
    if summed and len(frames) == 1:
        f = frames[0]
        agg = f.select(_apid=f._pid, **{f"_a{c}": f[c] for c in dcols}, **{m: f[m] for m in (*sums, *values)})
    else:
        u = frames[0] if len(frames) == 1 else ibis.union(*frames, distinct=False)
        agg = _aggregate(u, ctx, dcols, sums, values, quantile)
    grid = ctx.periods
    if dcols:
        keys = agg.select(*(agg[f"_a{c}"].name(c) for c in dcols)).distinct()
        grid = grid.cross_join(keys)
    on = [grid._pid == agg._apid, *(grid[c].identical_to(agg[f"_a{c}"]) for c in dcols)]
    joined = grid.left_join(agg, on)
    cols = {c: joined[c] for c in ("_pid", "_p_start", "_p_end", "_days", "_years", *dcols)}
    cols.update({m: joined[m].fill_null(0.0) for m in sums})
    cols.update({v: joined[v] for v in values})
    out = kpi.result.compute(_Columns(cols))
    if quantile is not None:
        out = {**out, "value": joined._quantile, "numerator": ibis.null("float64")}
    return joined.select(joined._pid, *(joined[c].name(d) for c, d in zip(dcols, by)), **out)



class _Columns:
    """The summed measures of every period and dimension value, by name (`a.won`, `a["won"]`)."""

    def __init__(self, cols: Mapping[str, Any]):
        self._cols = cols

    def __getattr__(self, name: str) -> Any:
        try:
            return self._cols[name]
        except KeyError:
            raise AttributeError(name) from None

    __getitem__ = __getattr__


def compile_drill(kpi: Kpi, ctx: Context, *, names: Sequence[str], dims: Sequence[str],
                  filters: Values | None = None, scope: Scope = Scope.company()) -> Any | None:
    """The records behind the measures `names`: table, id, time, dimensions and contribution."""
    with building_for(ctx.dialect):
        return _compile_drill(kpi, ctx, names=names, dims=dims, filters=filters, scope=scope)


def _compile_drill(kpi: Kpi, ctx: Context, *, names: Sequence[str], dims: Sequence[str],
                   filters: Values | None, scope: Scope) -> Any | None:
    filters = filters or {}
    frames = []
    for part in kpi.parts:
        mine = [m for m in names if m in part.measures]
        if not mine:
            continue
        j, read = part_rows(part, ctx, dims, filters, scope, rows=True)
        contribution = sum((read[m](j) for m in mine), ibis.literal(0.0))
        if part.entity:
            rid, at = j[part.entity].cast("string"), j._first_at
        else:
            rid, at = j.id.cast("string"), j[order_column(part)]
            if isinstance(part.timing, Dated):
                at = at.cast("timestamp('UTC')")
        frame = j.select(table=ibis.literal(part.drill_table), id=rid, at=at.cast("timestamp('UTC')"),
                         **{d: j[dim_column(d)] for d in dims}, contribution=contribution)
        frames.append(frame.filter(frame.contribution != 0))
    if not frames:
        return None
    u = frames[0] if len(frames) == 1 else ibis.union(*frames, distinct=False)
    return u.order_by(["at", "table", "id"])
