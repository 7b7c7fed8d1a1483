"""The KPI engine: a KPI query in, a tidy table out, each figure explainable.

    from pulso.engine import Engine, Scope
    result = Engine(store).query("close_rate", start=date(2025, 1, 1), end=date(2026, 1, 1),
                                 grain="month", by=["owner"], scope=Scope.team("t1"))
    result.rows     # one dict per period and owner: value, numerator, denominator, previous, year_ago...

One query computes every period asked for plus the periods they are compared with (the one just
before and the same one a year earlier). Scoping and filters are applied inside that query;
dimension and filter names must be ones the KPI declares, and filter values are bound as literals.
"""

from __future__ import annotations

import datetime as dt
import difflib
import gc
import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence
from zoneinfo import ZoneInfo

import ibis
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pulso.catalog import Catalog, Kpi, Part, load_catalog
from pulso.catalog.sources import FACT_PREFIX, FACTS, building_for, noting_money, tables
from pulso.engine import money as M
from pulso.engine import periods as P
from pulso.engine import plancache
from pulso.engine import workcal as WC
from pulso.engine.compile import (
    SLA_TABLE, Context, Scope, Values, can_roll_up, compile_drill, compile_from_groups, compile_from_rollup, compile_group,
    compile_kpi, compile_rollup, compile_values, fusion_key, group_schema, quantile_value, rollup_dims, rollup_schema,
)
from pulso.engine.explain import DIALECTS, Explanation, explain_kpi
from pulso.errors import CatalogError, KpiError, ScopeError
from pulso.i18n import N_, said
from pulso.store.workweek import working_week

__all__ = ["DIALECTS", "Engine", "Explanation", "QueryResult", "Scope", "engine_for"]

BASELINE_SETTING = "baseline_periods"
PLANS = 512  # compiled queries kept per engine
INLINE_DAYS = 200  # a query over more days than this builds the derived facts and rollups it reads at once
WINDOW_NAMES = ("pulso_lo", "pulso_hi", "pulso_lo2", "pulso_hi2")  # the time windows compiled SQL reads
ROLLUP_PREFIX = "pulso_rollup_"  # + a hash of its SQL: a DuckDB temporary table of sums per local day


@dataclass(frozen=True, eq=False)
class Rollup:
    """Sums per local day of every catalog part that reads the same rows the same way."""

    name: str
    sql: str
    facts: tuple[str, ...]
    parts: tuple[Part, ...]  # its members, in column order (see compile.member_columns)
    schema: Any

    def index(self, part: Part) -> int:
        """Where a part's sums are in the rollup."""
        return next(m for m, p in enumerate(self.parts) if p is part)


