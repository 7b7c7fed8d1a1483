"""What each KPI rule finds, and why: value, threshold or baseline, sample size, breakdown.

Statistics are deliberately plain and explainable:

- *anomaly*: the last whole period against the mean of the `history` periods before it, scaled
  by a seasonal index when a year earlier is known (the same period a year earlier over the mean
  of the history periods a year earlier); flagged when |z| ≥ the confidence's two-sided critical value,
  z = (value − expected) ÷ standard deviation of the history, and the period's sample (the
  denominator, or the count for totals) is at least `min_sample`.
- *peers*: for a ratio of counts (a conversion rate), each rep's proportion against the pooled
  proportion of the other reps, by a two-proportion z test; for other KPIs a robust z against
  the peers' median (MAD). Only reps with at least `min_sample` records are judged, and only the
  bad side of the KPI's direction is flagged.

Details hold finite numbers only: a sum of amounts has no sample size (no count of records), so
its `sample` is stored as null with a `sample_note` saying why (JSON has no Infinity).

What the flagged rep reads of a peers alert: that they are below their peers, and the peers'
figure only when it pools the records of at least MIN_PEERS other reps (a rate of counts); with
fewer, or for a median (which is one colleague's own figure), the rep's view (`detail["for_rep"]`)
leaves the baseline out, and it never shows the other reps' figures by source. Managers and
admins, who see every rep of their scope, see it all.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from statistics import NormalDist, mean, median, pstdev
from typing import Any

from pulso.access import Scope
from pulso.engine import periods as P
from pulso.goals.scopes import name_period

MIN_PEERS = 3  # other reps whose pooled figure a flagged rep may read
NO_SAMPLE = "not applicable: the KPI sums amounts, so its value rests on no count of records"


@dataclass
class Finding:
    """One condition a rule found: `fingerprint` identifies it, so it is raised once."""

    fingerprint: str
    title: str
    message: str
    detail: dict[str, Any] = field(default_factory=dict)
    english: tuple[str, str] | None = None  # (title, message) for English readers

    def __post_init__(self) -> None:
        if self.english:
            self.detail["en"] = {"title": self.english[0], "message": self.english[1]}


def localized(alert: dict[str, Any], lang: str) -> tuple[str, str]:
    """An alert's title and message in a language (stored alerts carry English in detail["en"])."""
    en = (alert.get("detail") or {}).get("en")
    if lang == "en" and en:
        return en["title"], en["message"]
    return alert["title"], alert["message"]


def critical(confidence: float) -> float:
    """Two-sided critical z for a confidence (0.95 → 1.96)."""
    return NormalDist().inv_cdf(1 - (1 - confidence) / 2)


def two_proportion_z(x1: float, n1: float, x0: float, n0: float) -> float | None:
    """z of p1 = x1/n1 against p0 = x0/n0 with a pooled standard error (None when undefined)."""
    if n1 <= 0 or n0 <= 0:
        return None
    p = (x1 + x0) / (n1 + n0)
    se = math.sqrt(p * (1 - p) * (1 / n1 + 1 / n0))
    if se == 0:
        return None
    return (x1 / n1 - x0 / n0) / se


def seasonal_expected(history: list[float], year_ago: float | None, year_before: list[float]) -> float:
    """The mean of the history, times the seasonal index when a year earlier is known."""
    level = mean(history)
    if year_ago is not None and year_before and mean(year_before):
        return level * (year_ago / mean(year_before))
    return level


def sample_of(row: dict[str, Any], kpi) -> float:
    """How many records a value rests on: its denominator, or its count for totals."""
    if kpi.kind == "total":
        return float(row.get("numerator") or 0) if kpi.unit == "count" else float("inf")
    return float(row.get("denominator") or 0)


def sample_fields(sample: float) -> dict[str, Any]:
    """The sample of a detail: a finite number, or null and why (a sum of amounts has no sample)."""
    return {"sample": sample} if math.isfinite(sample) else {"sample": None, "sample_note": NO_SAMPLE}


def sample_words(sample: float) -> tuple[str, str]:
    """The sample as written in Spanish and English messages."""
    if math.isfinite(sample):
        return f"muestra {sample:g}", f"sample {sample:g}"
    return "sin tamaño de muestra: suma de importes", "no sample size: a sum of amounts"


