"""Running compiled SQL: the tables a query reads handed in by name, its time windows filled in,
several shapes in one DuckDB statement, and the DuckDB temporary tables of derived facts and
rollups built once per data version.

Functions of an Engine's state (`engine`: its store, lock, facts and what it has read), which the
Engine's public calls use.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

import ibis
import numpy as np

from pulso.catalog import Kpi
from pulso.catalog.sources import FACT_PREFIX
from pulso.engine import periods as P
from pulso.engine import workcal as WC
from pulso.engine.context import Context
from pulso.engine.plans import Rollup, plan
from pulso.engine.workcal import SLA_TABLE
from pulso.store.workweek import working_week

INLINE_DAYS = 200  # a query over more days than this builds the derived facts and rollups it reads at once
WINDOW_NAMES = ("pulso_lo", "pulso_hi", "pulso_lo2", "pulso_hi2")  # the time windows compiled SQL reads


def run(engine, shape: tuple, build: Callable[[Context], Any], periods: list[P.Period], tz,
        baseline: Callable[[], Any], exclude: bool, kpi: Kpi, windows: list, *,
        tables: Mapping[str, Any] | None = None, arrow: bool = False, memo: dict | None = None) -> Any:
    """Run a query shape with this call's periods (and reference days) handed in as tables.

    `tables` are more Arrow tables the query reads by name; `arrow` returns an Arrow table
    instead of row dicts on DuckDB (PostgreSQL gives row dicts); `memo` keeps the period
    tables across the runs of one call."""
    memo = {} if memo is None else memo
    with engine._lock:
        sql, inputs = prepare(engine, shape, build, periods, tz, baseline, exclude, kpi, windows, memo)
        return execute(engine.store, sql, {**inputs, **(tables or {})}, windows, arrow=arrow)


def run_together(engine, queries: Sequence[tuple[Kpi, tuple, Callable[[Context], Any], Sequence[str] | None]],
                 periods: list[P.Period], tz, baseline: Callable[[], Any], exclude: bool, windows: list,
                 tables: Mapping[str, Any], memo: dict) -> list[Any]:
    """Several query shapes run as one DuckDB statement, each one's rows as an Arrow table.

    One statement instead of one per query saves a round trip, a plan and the registration
    of the input tables per query, and lets DuckDB spread small queries over its threads.
    A query given its output columns is stacked by position (they must agree in type
    position by position, a missing one is a null float); otherwise by name."""
    if not queries:
        return []
    with engine._lock:
        parts, inputs = [], dict(tables)
        width = max((len(cols) for *_, cols in queries if cols is not None), default=0)
        for n, (kpi, shape, build, cols) in enumerate(queries):
            sql, needed = prepare(engine, shape, build, periods, tz, baseline, exclude, kpi, windows, memo)
            inputs.update(needed)
            if cols is None:
                parts.append(f"SELECT {n} AS _query, * FROM ({sql})")
            else:
                picked = [f'"{c}" AS _c{j}' for j, c in enumerate(cols)]
                picked += [f"CAST(NULL AS DOUBLE) AS _c{j}" for j in range(len(cols), width)]
                parts.append(f"SELECT {n} AS _query, {', '.join(picked)} FROM ({sql})")
        statement = " UNION ALL BY NAME ".join(parts) + " ORDER BY _query"
        table = execute(engine.store, statement, inputs, windows, arrow=True)
    bounds = np.searchsorted(table.column("_query").to_numpy(), np.arange(len(queries) + 1))
    out = []
    for n, (*_, cols) in enumerate(queries):
        rows = table.slice(bounds[n], bounds[n + 1] - bounds[n])
        if cols is None:
            out.append(rows)
        else:
            out.append(rows.select([f"_c{j}" for j in range(len(cols))]).rename_columns(list(cols)))
    return out


def prepare(engine, shape: tuple, build: Callable[[Context], Any], periods: list[P.Period], tz,
            baseline: Callable[[], Any], exclude: bool, kpi: Kpi, windows: list,
            memo: dict) -> tuple[str, dict[str, Any]]:
    """The SQL of a query shape for this call, and the tables it reads that the call hands in
    (periods, their slots and days, reference days), made once per call (`memo`)."""
    # DuckDB places events by slot (an equi-join); PostgreSQL keeps the range join, which its
    # indexes on the time columns serve well. Odd historic offsets fall back to the range join.
    slot = P.slot_seconds(periods, tz) if engine.store.dialect == "duckdb" and engine.slots else None
    slot = slot if slot and slot >= P.MIN_SLOT else None
    sql, needs_baseline, needs_slots, facts = plan(engine, shape, build, exclude, kpi, slot)
    inline = bool(facts) and not use_facts(engine, facts, windows)
    if inline:
        sql, needs_baseline, needs_slots, _ = plan(engine, shape, build, exclude, kpi, slot, inline=True)
    if f'"{SLA_TABLE}"' in sql:  # an SLA KPI: working hours once the workspace sets a working week
        if "week" not in memo:
            memo["week"] = working_week(engine._workspace_settings())
        if memo["week"] is not None:
            sql, needs_baseline, needs_slots, _ = plan(engine, shape, build, exclude, kpi, slot, inline, week=True)
    if P.PERIODS_TABLE not in memo:
        memo[P.PERIODS_TABLE] = P.table(periods, tz, slot or 3600)
    inputs = {P.PERIODS_TABLE: memo[P.PERIODS_TABLE]}
    if needs_slots:
        if P.SLOTS_TABLE not in memo:
            memo[P.SLOTS_TABLE] = P.slots_table(periods, tz, slot)
        inputs[P.SLOTS_TABLE] = memo[P.SLOTS_TABLE]
    if f'"{P.DAYS_TABLE}"' in sql:
        if P.DAYS_TABLE not in memo:
            memo[P.DAYS_TABLE] = P.days_table(periods)
        inputs[P.DAYS_TABLE] = memo[P.DAYS_TABLE]
    if f'"{SLA_TABLE}"' in sql:
        if SLA_TABLE not in memo:
            memo[SLA_TABLE] = WC.sla_table(engine._workspace_settings())
        inputs[SLA_TABLE] = memo[SLA_TABLE]
    if f'"{WC.WORKCAL_TABLE}"' in sql:
        if WC.WORKCAL_TABLE not in memo:
            memo[WC.WORKCAL_TABLE] = WC.calendar(memo["week"], windows, execute(engine.store, ibis.to_sql(
                WC.bounds_expr(engine._src), dialect=engine.store.dialect), {}, [])[0])
        inputs[WC.WORKCAL_TABLE] = memo[WC.WORKCAL_TABLE]
    if needs_baseline:
        if P.BASELINE_TABLE not in memo:
            memo[P.BASELINE_TABLE] = baseline()
        inputs[P.BASELINE_TABLE] = memo[P.BASELINE_TABLE]
    return sql, inputs


def use_facts(engine, names: Sequence[str], windows: list, *, force: bool = False) -> bool:
    """Whether a query reads these derived facts from their DuckDB temporary tables (see
    materialize); False: the query computes them itself."""
    return materialize(engine, {FACT_PREFIX + name: lambda name=name: ibis.to_sql(
        engine._facts[name], dialect="duckdb", pretty=False) for name in names}, windows, force=force)


def materialize(engine, tables: Mapping[str, Callable[[], str]], windows: list, *, force: bool = False) -> bool:
    """Whether these temporary tables (name: what gives their SQL) are there for the current
    data version, built (or rebuilt) now if need be; False: not built, read the data itself.

    A table that is not built yet is built the second time this engine reads it, or at once
    when the query's windows cover more than INLINE_DAYS (or with `force`): a short query run
    once (a command) reads the little it needs, while a dashboard, a report or the catalog
    shares one build."""
    raw = engine.store.ibis().con
    rows = raw.execute("SELECT value FROM workspace_settings WHERE key = 'data_version'").fetchall()
    version = rows[0][0] if rows else "0"
    built = engine.store.facts_built
    stale = [name for name in tables if built.get(name) != version]
    first = [name for name in stale if name not in engine._fact_reads]
    engine._fact_reads.update(tables)
    if first and not force and _days_covered(windows) <= INLINE_DAYS:
        return False
    for name in stale:
        raw.execute(f'CREATE OR REPLACE TEMP TABLE "{name}" AS {tables[name]()}').fetchall()
        built[name] = version
    return True


def rollup_sql(engine, rollup: Rollup, windows: list) -> Callable[[], str]:
    """What builds a rollup: its SQL, once the derived facts it reads are built."""
    def sql() -> str:
        use_facts(engine, rollup.facts, windows, force=True)
        return rollup.sql
    return sql


def _days_covered(windows: list) -> float:
    """Days the union of a query's time windows covers."""
    total, reach = 0.0, None
    for lo, hi in sorted(windows):
        lo = lo if reach is None else max(lo, reach)
        if hi > lo:
            total += (hi - lo).total_seconds() / 86400
        reach = hi if reach is None else max(reach, hi)
    return total


