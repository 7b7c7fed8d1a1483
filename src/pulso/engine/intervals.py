"""How sure a KPI figure is: its n, a 95 % interval, and whether a change lies within noise.

The one place for this statistics (the web's tiles, tables and JSON twins, the scorecard report's
movers): a figure over few records is not coloured as signal.

- **n** is the count a ratio or mean divides by: the row's `denominator` for a proportion, a
  mean, and the ratios over a count (CAC per new customer, records per user, activities per won
  deal). A ratio over money (campaign ROI over cost, quota attainment over quota) and a total
  have no n.
- **Interval** (95 %, z = 1.96):
  proportions (a ratio in %, successes ÷ trials): the Wilson score interval,
  centre (p + z²/2n) ÷ (1 + z²/n), half-width z ÷ (1 + z²/n) · √(p(1 − p)/n + z²/4n²);
  NPS: var = (p_promoters + p_detractors) − (p_promoters − p_detractors)², se = √(var/n),
  NPS ± 1.96 se, in points, within −100..100.
  means, medians and percentiles: a percentile-bootstrap interval (pulso.engine.bootstrap) from
  the figure's own per-record values, asked of the engine for ONE figure on demand (a detail
  page, the API's KPI answer), never for every tile: the caller puts it in the row as
  `interval` (see with_bootstrap); a row without one has no interval. Ratios of money get none.
- **Noise**: a change lies within noise when the previous value lies inside the current
  value's interval; a mean over fewer than SMALL_N records without a bootstrap interval (a
  tile, a table cell) counts as noise too. Such a change is not coloured, and the figure is
  called a small sample.
"""

from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

#: z for a two-sided 95 % interval, as the published formulas round it.
Z = 1.96
#: Below this n a figure shows its n ("n = 4") wherever it appears.
SMALL_N = 30
#: Ratios in % whose denominator is money, not a count of trials: no n, no interval.
MONEY_RATIOS = frozenset({"campaign_roi", "quota_attainment"})


def wilson(successes: float, n: float, z: float = Z) -> tuple[float, float] | None:
    """Wilson score interval of a proportion successes/n (None when n is 0 or the parts are not
    0 <= successes <= n)."""
    if not n or n <= 0 or successes is None or successes < 0 or successes > n:
        return None
    p = successes / n
    z2 = z * z
    denom = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def nps_interval(promoters: float, detractors: float, n: float, z: float = Z) -> tuple[float, float] | None:
    """NPS ± z·se in points, se = √(((pP + pD) − (pP − pD)²) / n); None without answers."""
    if not n or n <= 0 or promoters is None or detractors is None or promoters + detractors > n:
        return None
    pp, pd = promoters / n, detractors / n
    var = max(0.0, (pp + pd) - (pp - pd) ** 2)
    half = z * math.sqrt(var / n) * 100
    nps = (pp - pd) * 100
    return max(-100.0, nps - half), min(100.0, nps + half)


def kind(kpi: Any) -> str:
    """What statistics a KPI's figure takes: 'nps', 'proportion', 'mean', 'count_ratio' or ''."""
    result = kpi.result.kind
    if kpi.key == "nps":
        return "nps"
    if result == "ratio" and kpi.key not in MONEY_RATIOS:
        return "proportion" if kpi.unit == "%" else "count_ratio"
    if result == "mean":
        return "mean"
    return ""


def n_of(kpi: Any, row: Mapping[str, Any] | None) -> int | None:
    """The count a ratio or mean of this row divides by (None for totals and ratios of money)."""
    if not row or not kind(kpi):
        return None
    den = row.get("denominator")
    return None if den is None else int(round(den))


def interval(kpi: Any, row: Mapping[str, Any] | None) -> tuple[float, float] | None:
    """The 95 % interval of the row's value, in the value's own scale (a fraction, or NPS points)."""
    if not row:
        return None
    k = kind(kpi)
    if k == "proportion":
        return wilson(row.get("numerator"), row.get("denominator"))
    if k == "nps":
        return nps_interval(row.get("promoters"), row.get("detractors"), row.get("denominator"))
    if k == "mean" and row.get("interval"):
        low, high = row["interval"]
        return float(low), float(high)
    return None


def with_bootstrap(row: Mapping[str, Any], values: Sequence[float], quantile: float | None = None) -> dict[str, Any]:
    """The row of a mean KPI's figure with its bootstrap `interval` from the figure's per-record
    `values` (Engine.values; None for fewer than 2) and `n` = how many values."""
    from pulso.engine import bootstrap

    ci = bootstrap.interval(values, quantile)
    return {**row, "interval": list(ci) if ci else None, "n": len(values)}


_OWN = object()


def sample(kpi: Any, row: Mapping[str, Any] | None, previous: Any = _OWN) -> dict[str, Any]:
    """n, interval, whether n is small and whether the change from `previous` (default: the row's
    own `previous`; a team comparison passes the scope's total) lies within noise."""
    row = row or {}
    previous = row.get("previous") if previous is _OWN else previous
    n = n_of(kpi, row)
    ci = interval(kpi, row)
    small = n is not None and n < SMALL_N
    if previous is None or row.get("value") is None:
        noise = False
    elif ci is not None:
        noise = ci[0] <= previous <= ci[1]
    else:
        noise = small and kind(kpi) == "mean"
    return {"n": n, "interval": list(ci) if ci else None, "small": small, "noise": noise}


def within_noise(kpi: Any, row: Mapping[str, Any] | None, previous: Any = _OWN) -> bool:
    """Whether the change from `previous` to the row's value is no signal (see `sample`)."""
    return sample(kpi, row, previous)["noise"]