@dataclass
class QueryResult:
    """The rows of a KPI query, sorted by period_start then the `by` dimensions."""

    kpi: Kpi
    rows: list[dict[str, Any]]
    by: tuple[str, ...] = ()
    grain: str | None = None
    columns: list[str] = field(default_factory=list)

    @property
    def frame(self):
        """The rows as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame(self.rows, columns=self.columns or None)

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


class Engine:
    """Computes catalog KPIs on a workspace store (DuckDB or PostgreSQL)."""

    def __init__(self, store, catalog: Catalog | None = None):
        self.store = store
        self.catalog = catalog or load_catalog()
        self._src = tables()
        #: On DuckDB the derived facts are temporary tables, built once per data version; the
        #: queries read them by name. Elsewhere each query computes the facts it reads.
        self._facts: dict[str, Any] = {}
        if store.dialect == "duckdb":
            for name in FACTS:
                self._facts[name] = self._src[name]
                self._src[name] = ibis.table(self._src[name].schema(), name=FACT_PREFIX + name)
        self._plans: OrderedDict[tuple, tuple[str, bool, bool, tuple[str, ...]]] = OrderedDict()
        self.plans_compiled = 0  #: query shapes this engine compiled
        self.plans_loaded = 0  #: query shapes read from the plan cache on disk instead
        self._fusion_keys: dict[tuple, tuple[tuple, bool]] = {}  # see _fusion_key
        self._fact_reads: set[str] = set()  # derived facts and rollups this engine has read (see _materialize)
        self._rollups: dict[tuple, Rollup | None] = {}  # see _rollup
        #: On DuckDB, place events by hour slot and sum snapshots as running sums; False keeps the
        #: portable range joins every other engine gets (the tests check both give the same rows).
        self.slots = True
        self._lock = threading.RLock()
        self._currencies: tuple[tuple[str, str], bool] | None = None  # see _foreign
        self._money: dict[str, tuple[set[str], bool]] = {}  # see _money_tables

    # -- the public calls -----------------------------------------------------------------

    def query(self, key: str, *, start: dt.date, end: dt.date, grain: str | None = None,
              by: Sequence[str] | str | None = None, filters: Mapping[str, Any] | None = None,
              scope: Scope | None = None, params: Mapping[str, Any] | None = None,
              stat: str | None = None) -> QueryResult:
        """Compute one KPI for every period of [start, end) at `grain`, split by `by`.

        `stat` picks the figure a KPI with a per-record value (durations, amounts) reports as
        `value`: "mean" (None, the default), "median" or a percentile "p90" (any p1..p99, decimals
        allowed: "p99.5"), see parse_stat."""
        kpi = self.kpi(key)
        quantile = parse_stat(kpi, stat)
        start, end = _span(start, end)
        grain = P.check_grain(grain)
        by = self._check_by(kpi, by)
        values = self._check_filters(kpi, filters)
        scope = self._check_scope(kpi, scope)
        tz, ranges, exclude = self._settings(start, params)
        plan = P.plan(start, end, grain, fiscal=self.fiscal_start())
        windows = P.windows(plan, tz)
        shape = ("q", kpi.key, by, tuple(sorted(values.items())), scope, exclude)  # no time zone: see _plan
        if quantile is not None:
            shape = (*shape, ("quantile", quantile))
        shape, build = self._in_reporting_currency(kpi, windows, shape, lambda ctx: compile_kpi(
            kpi, ctx, by=by, filters=values, scope=scope, quantile=quantile))
        found = self._run(shape, build, plan.all, tz, lambda: P.ranges_table(ranges, tz), exclude, kpi, windows,
                          arrow=True)
        return _assemble(kpi, plan, by, grain, found)

    def query_many(self, keys: Sequence[str], *, start: dt.date, end: dt.date, grain: str | None = None,
                   by: Sequence[str] | str | None = None, filters: Mapping[str, Any] | None = None,
                   scope: Scope | None = None, params: Mapping[str, Any] | None = None,
                   stat: str | None = None) -> dict[str, QueryResult]:
        """Several KPIs over the same periods, split, filters and scope: {key: what `query` gives}.

        With a `stat` other than the mean (see `query`), each KPI is queried on its own with it.

        On DuckDB the KPIs' parts that read the same rows the same way (table, rows, timing) are
        computed together, one scan per such group (see _fusion_key), and every KPI is finished
        from its groups' sums, all in one statement: a report or a dashboard costs a few scans
        instead of one or more per KPI. The sums of events and snapshots are read from rollups
        per local day when the query is long or asked again (see _rollup and _materialize)."""
        kpis = [self.kpi(key) for key in dict.fromkeys([keys] if isinstance(keys, str) else keys)]
        one_by_one = dict(start=start, end=end, grain=grain, by=by, filters=filters, scope=scope, params=params)
        if stat is not None and str(stat).strip().lower() not in ("", "mean"):
            return {kpi.key: self.query(kpi.key, **one_by_one, stat=stat) for kpi in kpis}
        if self.store.dialect != "duckdb" or len(kpis) < 2 or self._foreign()[1]:
            # several currencies: each KPI converts and checks its own rates (see _in_reporting_currency)
            return {kpi.key: self.query(kpi.key, **one_by_one) for kpi in kpis}
        start, end = _span(start, end)
        grain = P.check_grain(grain)
        checked = [(self._check_by(k, by), self._check_filters(k, filters), self._check_scope(k, scope)) for k in kpis]
        by, values, scope = checked[0]
        tz, ranges, exclude = self._settings(start, params)
        plan = P.plan(start, end, grain, fiscal=self.fiscal_start())
        windows, memo, baseline = P.windows(plan, tz), {}, (lambda: P.ranges_table(ranges, tz))
        filtered = tuple(sorted(values.items()))

        groups: dict[tuple, list[tuple[Kpi, int]]] = {}
        fused = []
        for kpi in kpis:
            named = [v for part in kpi.parts for v in part.values]
            if len(named) != len(set(named)):
                continue
            fused.append(kpi)
            for i, part in enumerate(kpi.parts):
                fkey, rollable = self._fusion_key(kpi, i, exclude)
                rollup = rollable and self._rollup(fkey, rollup_dims(part, by, values), str(tz), exclude)
                groups.setdefault((fkey, rollup or None), []).append((kpi, i))
        scans = []
        placed: dict[tuple[str, int], tuple[int, int]] = {}
        members: dict[int, list[Part]] = {}
        for n, ((fkey, rollup), group) in enumerate(groups.items()):
            members[n], where = _distinct([kpi.parts[i] for kpi, i in group])
            with self._lock:
                rolled = rollup is not None and self._materialize({rollup.name: self._rollup_sql(rollup, windows)},
                                                                  windows)
            if rolled:
                picks = tuple(rollup.index(part) for part in members[n])
                shape = ("r", rollup.name, picks, by, filtered, scope)

                def build(ctx, parts=members[n], rollup=rollup, picks=picks):
                    table = ibis.table(rollup.schema, name=rollup.name)
                    return compile_from_rollup(parts, ctx, table, picks, by=by, filters=values, scope=scope)
            else:
                shape = ("g", fkey, tuple((k.key, i) for k, i in group), by, filtered, scope, exclude)

                def build(ctx, parts=members[n]):
                    return compile_group(parts, ctx, by=by, filters=values, scope=scope)
            scans.append((group[0][0], shape, build, group_schema(members[n], by).names))
            placed.update({(k.key, i): (n, m) for (k, i), m in zip(group, where)})
        found = {f"{P.GROUP_TABLE}{n}": table for n, table in enumerate(
            self._run_together(scans, plan.all, tz, baseline, exclude, windows, {}, memo))}
        finishing = []
        for kpi in fused:
            where = tuple(placed[(kpi.key, i)] for i in range(len(kpi.parts)))

            def build(ctx, kpi=kpi, where=where):
                sources = [(ibis.table(group_schema(members[n], by), name=f"{P.GROUP_TABLE}{n}"), m) for n, m in where]
                return compile_from_groups(kpi, ctx, by=by, sources=sources)

            finishing.append((kpi, ("f", kpi.key, where, by), build, None))
        results = self._run_together(finishing, plan.all, tz, baseline, exclude, windows, found, memo)
        out = {kpi.key: _assemble(kpi, plan, by, grain, rows) for (kpi, *_), rows in zip(finishing, results)}
        return {kpi.key: out[kpi.key] if kpi.key in out else self.query(kpi.key, **one_by_one) for kpi in kpis}

    def values(self, key: str, *, start: dt.date, end: dt.date, filters: Mapping[str, Any] | None = None,
               scope: Scope | None = None, params: Mapping[str, Any] | None = None) -> list[float]:
        """The per-record values behind one figure of a mean KPI over [start, end) (the values its
        median and percentiles are taken of: a deal's cycle days, a ticket's hours...), sorted;
        for the bootstrap interval of that one figure (pulso.engine.bootstrap). A KpiError for a
        KPI with no per-record value."""
        kpi = self.kpi(key)
        if quantile_value(kpi) is None:
            raise said(KpiError, N_("{kpi} no tiene un valor por registro del que tomar percentiles; solo la media"),
                       kpi=kpi.key)
        start, end = _span(start, end)
        values = self._check_filters(kpi, filters)
        scope = self._check_scope(kpi, scope)
        tz, ranges, exclude = self._settings(start, params)
        span = P.instant(start, tz), P.instant(end, tz)
        shape = ("v", kpi.key, tuple(sorted(values.items())), scope, exclude)
        shape, build = self._in_reporting_currency(kpi, [span], shape, lambda ctx: compile_values(
            kpi, ctx, filters=values, scope=scope))
        rows = self._run(shape, build, [P.Period(start, end)], tz, lambda: P.ranges_table(ranges, tz), exclude, kpi,
                         [span, span])
        return [float(r["value"]) for r in rows]

    def drill(self, key: str, *, start: dt.date, end: dt.date, part: str = "numerator",
              filters: Mapping[str, Any] | None = None, scope: Scope | None = None,
              limit: int = 100, offset: int = 0, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """The records behind a KPI's numerator or denominator over [start, end), a page at a time."""
        kpi = self.kpi(key)
        start, end = _span(start, end)
        if part not in ("numerator", "denominator"):
            raise said(KpiError, N_("parte desconocida '{part}'; use numerator o denominator"), part=part)
        if int(limit) < 0 or int(offset) < 0:
            raise KpiError("limit and offset must not be negative")
        values = self._check_filters(kpi, filters)
        scope = self._check_scope(kpi, scope)
        names = kpi.result.numerator if part == "numerator" else kpi.result.denominator
        if not names:
            return []
        tz, ranges, exclude = self._settings(start, params)

        def build(ctx):
            return compile_drill(kpi, ctx, names=names, dims=kpi.dimensions, filters=values,
                                 scope=scope).limit(int(limit), offset=int(offset))

        shape = ("d", kpi.key, part, tuple(sorted(values.items())), scope, exclude, int(limit), int(offset))
        span = P.instant(start, tz), P.instant(end, tz)
        shape, build = self._in_reporting_currency(kpi, [span], shape, build)
        rows = self._run(shape, build, [P.Period(start, end)], tz, lambda: P.ranges_table(ranges, tz), exclude, kpi,
                         [span, span])
        for row in rows:  # shown in the workspace's time zone, like the periods
            if row["at"] is not None:
                try:
                    row["at"] = row["at"].astimezone(tz)
                except OverflowError:  # near year 1 or 9999, stored before the store checked years: kept in UTC
                    pass
            row["contribution"] = _plain(row["contribution"])
        return rows

    def explain(self, key: str, *, dialect: str = "duckdb", lang: str = "es") -> Explanation:
        """The KPI's formula in words and the SQL it runs, for a SQL dialect."""
        return explain_kpi(self.kpi(key), dialect=dialect, lang=lang)

    def kpi(self, key: str) -> Kpi:
        """The catalog's KPI called `key`, or a KpiError with a suggestion."""
        return self.catalog.kpi(key)

    # -- checks ---------------------------------------------------------------------------

    def _check_by(self, kpi: Kpi, by: Sequence[str] | str | None) -> tuple[str, ...]:
        names = (by,) if isinstance(by, str) else tuple(by or ())
        for name in names:
            _check_dimension(kpi, name, "split")
        if len(set(names)) != len(names):
            raise said(KpiError, N_("una dimensión se repite en by: {names}"), names=", ".join(names))
        return names

    def _check_filters(self, kpi: Kpi, filters: Mapping[str, Any] | None) -> Values:
        out: dict[str, tuple[str | None, ...]] = {}
        for name, value in (filters or {}).items():
            _check_dimension(kpi, name, "filtered")
            many = value if isinstance(value, (list, tuple, set, frozenset)) else [value]
            out[name] = tuple(None if v is None else str(v) for v in many)
        return out

    def _check_scope(self, kpi: Kpi, scope: Scope | None) -> Scope:
        scope = scope or Scope.company()
        if not isinstance(scope, Scope):
            raise KpiError("scope must be Scope.company(), Scope.team(...) or Scope.owners(...)")
        if not scope.is_company and not kpi.owned:
            raise said(ScopeError, N_("{kpi} se calcula con registros sin responsable (gasto, campañas o sesiones "
                                      "web); solo el alcance de toda la empresa puede verlo"), kpi=kpi.key)
        return scope

    # -- money in the reporting currency (see pulso.engine.money) ----------------------------

    def _foreign(self) -> tuple[str, bool]:
        """The reporting currency, and whether any stored amount is in another one (per data version)."""
        settings = self._workspace_settings()
        key = (settings.get("data_version", "0"), settings.get("currency", "EUR"))
        with self._lock:
            if self._currencies is None or self._currencies[0] != key:
                sql = ibis.to_sql(M.currencies_expr(self._src, key[1]), dialect=self.store.dialect)
                self._currencies = (key, bool(_execute(self.store, sql, {}, [])))
            return key[1], self._currencies[1]

    def _money_tables(self, kpi: Kpi) -> tuple[set[str], bool]:
        """The money tables whose amounts the KPI reads (the columns its declaration hands to
        catalog.sources.money), and whether it reads reference days; worked out once."""
        if kpi.key not in self._money:
            ctx = self._context(False, None)
            with noting_money() as seen:
                compile_kpi(kpi, ctx)
            self._money[kpi.key] = (M.money_tables(seen), ctx._baseline is not None)
        return self._money[kpi.key]

    def _in_reporting_currency(self, kpi: Kpi, windows: list, shape: tuple,
                               build: Callable[[Context], Any]) -> tuple[tuple, Callable[[Context], Any]]:
        """The query shape and builder that read the KPI's money converted into the reporting
        currency, when the workspace holds other currencies and the KPI reads money; unchanged
        otherwise. MissingRatesError when an amount the query's span touches has no rate."""
        reporting, foreign = self._foreign()
        names, reference = self._money_tables(kpi) if foreign else (set(), False)
        if not names:
            return shape, build
        lo, hi = min(w[0] for w in windows), max(w[1] for w in windows)
        if reference:  # incremental revenue also reads its reference days, before the query's windows
            lo = dt.datetime(1900, 1, 1, tzinfo=dt.timezone.utc)
        sql = ibis.to_sql(M.missing_expr(self._src, reporting, names, lo, hi), dialect=self.store.dialect)
        with self._lock:
            rows = _execute(self.store, sql, {}, [])
        if rows:
            found = list(dict.fromkeys((r["currency"], _as_date(r["day"], "day")) for r in rows))  # each day once
            raise M.MissingRatesError(kpi.key, reporting, found[:M.MISSING_LISTED], len(rows) > M.MISSING_LISTED)

        def converting(ctx: Context) -> Any:
            ctx.src = {**ctx.src, **M.converted(ctx.src, reporting, names)}
            return build(ctx)

        return (*shape, ("fx", reporting, tuple(sorted(names)))), converting

    def rate_gaps(self) -> tuple[str, list[str], list[tuple[str, dt.date]]]:
        """The reporting currency, the other currencies stored amounts are in, and every (currency,
        day) of an amount with no rate into the reporting currency, over all time: what a money KPI
        would be refused for (MissingRatesError). For the rates page."""
        reporting = self._workspace_settings().get("currency", "EUR")
        dialect = self.store.dialect
        with self._lock:
            held = _execute(self.store, ibis.to_sql(M.currencies_expr(self._src, reporting), dialect=dialect), {}, [])
            if not held:
                return reporting, [], []
            lo, hi = dt.datetime(1900, 1, 1, tzinfo=dt.timezone.utc), dt.datetime(2200, 1, 1, tzinfo=dt.timezone.utc)
            sql = ibis.to_sql(M.missing_expr(self._src, reporting, set(M.MONEY), lo, hi, limit=None), dialect=dialect)
            rows = _execute(self.store, sql, {}, [])
        missing = dict.fromkeys((r["currency"], _as_date(r["day"], "day")) for r in rows)  # each day once
        return reporting, sorted({r["currency"] for r in held}), list(missing)

    # -- building -------------------------------------------------------------------------

    def reference_periods(self, start: dt.date) -> tuple[list[tuple[dt.date, dt.date]], bool]:
        """The reference periods incremental revenue reads for a query from `start` (local dates,
        ends exclusive), and whether they are the default (then days with a campaign are left out)."""
        _, ranges, default = self._settings(start, None)
        return ranges, default

    def _settings(self, start: dt.date, params: Mapping[str, Any] | None):
        """The workspace time zone, and the reference periods of incremental revenue (the
        parameter, the setting, or the 365 days before the query, campaign days excluded)."""
        settings = self._workspace_settings()
        tz = ZoneInfo(settings.get("timezone", "UTC"))
        given = (params or {}).get("baseline")
        if given is None:
            setting = settings.get(BASELINE_SETTING, "").strip()
            given = parse_ranges(setting) if setting else None
        if given:
            return tz, [(_as_date(a, "baseline"), _as_date(b, "baseline")) for a, b in given], False
        days = [start - dt.timedelta(days=i) for i in range(365, 0, -1)]
        return tz, [(d, d + dt.timedelta(days=1)) for d in days], True

    def _fusion_key(self, kpi: Kpi, index: int, exclude: bool) -> tuple[tuple, bool]:
        """The group a KPI's part is computed in by query_many, and whether that group can be
        read from a rollup; worked out once per engine.

        Parts with one compile.fusion_key share a scan. A part that cannot share one (it counts
        distinct entities, or reads the period) is computed alone, or with the KPIs that read the
        very same declaration (customers who ordered, for lifetime value, purchase frequency...):
        its group is named after the first KPI and part of the catalog that declare it."""
        key = (kpi.key, index, exclude)
        if key not in self._fusion_keys:
            part = kpi.parts[index]
            ctx = self._context(exclude, 3600)
            with building_for(self.store.dialect):
                fkey = fusion_key(part, ctx)
            if fkey is None:
                home = next((k.key, i) for k in self.catalog for i, p in enumerate(k.parts) if p is part)
                self._fusion_keys[key] = (("alone", *home), False)
            else:
                self._fusion_keys[key] = (fkey, can_roll_up(part, fkey))
        return self._fusion_keys[key]

    def _rollup(self, fkey: tuple, dims: tuple[str, ...], zone: str, exclude: bool) -> Rollup | None:
        """The rollup of every catalog part with fusion key `fkey` (that can be rolled up) per
        local day in `zone` and value of `dims`; None when its rows read the clock or the
        reference periods (then its sums are not a fact of the data alone)."""
        key = (fkey, dims, zone, exclude)
        with self._lock:
            if key in self._rollups:
                return self._rollups[key]
            mine = [(k, i) for k in self.catalog for i in range(len(k.parts))
                    if self._fusion_key(k, i, exclude) == (fkey, True)]
            parts, _ = _distinct([k.parts[i] for k, i in mine])
            sql, needs_baseline, _, facts = self._plan(
                ("rollup", fkey, tuple((k.key, i) for k, i in mine), dims, zone),
                lambda ctx: compile_rollup(parts, ctx, dims=dims, zone=zone), exclude, mine[0][0], None)
            frozen = not needs_baseline and "CURRENT_TIMESTAMP" not in sql.upper() and "GETVARIABLE" not in sql.upper()
            name = ROLLUP_PREFIX + hashlib.sha1(sql.encode()).hexdigest()[:16]
            self._rollups[key] = Rollup(name, sql, facts, tuple(parts), rollup_schema(parts, dims)) if frozen else None
            return self._rollups[key]

    def _rollup_sql(self, rollup: Rollup, windows: list) -> Callable[[], str]:
        """What builds a rollup: its SQL, once the derived facts it reads are built."""
        def sql() -> str:
            self._use_facts(rollup.facts, windows, force=True)
            return rollup.sql
        return sql

    def _context(self, exclude: bool, slot: int | None) -> Context:
        """What a declaration compiles against: the named input tables, placed by `slot` seconds
        (None: the portable range joins)."""
        return Context(self._src, P.placeholder(), baseline_factory=P.baseline_placeholder, dialect=self.store.dialect,
                       baseline_excludes_campaigns=exclude, slots=P.slots_placeholder() if slot else None,
                       slot=slot or 3600, days=P.days_placeholder())

    def fiscal_start(self) -> int:
        """The month (1-12) the workspace's fiscal year starts: quarters and years are cut on it."""
        return P.fiscal_start(self._workspace_settings())

    def _workspace_settings(self) -> dict[str, str]:
        """The workspace settings, on DuckDB through the engine's own connection (no pool round trip)."""
        if self.store.dialect != "duckdb":
            return self.store.settings_dict()
        with self._lock:
            return dict(self.store.ibis().con.execute("SELECT key, value FROM workspace_settings").fetchall())

    def _plan(self, shape: tuple, build: Callable[[Context], Any], exclude: bool, kpi: Kpi,
              slot: int | None, inline: bool = False, week: bool = False) -> tuple[str, bool, bool, tuple[str, ...]]:
        """The SQL of a query shape, compiled once by Ibis over the named input tables (and kept
        on disk for later processes, see plancache). With `inline`, the derived facts it reads
        are computed inside the query, over the query's time windows only.

        A shape names no time zone: the periods, cut in the workspace's zone, are tables handed
        in when the query runs, so one plan serves every zone with the same hour `slot` (a
        rollup's zone is in its name, a hash of its SQL). `week`: working hours (engine/workcal.py)."""
        shape = (*shape, slot, *(("inline",) if inline else ()), *(("week",) if week else ()))
        found = self._plans.get(shape)
        if found is not None:
            self._plans.move_to_end(shape)
            return found
        stored = (self.store.dialect, *shape)
        found = plancache.load(stored)
        if found is not None and all(name in self._facts for name in found[3]):
            self.plans_loaded += 1
            return self._keep(shape, found)
        ctx = self._context(exclude, slot)
        ctx.week = week
        if inline:
            ctx.src = {**self._src, **{name: FACTS[name](self._src, ctx.within) for name in self._facts}}
        try:
            expr = build(ctx)
        except (CatalogError, KpiError):
            raise
        except Exception as exc:  # a declaration the schema cannot satisfy
            raise CatalogError(f"KPI '{kpi.key}' does not compile: {exc}") from exc
        sql = ibis.to_sql(expr, dialect=self.store.dialect, pretty=False)
        facts = tuple(name for name in self._facts if f'"{FACT_PREFIX}{name}"' in sql)
        found = (sql, ctx._baseline is not None, ctx.used_slots, facts)
        self.plans_compiled += 1
        plancache.save(stored, found)
        return self._keep(shape, found)

    def _keep(self, shape: tuple, plan: tuple[str, bool, bool, tuple[str, ...]]) -> tuple[str, bool, bool, tuple[str, ...]]:
        self._plans[shape] = plan
        if len(self._plans) > PLANS:
            self._plans.popitem(last=False)
        return plan

    def _run(self, shape: tuple, build: Callable[[Context], Any], periods: list[P.Period], tz,
             baseline: Callable[[], Any], exclude: bool, kpi: Kpi, windows: list, *,
             tables: Mapping[str, Any] | None = None, arrow: bool = False, memo: dict | None = None) -> Any:
        """Run a query shape with this call's periods (and reference days) handed in as tables.

        `tables` are more Arrow tables the query reads by name; `arrow` returns an Arrow table
        instead of row dicts on DuckDB (PostgreSQL gives row dicts); `memo` keeps the period
        tables across the runs of one call."""
        memo = {} if memo is None else memo
        with self._lock:
            sql, inputs = self._prepare(shape, build, periods, tz, baseline, exclude, kpi, windows, memo)
            return _execute(self.store, sql, {**inputs, **(tables or {})}, windows, arrow=arrow)

    def _run_together(self, queries: Sequence[tuple[Kpi, tuple, Callable[[Context], Any], Sequence[str] | None]],
                      periods: list[P.Period], tz, baseline: Callable[[], Any], exclude: bool, windows: list,
                      tables: Mapping[str, Any], memo: dict) -> list[Any]:
        """Several query shapes run as one DuckDB statement, each one's rows as an Arrow table.

        One statement instead of one per query saves a round trip, a plan and the registration
        of the input tables per query, and lets DuckDB spread small queries over its threads.
        A query given its output columns is stacked by position (they must agree in type
        position by position, a missing one is a null float); otherwise by name."""
        if not queries:
            return []
        with self._lock:
            parts, inputs = [], dict(tables)
            width = max((len(cols) for *_, cols in queries if cols is not None), default=0)
            for n, (kpi, shape, build, cols) in enumerate(queries):
                sql, needed = self._prepare(shape, build, periods, tz, baseline, exclude, kpi, windows, memo)
                inputs.update(needed)
                if cols is None:
                    parts.append(f"SELECT {n} AS _query, * FROM ({sql})")
                else:
                    picked = [f'"{c}" AS _c{j}' for j, c in enumerate(cols)]
                    picked += [f"CAST(NULL AS DOUBLE) AS _c{j}" for j in range(len(cols), width)]
                    parts.append(f"SELECT {n} AS _query, {', '.join(picked)} FROM ({sql})")
            statement = " UNION ALL BY NAME ".join(parts) + " ORDER BY _query"
            table = _execute(self.store, statement, inputs, windows, arrow=True)
        bounds = np.searchsorted(table.column("_query").to_numpy(), np.arange(len(queries) + 1))
        out = []
        for n, (*_, cols) in enumerate(queries):
            rows = table.slice(bounds[n], bounds[n + 1] - bounds[n])
            if cols is None:
                out.append(rows)
            else:
                out.append(rows.select([f"_c{j}" for j in range(len(cols))]).rename_columns(list(cols)))
        return out

    def _prepare(self, shape: tuple, build: Callable[[Context], Any], periods: list[P.Period], tz,
                 baseline: Callable[[], Any], exclude: bool, kpi: Kpi, windows: list,
                 memo: dict) -> tuple[str, dict[str, Any]]:
        """The SQL of a query shape for this call, and the tables it reads that the call hands in
        (periods, their slots and days, reference days), made once per call (`memo`)."""
        # DuckDB places events by slot (an equi-join); PostgreSQL keeps the range join, which its
        # indexes on the time columns serve well. Odd historic offsets fall back to the range join.
        slot = P.slot_seconds(periods, tz) if self.store.dialect == "duckdb" and self.slots else None
        slot = slot if slot and slot >= P.MIN_SLOT else None
        sql, needs_baseline, needs_slots, facts = self._plan(shape, build, exclude, kpi, slot)
        inline = bool(facts) and not self._use_facts(facts, windows)
        if inline:
            sql, needs_baseline, needs_slots, _ = self._plan(shape, build, exclude, kpi, slot, inline=True)
        if f'"{SLA_TABLE}"' in sql:  # an SLA KPI: working hours once the workspace sets a working week
            if "week" not in memo:
                memo["week"] = working_week(self._workspace_settings())
            if memo["week"] is not None:
                sql, needs_baseline, needs_slots, _ = self._plan(shape, build, exclude, kpi, slot, inline, week=True)
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
                memo[SLA_TABLE] = WC.sla_table(self._workspace_settings())
            inputs[SLA_TABLE] = memo[SLA_TABLE]
        if f'"{WC.WORKCAL_TABLE}"' in sql:
            if WC.WORKCAL_TABLE not in memo:
                memo[WC.WORKCAL_TABLE] = WC.calendar(memo["week"], windows, _execute(self.store, ibis.to_sql(
                    WC.bounds_expr(self._src), dialect=self.store.dialect), {}, [])[0])
            inputs[WC.WORKCAL_TABLE] = memo[WC.WORKCAL_TABLE]
        if needs_baseline:
            if P.BASELINE_TABLE not in memo:
                memo[P.BASELINE_TABLE] = baseline()
            inputs[P.BASELINE_TABLE] = memo[P.BASELINE_TABLE]
        return sql, inputs

    def _use_facts(self, names: Sequence[str], windows: list, *, force: bool = False) -> bool:
        """Whether a query reads these derived facts from their DuckDB temporary tables (see
        _materialize); False: the query computes them itself."""
        return self._materialize({FACT_PREFIX + name: lambda name=name: ibis.to_sql(
            self._facts[name], dialect="duckdb", pretty=False) for name in names}, windows, force=force)

    def _materialize(self, tables: Mapping[str, Callable[[], str]], windows: list, *, force: bool = False) -> bool:
        """Whether these temporary tables (name: what gives their SQL) are there for the current
        data version, built (or rebuilt) now if need be; False: not built, read the data itself.

        A table that is not built yet is built the second time this engine reads it, or at once
        when the query's windows cover more than INLINE_DAYS (or with `force`): a short query run
        once (a command) reads the little it needs, while a dashboard, a report or the catalog
        shares one build."""
        raw = self.store.ibis().con
        rows = raw.execute("SELECT value FROM workspace_settings WHERE key = 'data_version'").fetchall()
        version = rows[0][0] if rows else "0"
        built = self.store.facts_built
        stale = [name for name in tables if built.get(name) != version]
        first = [name for name in stale if name not in self._fact_reads]
        self._fact_reads.update(tables)
        if first and not force and _days_covered(windows) <= INLINE_DAYS:
            return False
        for name in stale:
            raw.execute(f'CREATE OR REPLACE TEMP TABLE "{name}" AS {tables[name]()}').fetchall()
            built[name] = version
        return True


