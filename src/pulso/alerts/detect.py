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
from pulso.alerts import texts as W, wording
from pulso.alerts.texts import localized  # noqa: F401 (read here by the web and reports)
from pulso.engine import changes, elapsed, periods as P
from pulso.goals.scopes import name_period
from pulso.i18n import N_
from pulso.store.lookups import names

MIN_PEERS = 3  # other reps whose pooled figure a flagged rep may read
NO_SAMPLE = "not applicable: the KPI sums amounts, so its value rests on no count of records"


@dataclass
class Finding:
    """One condition a rule found: `fingerprint` identifies it, so it is raised once; `text` is
    what it says (msgids and arguments: pulso.alerts.texts), kept in `detail["text"]`."""

    fingerprint: str
    text: dict[str, Any]
    detail: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.detail["text"] = self.text

    @property
    def title(self) -> str:
        """The title in Spanish (the row's own column)."""
        return W.render(self.text, "es")[0]

    @property
    def message(self) -> str:
        """The message in Spanish (the row's own column)."""
        return W.render(self.text, "es")[1]


def context(engine) -> tuple[str, dict[str, dict[str, str]]]:
    """The reporting currency and the names of people and teams, for a finding's words."""
    store = engine.store
    return store.settings_dict().get("currency", "EUR"), names(store)


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


def breakdown(engine, kpi, start: dt.date, end: dt.date, scope: Scope, dims: tuple[str, ...] = ("owner", "source"),
              cmp: elapsed.Comparison | None = None):
    """The split that drives a value: the first of `dims` the KPI has, rows by gap to the previous period
    (for a period in progress, `cmp`: its elapsed part against the same part of the period before)."""
    dim = next((d for d in dims if d in kpi.dimensions), None)
    if dim is None:
        return None, []
    if cmp is not None:
        rows = elapsed.figures(lambda a, b: engine.query(kpi.key, start=a, end=b, by=[dim], scope=scope).rows,
                               cmp, (dim,))
    else:
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
    start = P.floor(today, grain, engine.fiscal_start())  # quarters and years of the fiscal year
    cmp = None
    if p["period"] == "previous":
        start, end = P.add(start, grain, -1), start
    else:  # the current period so far, compared like-for-like (pulso.engine.elapsed)
        cmp = elapsed.comparison(start, P.add(start, grain), today)
        end = cmp.upto
    rows = engine.query(kpi.key, start=start, end=end, scope=scope).rows
    value = rows[0]["value"] if rows else None
    if value is None:
        return []
    crossed = value < p["threshold"] if p["op"] == "below" else value > p["threshold"]
    if not crossed:
        return []
    dim, split = breakdown(engine, kpi, start, end, scope, cmp=cmp if cmp is not None and cmp.partial else None)
    name = name_period(start, grain)
    currency, known = context(engine)
    if p["op"] == "below":
        words = (N_("{kpi} por debajo de {threshold}"),
                 N_("{kpi} ({scope}) fue {value} en {period}, por debajo del umbral {threshold}."))
    else:
        words = (N_("{kpi} por encima de {threshold}"),
                 N_("{kpi} ({scope}) fue {value} en {period}, por encima del umbral {threshold}."))
    return [Finding(
        f"{name}", W.text(*words, kpi=W.kpi(kpi), scope=W.scope(scope, known), period=name,
                          value=W.value(value, kpi, currency), threshold=W.value(p["threshold"], kpi, currency)),
        {"kpi": kpi.key, "value": value, "threshold": p["threshold"], "op": p["op"], "period": name,
         **sample_fields(sample_of(rows[0], kpi)), "breakdown_by": dim, "breakdown": split,
         "contributors": changes.top(engine, kpi.key, dim, start=start, end=P.add(start, grain), scope=scope,
                                     today=today if cmp is not None else None),  # why it changed
         **({"compared": {"current": [cmp.current.start.isoformat(), cmp.current.end.isoformat()],
                          "previous": [cmp.previous.start.isoformat(), cmp.previous.end.isoformat()]}}
            if cmp is not None and cmp.partial else {})})]