def execute(store, sql: str, inputs: Mapping[str, Any], windows, *, arrow: bool = False) -> Any:
    """Run compiled SQL with Arrow tables visible under their names for this one query.

    On DuckDB the compiled SQL reads the query's time windows as getvariable() calls, which are
    replaced here by the instants themselves: constants to the optimizer (row groups outside
    them are skipped), yet not part of the SQL that is compiled once and reused.
    """
    con = store.ibis()
    if store.dialect == "duckdb":
        raw = con.con
        for name, value in zip(WINDOW_NAMES, (v for span in windows for v in span)):
            sql = sql.replace(f"GETVARIABLE('{name}')", f"CAST('{value.isoformat()}' AS TIMESTAMPTZ)")
        for name, table in inputs.items():
            raw.register(name, table)
        try:
            table = raw.sql(sql).to_arrow_table()
            return table if arrow else table.to_pylist()
        finally:
            for name in inputs:
                raw.unregister(name)
    for name, table in inputs.items():  # session temp tables, created once, refilled per query
        try:
            _refill(con, name, table)
        except Exception:  # a new session (reconnection) has lost its temp tables: make them again
            con._pulso_inputs = set()
            _refill(con, name, table)
    cursor = con.raw_sql(sql)
    try:
        names = [d.name for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]
    finally:
        cursor.close()


def _refill(con, name: str, table) -> None:
    """Put `table`'s rows in the session temp table `name` (PostgreSQL), creating it once."""
    if name not in getattr(con, "_pulso_inputs", set()):
        try:
            con.create_table(name, schema=ibis.Schema.from_pyarrow(table.schema), temp=True)
        except Exception as exc:  # another engine on this connection made it first
            if "already exists" not in str(exc):
                raise
        con._pulso_inputs = getattr(con, "_pulso_inputs", set()) | {name}
    con.truncate_table(name)
    con.insert(name, table)