def finite(value: Any) -> tuple[Any, list[str]]:
    """A detail with every non-finite number (inf, nan) replaced by None, and where it was."""
    if isinstance(value, float) and not math.isfinite(value):
        return None, [""]
    if isinstance(value, dict):
        out, where = {}, []
        for k, v in value.items():
            out[k], found = finite(v)
            where += [f"{k}.{w}".rstrip(".") for w in found]
        return out, where
    if isinstance(value, (list, tuple)):
        out, where = [], []
        for i, v in enumerate(value):
            item, found = finite(v)
            out.append(item)
            where += [f"{i}.{w}".rstrip(".") for w in found]
        return out, where
    return value, []


def bad_side(value: float, expected: float, direction: str) -> bool:
    """Whether value is on the worse side of expected for the direction ("none": both sides)."""
    if direction == "up":
        return value < expected
    if direction == "down":
        return value > expected
    return True


def breakdown(engine, kpi, start: dt.date, end: dt.date, scope: Scope, dims: tuple[str, ...] = ("owner", "source")):
    """The split that drives a value: the first of `dims` the KPI has, rows by gap to the previous period."""
    dim = next((d for d in dims if d in kpi.dimensions), None)
    if dim is None:
        return None, []
    rows = engine.query(kpi.key, start=start, end=end, by=[dim], scope=scope).rows
    out = [{"value": r[dim], "figure": r["value"], "previous": r["previous"], "sample": sample_of(r, kpi)}
           for r in rows if r["value"] is not None]
    out.sort(key=lambda r: -abs((r["figure"] or 0) - (r["previous"] or 0)) * min(r["sample"], 1e9))
    return dim, [{**r, **sample_fields(r["sample"])} for r in out[:5]]


def threshold(engine, rule, today: dt.date) -> list[Finding]:
    """The KPI over the last whole period (or the current one so far) crosses the threshold."""
    p = rule["params"]
    kpi = engine.kpi(rule["kpi"])
    scope = Scope.stored(rule["scope_kind"], rule["scope_id"])
    grain = p["grain"]
    start = P.floor(today, grain)
    if p["period"] == "previous":
        start, end = P.add(start, grain, -1), start
    else:
        end = today + dt.timedelta(days=1)
    rows = engine.query(kpi.key, start=start, end=end, scope=scope).rows
    value = rows[0]["value"] if rows else None
    if value is None:
        return []
    crossed = value < p["threshold"] if p["op"] == "below" else value > p["threshold"]
    if not crossed:
        return []
    dim, split = breakdown(engine, kpi, start, end, scope)
    name = name_period(start, grain)
    return [Finding(
        f"{name}", f"{kpi.name['es']} {'por debajo de' if p['op'] == 'below' else 'por encima de'} {p['threshold']:g}",
        f"{kpi.name['es']} ({scope.text}) fue {value:.4g} en {name}, "
        f"{'por debajo del' if p['op'] == 'below' else 'por encima del'} umbral {p['threshold']:g}.",
        {"kpi": kpi.key, "value": value, "threshold": p["threshold"], "op": p["op"], "period": name,
         **sample_fields(sample_of(rows[0], kpi)), "breakdown_by": dim, "breakdown": split},
        (f"{kpi.name['en']} {p['op']} {p['threshold']:g}",
         f"{kpi.name['en']} ({scope.text}) was {value:.4g} in {name}, {p['op']} the threshold {p['threshold']:g}."))]


