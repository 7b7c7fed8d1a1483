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
import threading
from collections import OrderedDict
from typing import Any, Mapping, Sequence
from zoneinfo import ZoneInfo

import ibis

from pulso.catalog import Catalog, Kpi, Part, load_catalog
from pulso.catalog.sources import FACT_PREFIX, FACTS, tables
from pulso.engine import currency as C
from pulso.engine import periods as P
from pulso.engine import plans
from pulso.engine import run as R
from pulso.engine.arguments import (
    as_date, check_by, check_filters, check_scope, checked_span, parse_ranges, parse_stat,
)
from pulso.engine.compile import Scope, compile_drill, compile_kpi, compile_values, quantile_value
from pulso.engine.explain import DIALECTS, Explanation, explain_kpi
from pulso.engine.groups import compile_from_groups, compile_from_rollup, compile_group, group_schema, rollup_dims
from pulso.engine.plans import ROLLUP_PREFIX, Rollup
from pulso.engine.results import QueryResult, assemble, plain
from pulso.engine.run import _days_covered
from pulso.errors import KpiError
from pulso.i18n import N_, said

# The engine's parts live in its modules (docs/engine.md, "Where the code is"); these names are
# also imported from pulso.engine by the rest of Pulso and the tests, and stay importable here.
__all__ = [
    "BASELINE_SETTING", "DIALECTS", "Engine", "Explanation", "QueryResult", "ROLLUP_PREFIX", "Scope", "_days_covered",
    "engine_for", "parse_ranges", "parse_stat", "quantile_value",
]