ENGINE_ATTRIBUTE = "_pulso_engine"  # where engine_for keeps a store's engine: on the store itself
_engines_lock = threading.Lock()


def engine_for(store) -> Engine:
    """The one engine of a store, made on first use (its compiled queries are worth keeping between
    alert runs, reports and commands). It is kept on the store, so it lives exactly as long as the
    store does: a table beside them would hold the store through its engine."""
    with _engines_lock:
        found = vars(store).get(ENGINE_ATTRIBUTE)
        if found is None:
            found = Engine(store)
            setattr(store, ENGINE_ATTRIBUTE, found)
        return found


STATS = ("mean", "median")  # and p1..p99: see parse_stat


def parse_stat(kpi: Kpi, stat: str | None) -> float | None:
    """The quantile (0 < q < 1) a `stat` asks for, None for the mean; a KpiError for a stat that
    is not mean, median or pN (0 < N < 100), or for a KPI with no per-record value to take it of."""
    if stat is None or str(stat).strip().lower() in ("", "mean"):
        return None
    text = str(stat).strip().lower()
    try:
        q = 0.5 if text == "median" else float(text[1:]) / 100 if text[:1] == "p" and text[1:2].isdigit() else -1.0
    except ValueError:
        q = -1.0
    if not 0 < q < 1:
        raise said(KpiError, N_("estadístico desconocido '{stat}'; use mean, median o un percentil como p90"),
                   stat=stat)
    if quantile_value(kpi) is None:
        raise said(KpiError, N_("{kpi} no tiene un valor por registro del que tomar percentiles; solo la media"),
                   kpi=kpi.key)
    return q


