"""Why a KPI changed: its change against the previous period split by one of its dimensions.

The one place that computes it; the KPI detail page, the alerts and the monthly report read it.
Both periods are engine queries split `by` the dimension, under the caller's scope (members
outside it are not there to show), over the like-for-like spans of `pulso.engine.elapsed` when
the period is in progress. The contributions add up exactly to the change:

- **difference** (a count or a sum, and per-day rates whose numerators add up): a member's
  contribution is its own change, value₁ − value₀;
- **mix** (a ratio or mean whose numerators and denominators add up: close rate, NPS, average
  deal value...): with w = a member's share of the denominator and r = its own value, the total
  is Σ wᵢ rᵢ, and each member's change w₁r₁ − w₀r₀ splits symmetrically into a *rate effect*
  (r₁ − r₀) × (w₀ + w₁)/2 (its own figure moved) and a *mix effect* (w₁ − w₀) × (r₀ + r₁)/2
  (its weight moved). A member absent from one period takes the other period's rate there (its
  change is all mix). A KPI that is not additive (sales velocity, CLV) has no breakdown.

Members are ranked by the size of their contribution; those with fewer than `MIN_N` records in
both periods (ratios and means), and those beyond the first `TOP`, are grouped as `OTHER`.
`words()` says it in a sentence with names (the caller's `label`, by default the store's names of
people, teams, campaigns and stages).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Mapping, Sequence

from babel import numbers

from pulso import formatting as f
from pulso.engine import elapsed
from pulso.i18n import N_, translate

OTHER = "__other__"  #: the member that groups the small ones ("otros")
MIN_N = 5  #: below this many records in both periods a member of a ratio or mean goes to OTHER
TOP = 8  #: members shown one by one; the rest go to OTHER
EPSILON = 1e-12

Rows = list[dict[str, Any]]


@dataclass(frozen=True)
class Contribution:
    """One member's part of the change (or the group of small ones, `member` = OTHER)."""

    member: Any
    value: float | None  # the member's own figure in each period
    previous: float | None
    n: float | None  # its denominator (records) in each period, for ratios and means
    n_previous: float | None
    contribution: float  # its part of the total change (= rate_effect + mix_effect for mix)
    rate_effect: float | None = None
    mix_effect: float | None = None
    members: int = 1  # how many members it stands for


@dataclass(frozen=True)
class Breakdown:
    """A KPI's change between two spans split by one dimension, ranked."""

    key: str
    dimension: str
    method: str  # difference | mix
    value: float | None
    previous: float | None
    change: float | None
    current: tuple[dt.date, dt.date]  # [start, end) of both spans compared
    compared: tuple[dt.date, dt.date]
    contributions: list[Contribution] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON (dates as ISO strings)."""
        out = asdict(self)
        out["current"] = [d.isoformat() for d in self.current]
        out["compared"] = [d.isoformat() for d in self.compared]
        return out


def method(kpi: Any) -> str | None:
    """How a KPI's change splits: 'difference', 'mix', or None (not additive)."""
    if kpi.additive == "numerator" or (kpi.additive == "both" and not kpi.result.denominator):
        return "difference"
    if kpi.additive == "both":
        return "mix"
    return None


def split(kpi: Any, dimension: str, current: Rows, previous: Rows, *,
          spans: tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date]]) -> Breakdown | None:
    """The breakdown from the rows of both spans split by `dimension` (one row per member)."""
    how = method(kpi)
    if how is None:
        return None
    now, before = _by(current, dimension), _by(previous, dimension)
    members = list(dict.fromkeys([*now, *before]))
    if how == "difference":
        parts = [_difference(m, now.get(m, {}), before.get(m, {})) for m in members]
        value = sum(_num(now.get(m, {}).get("value")) for m in members) if now else None
        prior = sum(_num(before.get(m, {}).get("value")) for m in members) if before else None
    else:
        d1 = sum(_num(r.get("denominator")) for r in now.values())
        d0 = sum(_num(r.get("denominator")) for r in before.values())
        parts = [_mix(m, now.get(m, {}), before.get(m, {}), d1, d0) for m in members]
        value = sum(_num(now[m].get("value")) * _num(now[m].get("denominator")) / d1 for m in now if _has(now[m])) if d1 else None
        prior = sum(_num(before[m].get("value")) * _num(before[m].get("denominator")) / d0 for m in before if _has(before[m])) if d0 else None
    change = value - prior if value is not None and prior is not None else None
    ranked = _ranked([p for p in parts if p is not None], how) if change is not None else []
    return Breakdown(kpi.key, dimension, how, value, prior, change, spans[0], spans[1], ranked)


def _by(rows: Rows, dimension: str) -> dict[Any, dict[str, Any]]:
    return {r.get(dimension): r for r in rows}


def _num(x: Any) -> float:
    return float(x) if x is not None else 0.0


def _has(row: Mapping[str, Any]) -> bool:
    """Whether a member has a figure of a ratio in a span (records to divide by)."""
    return bool(row) and _num(row.get("denominator")) > 0 and row.get("value") is not None


