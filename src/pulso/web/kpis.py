"""The web layer's only door to KPI numbers: engine calls bound to the caller's scope, cached.

A `Kpis` object is built per request with the signed-in user's scope fixed inside it: route
code cannot pass a scope of its own, so no page, chart, table, drill-down or download can reach
records outside it. Results are cached under the workspace's data_version.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Hashable, Mapping

from pulso.access import Scope
from pulso.engine import elapsed
from pulso.engine.periods import add_months
from pulso.errors import KpiError, ScopeError
from pulso.i18n import N_
from pulso import formatting as f
from pulso.web.periods import Period, QueryError


class FilterError(QueryError, KpiError):
    """A filter value no database can compare (a 400 on pages and in the API, in the reader's language)."""


def _frozen(filters: Mapping[str, Any]) -> tuple:
    """The filters as a cache key, after refusing values with a NUL character: PostgreSQL
    cannot even compare them, and no stored value holds one."""
    for dim, value in filters.items():
        if any("\x00" in str(v) for v in (value if isinstance(value, (list, tuple)) else [value])):
            raise FilterError(N_("'{name}' no puede contener el carácter NUL"), dim, name=dim)
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in filters.items()))


class Kpis:
    """Scoped, cached access to the engine for one request."""

    def __init__(self, services, scope: Scope, version: str, lang: str, currency: str,
                 today: dt.date | None = None):
        self.services = services
        self.scope = scope
        self.version = version
        self.lang = lang
        self.currency = currency
        #: Today in the workspace's time zone: a period holding it is compared like-for-like.
        self.today = today or services.settings.today or dt.date.today()

    # -- catalog --------------------------------------------------------------------------

    def meta(self, key: str):
        """The catalog declaration of `key`, or KpiError naming the nearest key."""
        catalog = self.services.catalog()
        if key not in catalog:
            from pulso.catalog.suggest import did_you_mean

            raise KpiError(f"unknown KPI '{key}'{did_you_mean(key, catalog.values())}")
        return catalog[key]

    def name(self, key: str) -> str:
        """The KPI's name in the request's language."""
        return self.meta(key).name[self.lang]

    def dimensions(self, key: str) -> list[str]:
        """The dimensions a KPI can be split and filtered by."""
        return list(getattr(self.meta(key), "dimensions", ()) or ())

    def applicable(self, key: str, filters: Mapping[str, Any]) -> dict[str, Any]:
        """The filters that apply to this KPI (those on its dimensions)."""
        dims = set(self.dimensions(key))
        return {d: v for d, v in filters.items() if d in dims}

    # -- engine calls ---------------------------------------------------------------------

    def _cached(self, key: Hashable, compute):
        def guarded():
            try:
                return ("ok", self.services.run(compute))
            except (ScopeError, KpiError) as exc:  # remembered too: asking again gives the same answer
                return ("error", exc)

        status, value = self.services.cache.get_or_compute((self.version, self.scope) + key, guarded)
        if status == "error":
            raise value
        return value

    def query(self, key: str, start: dt.date, end: dt.date, grain: str | None = None,
              by: tuple[str, ...] = (), filters: Mapping[str, Any] | None = None, stat: str | None = None) -> list[dict]:
        """Rows of one KPI query (see pulso.engine), under this request's scope; `stat`: the mean
        (None), the median or a percentile of a KPI with a value per record."""
        filters = dict(filters or {})
        frozen = _frozen(filters)
        return self._cached(
            ("q", key, start, end, grain, tuple(by), frozen) + ((stat,) if stat else ()),
            lambda: self.services.engine.query(
                key, start=start, end=end, grain=grain, by=list(by), filters=filters, scope=self.scope, stat=stat
            ).rows,
        )

    def dirty(self, key: str) -> str | None:
        """Why this KPI's inputs cannot be fully trusted ("12 % de las oportunidades no tienen importe")."""
        from pulso import quality

        warnings = self._cached(("dirty",), lambda: quality.kpi_warnings(self.services.store))
        return quality.warning_text(warnings[key], self.lang) if key in warnings else None

    def target(self, key: str, period: Period) -> tuple[float | None, str]:
        """The target of a goal on this KPI for this scope whose window overlaps the period (value, text)."""
        from pulso.goals.tracking import target_for

        value = self._cached(("target", key, period.start, period.end),
                             lambda: target_for(self.services.store, key, self.scope, period.start, period.end))
        return value, (self.fmt(key, value) if value is not None else "")

    def drill(self, key: str, start: dt.date, end: dt.date, *, part: str = "numerator",
              filters: Mapping[str, Any] | None = None, limit: int = 50, offset: int = 0) -> list[dict]:
        """The records behind a value, under this request's scope."""
        filters = dict(filters or {})
        frozen = _frozen(filters)
        return self._cached(
            ("d", key, start, end, part, frozen, limit, offset),
            lambda: list(self.services.engine.drill(
                key, start=start, end=end, part=part, filters=filters, scope=self.scope,
                limit=limit, offset=offset,
            )),
        )

    def cohorts(self, period: Period, months: int) -> list[dict]:
        """Monthly acquisition cohorts of the `months` months ending with the period's last month:
        rows {cohort (date), size, retained: [share still a customer at the end of month +0, +1...]}.

        Uses `Engine.cohorts(start=, end=, scope=)` when the engine has it; until then it is
        built from two scoped drill-downs (customers acquired, and customers churned, in the
        window), so it reads no record outside the scope either.
        """
        last = period.last_day.replace(day=1)
        start = add_months(last, -(months - 1))
        engine = self.services.engine
        if hasattr(engine, "cohorts"):
            return self._cached(("c", start, period.end), lambda: list(engine.cohorts(
                start=start, end=period.end, scope=self.scope)))

        def build() -> list[dict]:
            scope = self.scope
            acquired = engine.drill("new_customers", start=start, end=period.end, scope=scope, limit=COHORT_LIMIT)
            churned = engine.drill("churn_rate", start=start, end=period.end, scope=scope, limit=COHORT_LIMIT)
            if len(acquired) >= COHORT_LIMIT:
                raise KpiError(f"more than {COHORT_LIMIT:,} new customers in the window; choose a team or a shorter period")
            return cohort_rows(start, last, acquired, churned)

        return self._cached(("c", start, period.end), build)

    def explain(self, key: str) -> Any:
        """Formula in words and SQL of a KPI (not scoped data: the KPI's definition)."""
        return self._cached(("x", key, self.lang), lambda: self.services.engine.explain(key, dialect=self.services.store.dialect, lang=self.lang))

    # -- what pages show ------------------------------------------------------------------

    def fmt(self, key: str, value: float | None) -> str:
        """A value of this KPI formatted in its unit."""
        return f.fmt_value(value, self.meta(key).unit, self.lang, self.currency)

    def comparison(self, period: Period) -> elapsed.Comparison:
        """The period as seen today: its elapsed part and the spans it is compared with."""
        return elapsed.comparison(period.start, period.end, self.today)

    def total(self, key: str, period: Period, filters: Mapping[str, Any] | None = None, by: tuple[str, ...] = (),
              stat: str | None = None) -> list[dict]:
        """The KPI over the period (one row, or one per `by` value): over its elapsed part when it
        is in progress, with `previous` and `year_ago` like-for-like and `previous_full`,
        `year_ago_full` the whole periods (pulso.engine.elapsed)."""
        applicable = self.applicable(key, filters or {})
        return elapsed.figures(lambda a, b: self.query(key, a, b, None, by, applicable, stat), self.comparison(period), by)

    def trend(self, key: str, period: Period, filters: Mapping[str, Any] | None = None,
              by: tuple[str, ...] = (), grain: str | None = None, stat: str | None = None) -> list[dict]:
        """The KPI over the trend window ending with the period, at the period's grain; it stops
        at today (no values for days still to come)."""
        grain = grain or period.grain
        end = self.comparison(period).upto
        return self.query(key, period.trend_start(grain), end, grain, by, self.applicable(key, filters or {}), stat)

    def goal(self, key: str, period: Period) -> dict[str, Any] | None:
        """Where the goal on this KPI for this scope stands today (`pulso.goals.evaluate`, as the
        goals page shows it), when its window and the period both hold today; else None. The
        goal is the one `target` reads (newest, this exact scope, no dimension)."""
        today = self.today
        if not period.start <= today < period.end:
            return None
        from pulso import goals

        def find():
            for g in goals.goals(self.services.store, scope=self.scope, kpi=key):
                if g["dimension"] is None and g["start_date"] < period.end and (g["deadline"] is None or g["deadline"] > period.start):
                    if g["start_date"] <= today and (g["deadline"] is None or today < g["deadline"]):
                        return goals.evaluate(self.services.engine, g, today, self.lang)
                    return None
            return None

        return self._cached(("goal", key, period.start, period.end, today, self.lang), find)