BASELINE_SETTING = "baseline_periods"


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
        self._fusion_keys: dict[tuple, tuple[tuple, bool]] = {}  # see plans.fusion_key
        self._fact_reads: set[str] = set()  # derived facts and rollups this engine has read (see run.materialize)
        self._rollups: dict[tuple, Rollup | None] = {}  # see plans.rollup
        #: On DuckDB, place events by hour slot and sum snapshots as running sums; False keeps the
        #: portable range joins every other engine gets (the tests check both give the same rows).
        self.slots = True
        self._lock = threading.RLock()
        self._currencies: tuple[tuple[str, str], bool] | None = None  # see currency.foreign
        self._money: dict[str, tuple[set[str], bool]] = {}  # see currency.money_tables

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
        start, end = checked_span(start, end)
        grain = P.check_grain(grain)
        by = check_by(kpi, by)
        values = check_filters(kpi, filters)
        scope = check_scope(kpi, scope)
        tz, ranges, exclude = self._settings(start, params)
        plan = P.plan(start, end, grain, fiscal=self.fiscal_start())
        windows = P.windows(plan, tz)
        shape = ("q", kpi.key, by, tuple(sorted(values.items())), scope, exclude)  # no time zone: see plans.plan
        if quantile is not None:
            shape = (*shape, ("quantile", quantile))
        shape, build = C.in_reporting_currency(self, kpi, windows, shape, lambda ctx: compile_kpi(
            kpi, ctx, by=by, filters=values, scope=scope, quantile=quantile))
        found = R.run(self, shape, build, plan.all, tz, lambda: P.ranges_table(ranges, tz), exclude, kpi, windows,
                      arrow=True)
        return assemble(kpi, plan, by, grain, found)

    def query_many(self, keys: Sequence[str], *, start: dt.date, end: dt.date, grain: str | None = None,
                   by: Sequence[str] | str | None = None, filters: Mapping[str, Any] | None = None,
                   scope: Scope | None = None, params: Mapping[str, Any] | None = None,
                   stat: str | None = None) -> dict[str, QueryResult]:
        """Several KPIs over the same periods, split, filters and scope: {key: what `query` gives}.

        With a `stat` other than the mean (see `query`), each KPI is queried on its own with it.

        On DuckDB the KPIs' parts that read the same rows the same way (table, rows, timing) are
        computed together, one scan per such group (see plans.fusion_key), and every KPI is finished
        from its groups' sums, all in one statement: a report or a dashboard costs a few scans
        instead of one or more per KPI. The sums of events and snapshots are read from rollups
        per local day when the query is long or asked again (see plans.rollup and run.materialize)."""
        kpis = [self.kpi(key) for key in dict.fromkeys([keys] if isinstance(keys, str) else keys)]
        one_by_one = dict(start=start, end=end, grain=grain, by=by, filters=filters, scope=scope, params=params)
        if stat is not None and str(stat).strip().lower() not in ("", "mean"):
            return {kpi.key: self.query(kpi.key, **one_by_one, stat=stat) for kpi in kpis}
        if self.store.dialect != "duckdb" or len(kpis) < 2 or C.foreign(self)[1]:
            # several currencies: each KPI converts and checks its own rates (see currency.in_reporting_currency)
            return {kpi.key: self.query(kpi.key, **one_by_one) for kpi in kpis}
        start, end = checked_span(start, end)
        grain = P.check_grain(grain)
        checked = [(check_by(k, by), check_filters(k, filters), check_scope(k, scope)) for k in kpis]
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
                fkey, rollable = plans.fusion_key(self, kpi, i, exclude)
                rollup = rollable and plans.rollup(self, fkey, rollup_dims(part, by, values), str(tz), exclude)
                groups.setdefault((fkey, rollup or None), []).append((kpi, i))
        scans = []
        placed: dict[tuple[str, int], tuple[int, int]] = {}
        members: dict[int, list[Part]] = {}
        for n, ((fkey, rollup), group) in enumerate(groups.items()):
            members[n], where = plans.distinct([kpi.parts[i] for kpi, i in group])
            with self._lock:
                rolled = rollup is not None and R.materialize(
                    self, {rollup.name: R.rollup_sql(self, rollup, windows)}, windows)
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
            R.run_together(self, scans, plan.all, tz, baseline, exclude, windows, {}, memo))}
        finishing = []
        for kpi in fused:
            where = tuple(placed[(kpi.key, i)] for i in range(len(kpi.parts)))

            def build(ctx, kpi=kpi, where=where):
                sources = [(ibis.table(group_schema(members[n], by), name=f"{P.GROUP_TABLE}{n}"), m) for n, m in where]
                return compile_from_groups(kpi, ctx, by=by, sources=sources)

            finishing.append((kpi, ("f", kpi.key, where, by), build, None))
        results = R.run_together(self, finishing, plan.all, tz, baseline, exclude, windows, found, memo)
        out = {kpi.key: assemble(kpi, plan, by, grain, rows) for (kpi, *_), rows in zip(finishing, results)}
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
        start, end = checked_span(start, end)
        values = check_filters(kpi, filters)
        scope = check_scope(kpi, scope)
        tz, ranges, exclude = self._settings(start, params)
        span = P.instant(start, tz), P.instant(end, tz)
        shape = ("v", kpi.key, tuple(sorted(values.items())), scope, exclude)
        shape, build = C.in_reporting_currency(self, kpi, [span], shape, lambda ctx: compile_values(
            kpi, ctx, filters=values, scope=scope))
        rows = R.run(self, shape, build, [P.Period(start, end)], tz, lambda: P.ranges_table(ranges, tz), exclude, kpi,
                     [span, span])
        return [float(r["value"]) for r in rows]

    def drill(self, key: str, *, start: dt.date, end: dt.date, part: str = "numerator",
              filters: Mapping[str, Any] | None = None, scope: Scope | None = None,
              limit: int = 100, offset: int = 0, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """The records behind a KPI's numerator or denominator over [start, end), a page at a time."""
        kpi = self.kpi(key)
        start, end = checked_span(start, end)
        if part not in ("numerator", "denominator"):
            raise said(KpiError, N_("parte desconocida '{part}'; use numerator o denominator"), part=part)
        if int(limit) < 0 or int(offset) < 0:
            raise KpiError("limit and offset must not be negative")
        values = check_filters(kpi, filters)
        scope = check_scope(kpi, scope)
        names = kpi.result.numerator if part == "numerator" else kpi.result.denominator
        if not names:
            return []
        tz, ranges, exclude = self._settings(start, params)

        def build(ctx):
            return compile_drill(kpi, ctx, names=names, dims=kpi.dimensions, filters=values,
                                 scope=scope).limit(int(limit), offset=int(offset))

        shape = ("d", kpi.key, part, tuple(sorted(values.items())), scope, exclude, int(limit), int(offset))
        span = P.instant(start, tz), P.instant(end, tz)
        shape, build = C.in_reporting_currency(self, kpi, [span], shape, build)
        rows = R.run(self, shape, build, [P.Period(start, end)], tz, lambda: P.ranges_table(ranges, tz), exclude, kpi,
                     [span, span])
        for row in rows:  # shown in the workspace's time zone, like the periods
            if row["at"] is not None:
                try:
                    row["at"] = row["at"].astimezone(tz)
                except OverflowError:  # near year 1 or 9999, stored before the store checked years: kept in UTC
                    pass
            row["contribution"] = plain(row["contribution"])
        return rows

    def explain(self, key: str, *, dialect: str = "duckdb", lang: str = "es") -> Explanation:
        """The KPI's formula in words and the SQL it runs, for a SQL dialect."""
        return explain_kpi(self.kpi(key), dialect=dialect, lang=lang)

    def kpi(self, key: str) -> Kpi:
        """The catalog's KPI called `key`, or a KpiError with a suggestion."""
        return self.catalog.kpi(key)

    # -- money in the reporting currency (see engine/currency.py, engine/money.py) -----------

    def rate_gaps(self) -> tuple[str, list[str], list[tuple[str, dt.date]]]:
        """The reporting currency, the other currencies stored amounts are in, and every (currency,
        day) of an amount with no rate into the reporting currency, over all time: what a money KPI
        would be refused for (MissingRatesError). For the rates page."""
        return C.rate_gaps(self)

    # -- the workspace's settings ---------------------------------------------------------

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
            return tz, [(as_date(a, "baseline"), as_date(b, "baseline")) for a, b in given], False
        days = [start - dt.timedelta(days=i) for i in range(365, 0, -1)]
        return tz, [(d, d + dt.timedelta(days=1)) for d in days], True

    def fiscal_start(self) -> int:
        """The month (1-12) the workspace's fiscal year starts: quarters and years are cut on it."""
        return P.fiscal_start(self._workspace_settings())

    def _workspace_settings(self) -> dict[str, str]:
        """The workspace settings, on DuckDB through the engine's own connection (no pool round trip)."""
        if self.store.dialect != "duckdb":
            return self.store.settings_dict()
        with self._lock:
            return dict(self.store.ibis().con.execute("SELECT key, value FROM workspace_settings").fetchall())


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