def _difference(member: Any, now: Mapping[str, Any], before: Mapping[str, Any]) -> Contribution:
    v1, v0 = now.get("value"), before.get("value")
    return Contribution(member, v1, v0, None, None, _num(v1) - _num(v0))


def _mix(member: Any, now: Mapping[str, Any], before: Mapping[str, Any], d1: float, d0: float) -> Contribution | None:
    has1, has0 = _has(now), _has(before)
    if not has1 and not has0:
        return None
    w1 = _num(now.get("denominator")) / d1 if has1 and d1 else 0.0
    w0 = _num(before.get("denominator")) / d0 if has0 and d0 else 0.0
    r1 = _num(now.get("value")) if has1 else _num(before.get("value"))  # absent: the other span's rate
    r0 = _num(before.get("value")) if has0 else r1
    rate, mix = (r1 - r0) * (w0 + w1) / 2, (w1 - w0) * (r0 + r1) / 2
    return Contribution(member, now.get("value") if has1 else None, before.get("value") if has0 else None,
                        _num(now.get("denominator")), _num(before.get("denominator")), rate + mix, rate, mix)


def _ranked(parts: list[Contribution], how: str) -> list[Contribution]:
    """Largest contributions first; small members and those beyond TOP grouped as OTHER."""
    small = [p for p in parts if how == "mix" and max(p.n or 0, p.n_previous or 0) < MIN_N]
    rest = sorted((p for p in parts if p not in small), key=lambda p: (-abs(p.contribution), str(p.member)))
    shown, grouped = rest[:TOP], small + rest[TOP:]
    grouped = [p for p in grouped if abs(p.contribution) > EPSILON or how == "mix"]
    if len(grouped) == 1:
        shown.append(grouped[0])
    elif grouped:
        mixed = how == "mix"
        shown.append(Contribution(
            OTHER, None, None, sum(p.n or 0 for p in grouped) if mixed else None,
            sum(p.n_previous or 0 for p in grouped) if mixed else None, sum(p.contribution for p in grouped),
            sum(p.rate_effect or 0 for p in grouped) if mixed else None,
            sum(p.mix_effect or 0 for p in grouped) if mixed else None, len(grouped)))
    return sorted(shown, key=lambda p: (p.member == OTHER, -abs(p.contribution), str(p.member)))


# -- through the engine -------------------------------------------------------------------

def spans(start: dt.date, end: dt.date, today: dt.date | None) -> elapsed.Comparison:
    """What is compared: the period (its elapsed part when in progress) and the one before."""
    return elapsed.comparison(start, end, today if today is not None else end)


def breakdowns(engine: Any, keys: Sequence[str], dimension: str, *, start: dt.date, end: dt.date,
               today: dt.date | None = None, filters: Mapping[str, Any] | None = None,
               scope: Any = None) -> dict[str, Breakdown | None]:
    """{key: Breakdown by `dimension`} for KPIs that all declare it: two `query_many` calls
    (the current span and the compared one; `query` for one KPI), under `scope`."""
    cmp = spans(start, end, today)
    keys = [k for k in keys if method(engine.kpi(k)) is not None]
    if not keys:
        return {}
    ask = dict(by=[dimension], filters=filters, scope=scope)
    if len(keys) == 1:  # one KPI: plain queries (an alert run's engine shares them between rules)
        now = {keys[0]: engine.query(keys[0], start=cmp.current.start, end=cmp.current.end, **ask)}
        before = {keys[0]: engine.query(keys[0], start=cmp.previous.start, end=cmp.previous.end, **ask)}
    else:
        now = engine.query_many(keys, start=cmp.current.start, end=cmp.current.end, **ask)
        before = engine.query_many(keys, start=cmp.previous.start, end=cmp.previous.end, **ask)
    pair = ((cmp.current.start, cmp.current.end), (cmp.previous.start, cmp.previous.end))
    return {k: split(engine.kpi(k), dimension, now[k].rows, before[k].rows, spans=pair) for k in keys}


def breakdown(engine: Any, key: str, dimension: str, **kwargs: Any) -> Breakdown | None:
    """One KPI's Breakdown by `dimension` (see `breakdowns`)."""
    return breakdowns(engine, [key], dimension, **kwargs).get(key)


def with_query(kpi: Any, dimension: str, cmp: elapsed.Comparison,
               query: Callable[[dt.date, dt.date], Rows]) -> Breakdown | None:
    """The Breakdown through any query of the KPI split by `dimension` over [start, end) (the
    web passes its scoped, cached one)."""
    if method(kpi) is None:
        return None
    return split(kpi, dimension, query(cmp.current.start, cmp.current.end), query(cmp.previous.start, cmp.previous.end),
                 spans=((cmp.current.start, cmp.current.end), (cmp.previous.start, cmp.previous.end)))


# -- in words -------------------------------------------------------------------------------