def anomaly(engine, rule, today: dt.date) -> list[Finding]:
    """The last whole period is abnormally low or high against the KPI's own (seasonal) history."""
    p = rule["params"]
    kpi = engine.kpi(rule["kpi"])
    scope = Scope.stored(rule["scope_kind"], rule["scope_id"])
    grain, n = p["grain"], p["history"]
    end = P.floor(today, grain)
    last = P.add(end, grain, -1)
    # One query: the last period and the `n` before it, each with its value a year earlier.
    rows = engine.query(kpi.key, start=P.add(last, grain, -n), end=end, grain=grain, scope=scope).rows
    if len(rows) < n + 1 or rows[-1]["value"] is None:
        return []
    current = rows[-1]
    sample = sample_of(current, kpi)
    past = [r for r in rows[:-1] if r["value"] is not None]
    hist = [r["value"] for r in past]
    if len(hist) < max(3, n // 2) or sample < p["min_sample"]:
        return []
    before = [r["year_ago"] for r in past if r["year_ago"] is not None]
    # A year earlier counts only when known for every period and not all zero (no data then).
    seasonal = current["year_ago"] is not None and len(before) == len(past) and any(before)
    expected = seasonal_expected(hist, current["year_ago"], before if seasonal else [])
    spread = pstdev(hist)
    if spread == 0:
        return []
    z = (current["value"] - expected) / spread
    if abs(z) < critical(p["confidence"]):
        return []
    low = current["value"] < expected
    name = name_period(last, grain)
    dim, split = breakdown(engine, kpi, last, end, scope)
    word = "anormalmente bajo" if low else "anormalmente alto"
    es, en = sample_words(sample)
    return [Finding(
        f"{name}", f"{kpi.name['es']} {word} en {name}",
        f"{kpi.name['es']} ({scope.text}) fue {current['value']:.4g} en {name}; lo esperado según su historial era "
        f"{expected:.4g} (z = {z:.2f}, {es}).",
        {"kpi": kpi.key, "value": current["value"], "baseline": expected, "z": z, **sample_fields(sample),
         "history": hist, "period": name, "seasonal": seasonal,
         "confidence": p["confidence"], "breakdown_by": dim, "breakdown": split},
        (f"{kpi.name['en']} abnormally {'low' if low else 'high'} in {name}",
         f"{kpi.name['en']} ({scope.text}) was {current['value']:.4g} in {name}; its history led to expect "
         f"{expected:.4g} (z = {z:.2f}, {en})."))]


def peers(engine, rule, today: dt.date) -> list[Finding]:
    """Reps whose KPI is abnormally bad against their peers' (seed 003: coaching needed)."""
    p = rule["params"]
    kpi = engine.kpi(rule["kpi"])
    scope = Scope.stored(rule["scope_kind"], rule["scope_id"])
    end = today + dt.timedelta(days=1)
    start = end - dt.timedelta(days=p["days"])
    rows = [r for r in engine.query(kpi.key, start=start, end=end, by=["owner"], scope=scope).rows
            if r["owner"] is not None and r["value"] is not None]
    zcrit = critical(p["confidence"])
    proportions = kpi.unit == "%" and kpi.kind == "ratio"
    total_x = sum(r["numerator"] or 0 for r in rows)
    total_n = sum(r["denominator"] or 0 for r in rows)
    judged = [r for r in rows if sample_of(r, kpi) >= p["min_sample"]]
    if len(judged) < 3:
        return []
    values = [r["value"] for r in judged]
    mid = median(values)
    mad = median(abs(v - mid) for v in values) * 1.4826
    out = []
    found: dict[str, Any] = {}

    def by_rep(owner):  # the breakdown query runs only when some rep is flagged
        if "of" not in found:
            found["dim"], found["of"] = _rep_breakdowns(engine, kpi, start, end, scope)
        return found["of"](owner)

    for r in judged:
        if proportions:
            n1, x1 = r["denominator"], r["numerator"]
            z = two_proportion_z(x1, n1, total_x - x1, total_n - n1)
            others = (total_x - x1) / (total_n - n1) if total_n - n1 else None
        else:
            z = (r["value"] - mid) / mad if mad else None
            others = mid
        if z is None or abs(z) < zcrit or others is None or not bad_side(r["value"], others, kpi.direction):
            continue
        split = by_rep(r["owner"])
        # A rep may read a pooled proportion of at least MIN_PEERS others; a median is one colleague's figure.
        shown = proportions and len(rows) - 1 >= MIN_PEERS
        out.append(_peers_finding(kpi, p, r, others, z, len(rows) - 1, shown, today, start, end, found["dim"], split))
    return out


def _peers_finding(kpi, p, r, others: float, z: float, n_peers: int, shown: bool, today, start, end, dim,
                   split) -> Finding:
    """A peers finding: the figures for managers, and the flagged rep's own view (`for_rep`)."""
    low = r["value"] < others
    sample = sample_of(r, kpi)
    es, en = sample_words(sample)
    who, days = r["owner"], p["days"]
    rep_view = {
        "title": f"Tu {kpi.name['es']} está {'por debajo de' if low else 'por encima de'} la de tus compañeros",
        "message": f"{kpi.name['es']} fue {r['value']:.4g} en los últimos {days} días, "
                   f"{'por debajo' if low else 'por encima'} del resto del equipo"
                   + (f" ({others:.4g})" if shown else "") + f" (z = {z:.2f}, {es}).",
        "en": {"title": f"Your {kpi.name['en']} is {'below' if low else 'above'} your peers'",
               "message": f"{kpi.name['en']} was {r['value']:.4g} over the last {days} days, "
                          f"{'below' if low else 'above'} the rest of the team"
                          + (f" ({others:.4g})" if shown else "") + f" (z = {z:.2f}, {en})."},
        "baseline_shown": shown,
    }
    return Finding(
        f"{who}:{today.isoformat()[:7]}",
        f"{kpi.name['es']} de {who} anormalmente {'bajo' if low else 'alto'} frente a sus compañeros",
        f"{kpi.name['es']} de {who} fue {r['value']:.4g} en los últimos {days} días frente a "
        f"{others:.4g} del resto (z = {z:.2f}, {es}); conviene acompañarle (coaching).",
        {"kpi": kpi.key, "owner": who, "value": r["value"], "baseline": others, "z": z, **sample_fields(sample),
         "peers": n_peers, "confidence": p["confidence"], "from": start.isoformat(), "to": end.isoformat(),
         "breakdown_by": dim, "breakdown": split, "for_rep": rep_view},
        (f"{kpi.name['en']} of {who} abnormally {'low' if low else 'high'} against peers",
         f"{kpi.name['en']} of {who} was {r['value']:.4g} over the last {days} days against "
         f"{others:.4g} for the others (z = {z:.2f}, {en}); coaching may help."))


def as_seen_by_rep(alert: dict[str, Any], rep: str) -> dict[str, Any]:
    """A peers alert about `rep` as that rep reads it: their own view, without the other reps'
    figures by source, and without the baseline when fewer than MIN_PEERS others make it."""
    detail = alert.get("detail") or {}
    view = detail.get("for_rep")
    if not view or detail.get("owner") != rep:
        return alert
    kept = {k: v for k, v in detail.items() if k not in ("for_rep", "en", "breakdown")}
    if not view.get("baseline_shown"):
        kept.pop("baseline", None)
    kept["breakdown"] = [{k: v for k, v in b.items() if k != "peers"} for b in detail.get("breakdown") or []]
    kept["en"] = view["en"]
    return {**alert, "title": view["title"], "message": view["message"], "detail": kept}


def _rep_breakdowns(engine, kpi, start, end, scope: Scope):
    """For any rep: their figure against the other reps', split by the KPI's first non-people
    dimension (one query for every rep), worst gaps first."""
    dim = next((d for d in ("source", "activity_type", "channel", "segment", "deal_kind") if d in kpi.dimensions), None)
    if dim is None:
        return None, lambda owner: []
    rows = engine.query(kpi.key, start=start, end=end, by=["owner", dim], scope=scope).rows
    cells: dict[tuple[Any, Any], list[float]] = {}
    totals: dict[Any, list[float]] = {}
    for r in rows:
        x, n = r["numerator"] or 0, r["denominator"] or 0
        cell = cells.setdefault((r["owner"], r[dim]), [0.0, 0.0])
        cell[0] += x
        cell[1] += n
        total = totals.setdefault(r[dim], [0.0, 0.0])
        total[0] += x
        total[1] += n

    def of(owner: str) -> list[dict[str, Any]]:
        out = []
        for (who, value), (x, n) in cells.items():
            if who != owner or not n:
                continue
            ox, on = totals[value][0] - x, totals[value][1] - n
            out.append({"value": value, "figure": x / n, "peers": ox / on if on else None, "sample": n})
        out.sort(key=lambda r: -(((r["peers"] or 0) - r["figure"]) * r["sample"]))
        return out[:5]

    return dim, of