COHORT_LIMIT = 250_000


def _month(day: dt.date | dt.datetime) -> int:
    return day.year * 12 + day.month - 1


def cohort_rows(start: dt.date, last: dt.date, acquired: list[dict], churned: list[dict]) -> list[dict]:
    """Cohort table rows from acquisition and churn records (their `at` is local time)."""
    first, final = _month(start), _month(last)
    cohort_of = {r["id"]: _month(r["at"]) for r in acquired}
    lost: dict[int, dict[int, int]] = {}
    for r in churned:
        m = cohort_of.get(r["id"])
        if m is not None:
            lost.setdefault(m, {})
            lost[m][_month(r["at"])] = lost[m].get(_month(r["at"]), 0) + 1
    sizes: dict[int, int] = {}
    for m in cohort_of.values():
        sizes[m] = sizes.get(m, 0) + 1
    rows = []
    for m in range(first, final + 1):
        size = sizes.get(m, 0)
        gone, retained = 0, []
        for k in range(final - m + 1):
            gone += lost.get(m, {}).get(m + k, 0)
            retained.append((size - gone) / size if size else None)
        rows.append({"cohort": dt.date(m // 12, m % 12 + 1, 1), "size": size, "retained": retained})
    return rows


def sparkline(values: list[float | None], width: int = 96, height: int = 24) -> str:
    """SVG polyline points for a sparkline ('' when fewer than two values)."""
    pts = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(pts) < 2:
        return ""
    lo = min(v for _, v in pts)
    hi = max(v for _, v in pts)
    span = (hi - lo) or 1.0
    step = width / max(1, len(values) - 1)
    return " ".join(f"{i * step:.1f},{height - 2 - (v - lo) / span * (height - 4):.1f}" for i, v in pts)