ROSE, FELL = N_("{kpi} subió {change}"), N_("{kpi} bajó {change}")
UNCHANGED = N_("{kpi} no cambió")
OTHERS = N_("otros ({count})")
PART = N_("{member} {contribution} ({share} del cambio)")
PART_MIX = N_("{member} {contribution} ({share} del cambio; su cifra {own}, n = {n})")
PART_NEW = N_("{member} {contribution} ({share} del cambio; n = {n})")
AGAINST = N_("{member} {contribution} (en contra)")
AND = N_("{first} y {last}")


def delta(x: float | None, unit: str, lang: str, currency: str) -> str:
    """A change in a KPI's unit, signed: '+3,0 pp', '−1.200 €', '+4'."""
    if x is None:
        return "—"
    sign = "+" if x > EPSILON else "−" if x < -EPSILON else ""
    if unit == "%":
        return sign + f.fmt_number(abs(x) * 100, lang, 1) + " pp"
    if unit == "score":
        return sign + f.fmt_number(abs(x), lang, 0 if float(x).is_integer() else 1) + " pts"
    return sign + f.fmt_value(abs(x), unit, lang, currency)


def member_label(contribution: Contribution, dimension: str, lang: str, label: Callable[[str, Any], str]) -> str:
    """A member's name for people ('otros (3)' for the group)."""
    if contribution.member == OTHER:
        return translate(OTHERS, lang).format(count=contribution.members)
    return label(dimension, contribution.member)


def words(bd: Breakdown, *, name: str, unit: str, lang: str, currency: str, label: Callable[[str, Any], str],
          top: int = 3) -> str:
    """'Tasa de cierre bajó 8,0 pp: Javier Soto −4,1 pp (52 % del cambio; su cifra −12,0 pp,
    n = 40), … y …' ('' without a change to explain)."""
    if bd.change is None:
        return ""
    if abs(bd.change) <= EPSILON:
        return translate(UNCHANGED, lang).format(kpi=name) + "."
    head = translate(ROSE if bd.change > 0 else FELL, lang).format(kpi=name, change=delta(abs(bd.change), unit, lang, currency).lstrip("+"))
    parts = []
    for c in [c for c in bd.contributions if abs(c.contribution) > EPSILON][:top]:
        args = dict(member=member_label(c, bd.dimension, lang, label), contribution=delta(c.contribution, unit, lang, currency),
                    share=numbers.format_percent(round(c.contribution / bd.change, 2), locale=lang),
                    n=f.fmt_number(c.n or 0, lang, 0))
        if c.contribution * bd.change < 0:  # it moved the other way: a share of the change would mislead
            parts.append(translate(AGAINST, lang).format(**args))
        elif bd.method == "mix" and c.value is not None and c.previous is not None:
            parts.append(translate(PART_MIX, lang).format(own=delta(c.value - c.previous, unit, lang, currency), **args))
        elif bd.method == "mix":
            parts.append(translate(PART_NEW, lang).format(**args))
        else:
            parts.append(translate(PART, lang).format(**args))
    if not parts:
        return head + "."
    listed = parts[0] if len(parts) == 1 else translate(AND, lang).format(first=", ".join(parts[:-1]), last=parts[-1])
    return f"{head}: {listed}."


def store_labels(store: Any) -> Callable[[str, Any], str]:
    """Names of people, teams, campaigns and stages from the store (other values as they are)."""
    from pulso.store.lookups import names

    known = names(store)
    return lambda dimension, value: "—" if value is None else known.get(dimension, {}).get(str(value), str(value))


# -- for alerts and reports -----------------------------------------------------------------

def top(engine: Any, key: str, dimension: str | None, *, start: dt.date, end: dt.date, today: dt.date | None = None,
        scope: Any = None, n: int = 3) -> list[dict[str, Any]]:
    """The `n` largest contributions to the KPI's change over [start, end) by `dimension`, as
    plain data for an alert's detail ({member, contribution, rate_effect, mix_effect, n,
    n_previous, value, previous}); [] when it does not split."""
    if dimension is None or dimension not in engine.kpi(key).dimensions:
        return []
    bd = breakdown(engine, key, dimension, start=start, end=end, today=today, scope=scope)
    if bd is None or bd.change is None:
        return []
    return [asdict(c) for c in bd.contributions if abs(c.contribution) > EPSILON][:n]


def report_words(engine: Any, keys: Sequence[str], *, start: dt.date, end: dt.date, today: dt.date | None, scope: Any,
                 lang: str, currency: str, label: Callable[[str, Any], str], n: int = 3) -> dict[str, str]:
    """{key: the sentence of its top `n` contributors} for a report, each KPI split by its first
    dimension (two query_many calls per dimension)."""
    by_dim: dict[str, list[str]] = {}
    for key in keys:
        kpi = engine.kpi(key)
        if kpi.dimensions and method(kpi) is not None:
            by_dim.setdefault(kpi.dimensions[0], []).append(key)
    out = {}
    for dim, group in by_dim.items():
        for key, bd in breakdowns(engine, group, dim, start=start, end=end, today=today, scope=scope).items():
            kpi = engine.kpi(key)
            if bd is not None:
                out[key] = words(bd, name=kpi.name[lang], unit=kpi.unit, lang=lang, currency=currency, label=label, top=n)
    return out