def anomaly(engine, rule, today: dt.date) -> list[Finding]:
    """The last whole period is abnormally low or high against the KPI's own (seasonal) history."""
    p = rule["params"]
    kpi = engine.kpi(rule["kpi"])
    scope = Scope.stored(rule["scope_kind"], rule["scope_id"])
    grain, n = p["grain"], p["history"]
    end = P.floor(today, grain, engine.fiscal_start())
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
    currency, known = context(engine)
    title = wording.anomaly_title(kpi, low)  # agrees with the KPI's name: "Tasa … anormalmente baja"
    return [Finding(
        f"{name}", W.text(title, N_("{kpi} ({scope}) fue {value} en {period}; lo esperado según su historial era "
                                    "{expected} (z = {z}, {sample})."),
                          kpi=W.kpi(kpi), scope=W.scope(scope, known), period=name,
                          value=W.value(current["value"], kpi, currency), expected=W.value(expected, kpi, currency),
                          z=W.number(z, 2), sample=W.sample(sample)),
        {"kpi": kpi.key, "value": current["value"], "baseline": expected, "z": z, **sample_fields(sample),
         "history": hist, "period": name, "seasonal": seasonal,
         "confidence": p["confidence"], "breakdown_by": dim, "breakdown": split,
         "contributors": changes.top(engine, kpi.key, dim, start=last, end=end, scope=scope)})]  # why it changed


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
        out.append(_peers_finding(kpi, p, r, others, z, len(rows) - 1, shown, today, start, end, found["dim"], split,
                                  context(engine)))
    return out


def _peers_finding(kpi, p, r, others: float, z: float, n_peers: int, shown: bool, today, start, end, dim,
                   split, said: tuple[str, dict[str, dict[str, str]]]) -> Finding:
    """A peers finding: the figures for managers, and the flagged rep's own view (`for_rep`)."""
    low = r["value"] < others
    sample = sample_of(r, kpi)
    currency, known = said
    who = r["owner"]
    args = {"kpi": W.kpi(kpi), "value": W.value(r["value"], kpi, currency), "days": W.number(p["days"]),
            "z": W.number(z, 2), "sample": W.sample(sample)}
    if low:
        own = (wording.peers_own_title(kpi, True),
               N_("{kpi} fue {value} en los últimos {days} días, por debajo del resto del equipo ({others}) "
                  "(z = {z}, {sample}).") if shown else
               N_("{kpi} fue {value} en los últimos {days} días, por debajo del resto del equipo (z = {z}, {sample})."))
        title = wording.peers_title(kpi, True)
    else:
        own = (wording.peers_own_title(kpi, False),
               N_("{kpi} fue {value} en los últimos {days} días, por encima del resto del equipo ({others}) "
                  "(z = {z}, {sample}).") if shown else
               N_("{kpi} fue {value} en los últimos {days} días, por encima del resto del equipo (z = {z}, {sample})."))
        title = wording.peers_title(kpi, False)
    # the rep's own view names no one else and carries the baseline only when it may be shown
    rep_view = {"text": W.text(*own, **args, **({"others": W.value(others, kpi, currency)} if shown else {})),
                "baseline_shown": shown}
    return Finding(
        f"{who}:{today.isoformat()[:7]}",
        W.text(title, N_("{kpi} de {who} fue {value} en los últimos {days} días frente a {others} del resto "
                         "(z = {z}, {sample}); conviene acompañarle (coaching)."),
               **args, who=known["owner"].get(who) or who, others=W.value(others, kpi, currency)),
        {"kpi": kpi.key, "owner": who, "value": r["value"], "baseline": others, "z": z, **sample_fields(sample),
         "peers": n_peers, "confidence": p["confidence"], "from": start.isoformat(), "to": end.isoformat(),
         "breakdown_by": dim, "breakdown": split, "for_rep": rep_view})


def as_seen_by_rep(alert: dict[str, Any], rep: str) -> dict[str, Any]:
    """A peers alert about `rep` as that rep reads it: their own view, without the other reps'
    figures by source, and without the baseline when fewer than MIN_PEERS others make it."""
    detail = alert.get("detail") or {}
    view = detail.get("for_rep")
    if not view or detail.get("owner") != rep:
        return alert
    kept = {k: v for k, v in detail.items() if k not in ("for_rep", "en", "text", "breakdown")}
    if not view.get("baseline_shown"):
        kept.pop("baseline", None)
    kept["breakdown"] = [{k: v for k, v in b.items() if k != "peers"} for b in detail.get("breakdown") or []]
    if view.get("text"):
        kept["text"] = view["text"]
        title, message = W.render(view["text"], "es")
    else:  # stored with its English beside
        kept["en"] = view["en"]
        title, message = view["title"], view["message"]
    return {**alert, "title": title, "message": message, "detail": kept}


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
