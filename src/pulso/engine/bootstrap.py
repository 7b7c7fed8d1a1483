"""The 95 % percentile-bootstrap interval of a mean, a median or any percentile of one figure.

A mean KPI (sales cycle, average deal value, first response and resolution times, CES...) has
no closed-form interval worth trusting on skewed durations, so its detail page and JSON give a
bootstrap one, computed from the figure's own per-record values (Engine.values), on demand for
that one figure, never for every tile:

1. the n values x (sorted, so every backend hands the same order);
2. B = 2,000 resamples of n values drawn with replacement, indices from
   `numpy.random.default_rng(SEED).integers(0, n, size=(B, n))` (a fixed seed: the same
   values give the same interval on every run);
3. the statistic of each resample: the mean, or the quantile q (numpy's default, linear:
   `np.quantile(..., q, axis=1)`, the engine's own definition of percentiles);
4. the interval is the 2.5th and 97.5th percentiles of those B statistics (`np.percentile`,
   linear): the percentile method (Efron & Tibshirani, *An Introduction to the Bootstrap*, 13.3).

Fewer than 2 values give no interval (a single value resamples to itself).
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

#: Resamples drawn.
B = 2000
#: The generator's seed: the interval of the same values is the same on every run.
SEED = 16
#: The interval's coverage.
LEVEL = 0.95


def interval(values: Sequence[float], quantile: float | None = None, *, b: int = B,
             seed: int = SEED) -> tuple[float, float] | None:
    """The percentile-bootstrap 95 % interval of the mean of `values` (or of their `quantile`,
    0 < q < 1); None for fewer than 2 values."""
    x = np.asarray([v for v in values if v is not None], dtype=float)
    n = len(x)
    if n < 2:
        return None
    resamples = x[np.random.default_rng(seed).integers(0, n, size=(b, n))]
    stats = resamples.mean(axis=1) if quantile is None else np.quantile(resamples, quantile, axis=1)
    tail = (1 - LEVEL) / 2 * 100
    low, high = np.percentile(stats, [tail, 100 - tail])
    return float(low), float(high)


def figure(engine, key: str, *, start, end, today, by: Sequence[str] = (), filters=None, scope=None,
           stat: str | None = None) -> list[dict[str, Any]]:
    """One KPI over [start, end) as a door that shows ONE figure answers it (the API's KPI answer,
    `pulso kpi show` without a grain): rows (one, or one per `by` value) over the elapsed part when
    the period is in progress on `today`, `previous` like-for-like with its span said
    (`previous_span`: first and last day, both included) and `previous_full` the whole previous
    period (`previous_full_span`), as pulso.engine.elapsed compares them; the figure is the
    `stat` (mean, median, pN) of a KPI with per-record values. A single row of a mean KPI also
    gets its bootstrap `interval` of that stat and its `n` (the values it is computed from)."""
    from pulso.engine import elapsed, intervals, parse_stat

    kpi = engine.kpi(key)
    quantile = parse_stat(kpi, stat)
    cmp = elapsed.comparison(start, end, today)
    rows = elapsed.figures(lambda a, b: engine.query(key, start=a, end=b, by=list(by), filters=filters,
                                                     scope=scope, stat=stat).rows, cmp, by)
    spans = {"previous_span": _days(cmp.previous), "previous_full_span": _days(cmp.previous_full)}
    rows = [{**r, **spans} for r in rows]
    if len(rows) == 1 and not by and intervals.kind(kpi) == "mean" and rows[0].get("value") is not None:
        values = engine.values(key, start=cmp.current.start, end=cmp.current.end, filters=filters, scope=scope)
        rows = [intervals.with_bootstrap(rows[0], values, quantile)]
    return rows


def by_period(engine, key: str, rows: list[dict[str, Any]], *, grain: str, today, by: Sequence[str] = (),
              filters=None, scope=None, stat: str | None = None) -> list[dict[str, Any]]:
    """An engine query's rows at `grain` (one per period and `by` value) as the API's per-period
    answer gives them: a period in progress on `today` is computed over its elapsed part and
    compared like-for-like, its rows replaced by `figure`'s (`previous` the same elapsed part of
    the period before, `previous_span`, `previous_full` the whole period before and its span); an
    ended period keeps its row, `previous_full` being its `previous` and both spans the engine's
    previous period."""
    from pulso.engine import elapsed, periods as P

    fiscal = engine.fiscal_start()
    out: list[dict[str, Any]] = []
    done: set = set()
    for r in rows:
        start = r["period_start"]
        whole_end = P.add(P.floor(start, grain, fiscal), grain)
        cmp = elapsed.comparison(start, max(r["period_end"], whole_end), today)
        if cmp.partial:
            if start not in done:  # the period's rows, every `by` value, at once
                done.add(start)
                single = figure(engine, key, start=start, end=cmp.period.end, today=today, by=by, filters=filters,
                                scope=scope, stat=stat)
                out += [{k: v for k, v in row.items() if k not in ("n", "interval")} for row in single]  # one figure's
            continue
        before = _days(P.previous(P.Period(start, r["period_end"]), grain, fiscal))
        out.append({**r, "previous_span": before, "previous_full": r.get("previous"), "previous_full_span": before})
    return out


def _days(p) -> dict[str, str]:
    """A span's first and last day (both included), ISO dates."""
    import datetime as dt

    return {"start": p.start.isoformat(), "end": (p.end - dt.timedelta(days=1)).isoformat()}