def _distinct(parts: Sequence[Part]) -> tuple[list[Part], list[int]]:
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


def _days_covered(windows: list) -> float:
    """Days the union of a query's time windows covers."""
    total, reach = 0.0, None
    for lo, hi in sorted(windows):
        lo = lo if reach is None else max(lo, reach)
        if hi > lo:
            total += (hi - lo).total_seconds() / 86400
        reach = hi if reach is None else max(reach, hi)
    return total


def _execute(store, sql: str, inputs: Mapping[str, Any], windows, *, arrow: bool = False) -> Any:
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


def parse_ranges(text: str) -> list[tuple[dt.date, dt.date]]:
    """'2024-01-01/2024-03-01, 2024-07-01/2024-08-01' → [(start, end), ...] (ends exclusive)."""
    out = []
    for piece in filter(None, (p.strip() for p in text.split(","))):
        a, sep, b = piece.partition("/")
        if not sep:
            raise said(KpiError, N_("'{piece}' no es un periodo; escriba INICIO/FIN como AAAA-MM-DD/AAAA-MM-DD"),
                       piece=piece)
        out.append((_as_date(a.strip(), "baseline"), _as_date(b.strip(), "baseline")))
    return out


def _span(start: Any, end: Any) -> tuple[dt.date, dt.date]:
    """[start, end) as dates, or a KpiError when a bound is not a date or the span is empty."""
    start, end = _as_date(start, "start"), _as_date(end, "end")
    if end <= start:
        raise said(KpiError, N_("el periodo está vacío: el fin {end} no es posterior al inicio {start}"), end=end, start=start)
    return start, end


def _check_dimension(kpi: Kpi, name: str, verb: str) -> None:
    if name in kpi.dimensions:
        return
    options = ", ".join(kpi.dimensions) or "—"
    near = difflib.get_close_matches(str(name), list(kpi.dimensions), n=1, cutoff=0.5)
    texts = {  # (split, filtered) × (a suggestion, none)
        ("split", True): N_("dimensión desconocida '{name}' para {kpi}; ¿quiso decir '{near}'? se puede desglosar por: {options}"),
        ("split", False): N_("dimensión desconocida '{name}' para {kpi}; se puede desglosar por: {options}"),
        ("filtered", True): N_("dimensión desconocida '{name}' para {kpi}; ¿quiso decir '{near}'? se puede filtrar por: {options}"),
        ("filtered", False): N_("dimensión desconocida '{name}' para {kpi}; se puede filtrar por: {options}"),
    }
    raise said(KpiError, texts[verb, bool(near)], name=name, kpi=kpi.key, near=near[0] if near else "", options=options)


def _as_date(value: Any, what: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise said(KpiError, N_("{what}: '{value}' no es una fecha; use AAAA-MM-DD"), what=what, value=value) from None


def _assemble(kpi: Kpi, plan: P.Plan, by: tuple[str, ...], grain: str | None, found: Any) -> QueryResult:
    """Rows for the main periods, each with its previous and year-ago values.

    `found` is what the query gave (an Arrow table, or row dicts). Every dimension value seen in
    a main period gets a row in every main period; rows come in period order (the plan's main
    periods ascend), then by dimension values, nulls last."""
    figures = ("value", "numerator", "denominator", *kpi.extras)
    cols = _columns(found, ("_pid", *by), figures)
    for name in _in_cents(kpi):  # sums of money are whole cents: no 2.3e-10 left by a running sum
        cols[name] = [None if v is None else round(v, 2) + 0.0 for v in cols[name]]
    pids = cols["_pid"]
    keys_of = list(zip(*(cols[d] for d in by))) if by else [()] * len(pids)
    at = {(pid, dims): k for k, (pid, dims) in enumerate(zip(pids, keys_of))}
    n_main = len(plan.main)
    seen = {dims for pid, dims in zip(pids, keys_of) if pid < n_main}
    combos = sorted(seen, key=lambda dims: tuple([(v is None, v or "") for v in dims])) if by else [()]
    cells = list(zip(*(cols[f] for f in figures)))
    values = cols["value"] + [None]  # values[-1]: no such row
    empty = (None,) * len(figures)
    keys = ("period_start", "period_end", *by, *figures, "previous", "year_ago")
    rows = []
    collecting = gc.isenabled()
    gc.disable()  # tens of thousands of new dicts, no cycle among them: no collection passes meanwhile
    try:
        _fill(rows, plan, combos, at, cells, values, keys, empty)
    finally:
        if collecting:
            gc.enable()
    columns = ["period_start", "period_end", *by, "value", "numerator", "denominator", "previous", "year_ago",
               *kpi.extras]
    return QueryResult(kpi, rows, by, grain, columns)


def _in_cents(kpi: Kpi) -> tuple[str, ...]:
    """The figures of a KPI that are sums of money (rounded to cents when read): the numerator of
    a money total or mean, and a money total's value."""
    if kpi.unit != "currency":
        return ()
    kind = kpi.result.kind
    return ("value", "numerator") if kind == "total" else ("numerator",) if kind == "mean" else ()


def _fill(rows: list, plan: P.Plan, combos: list[tuple], at: dict, cells: list[tuple], values: list,
          keys: tuple[str, ...], empty: tuple) -> None:
    """Append one row per main period and dimension value (see _assemble)."""
    for i, period in enumerate(plan.main):
        here = (period.start, period.end)
        before, ago = plan.previous[i], plan.year_ago[i]
        for dims in combos:
            k = at.get((i, dims))
            compared = (values[at.get((before, dims), -1)], values[at.get((ago, dims), -1)])
            rows.append(dict(zip(keys, here + dims + (empty if k is None else cells[k]) + compared)))


def _columns(found: Any, keys: Sequence[str], figures: Sequence[str]) -> dict[str, list]:
    """The key columns as they are and the figures as Python floats (never Decimal or NaN; a
    missing figure is all nulls), column by column from an Arrow table or from row dicts."""
    if isinstance(found, pa.Table):
        out = {name: found.column(name).to_pylist() for name in keys}
        for name in figures:
            if name not in found.column_names:
                out[name] = [None] * found.num_rows
                continue
            col = found.column(name)
            if col.type != pa.float64():
                col = pc.cast(col, pa.float64())
            out[name] = pc.if_else(pc.is_nan(col), pa.scalar(None, pa.float64()), col).to_pylist()
        return out
    rows = list(found)
    out = {name: [row[name] for row in rows] for name in keys}
    out.update({name: [_plain(row.get(name)) for row in rows] for name in figures})
    return out


def _plain(value: Any) -> Any:
    """Python floats, never Decimal or NaN."""
    if value is None:
        return None
    value = float(value)
    return None if value != value else value


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
