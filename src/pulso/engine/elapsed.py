"""Periods in progress compared like-for-like: the one rule every page, report and alert uses.

A period is *in progress* on `today` when it has begun and its last day is after today (today
counts as elapsed: days are local to the workspace's time zone, so the caller passes today's
local date). Its elapsed part, [start, today + 1), is compared with the same elapsed part of the
period before and of the same period a year earlier, never with the whole of them:

- calendar periods (a month, a quarter, a year, or any run of whole months): the compared part
  ends on the same day of the same month of that period, the day clamped to the month's length:
  5 December → 1–5 November; 30 March → 1–28 (29) February; 15 May in Q2 → 1 January–15 February;
- other custom periods: day 1..N of the period against day 1..min(N, length) of the one before
  (the span of the same length just before it);
- a year earlier: the same dates a year earlier (29 February → 28 February).

A period not yet begun, or ended (or on its last day: then the elapsed part is the whole period),
is compared whole with whole, as the engine does. `figures()` turns the rule into figures with
any engine query; `words()` says which spans are compared ("1–5 dic frente a 1–5 nov").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from babel.dates import format_interval

from pulso.engine import periods as P
from pulso.i18n import N_, translate

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Comparison:
    """A period [start, end), the part of it elapsed by today, and the spans it is compared with."""

    period: P.Period
    upto: dt.date  # exclusive end of the elapsed part (the period's end when not in progress)
    previous: P.Period  # like-for-like: the same elapsed part of the period before
    previous_full: P.Period
    year_ago: P.Period  # like-for-like, a year earlier
    year_ago_full: P.Period

    @property
    def partial(self) -> bool:
        """Whether only part of the period has elapsed (the comparison is then like-for-like)."""
        return self.upto < self.period.end

    @property
    def current(self) -> P.Period:
        """The part of the period that the figures cover: [start, upto)."""
        return P.Period(self.period.start, self.upto)

    @property
    def elapsed_share(self) -> float:
        """Elapsed days ÷ days of the period (1 when not in progress)."""
        return self.current.days / self.period.days


def _months(start: dt.date, end: dt.date) -> int | None:
    """How many whole calendar months [start, end) spans, or None."""
    if start.day != 1 or end.day != 1:
        return None
    return (end.year - start.year) * 12 + end.month - start.month or None


def comparison(start: dt.date, end: dt.date, today: dt.date) -> Comparison:
    """The like-for-like comparison of [start, end) as seen on `today` (the module's rule)."""
    period = P.Period(start, end)
    months = _months(start, end)
    if months:
        before = P.Period(P.add_months(start, -months), start)
    else:
        before = P.Period(start - dt.timedelta(days=period.days), start)
    ago = P.Period(P.minus_year(start), P.minus_year(end))
    if not start <= today < end - ONE_DAY:
        return Comparison(period, end, before, before, ago, ago)
    upto = today + ONE_DAY
    if months:
        last = P.add_months(today, -months)  # the same day of the month, clamped to its length
        like = P.Period(before.start, min(last + ONE_DAY, before.end))
    else:
        like = P.Period(before.start, min(before.start + (upto - start), before.end))
    ago_like = P.Period(ago.start, min(P.minus_year(today) + ONE_DAY, ago.end))
    return Comparison(period, upto, like, before, ago_like, ago)


Rows = list[dict[str, Any]]


def figures(query: Callable[[dt.date, dt.date], Rows], cmp: Comparison, by: Sequence[str] = ()) -> Rows:
    """Rows of a KPI over the comparison's period, one per `by` value, each with `value` (and
    numerator, denominator...) over the elapsed part, `previous` and `year_ago` like-for-like,
    `previous_full` and `year_ago_full` the whole periods, and `compared` (the spans, or None
    when whole periods are compared).

    `query(start, end)` is any engine query of the KPI over [start, end) without a grain (the
    caller binds the key, split, filters and scope): it gives one row per `by` value with the
    engine's own previous and year-ago values."""
    whole = query(cmp.period.start, cmp.period.end)
    if not cmp.partial:
        return [{**r, "previous_full": r.get("previous"), "year_ago_full": r.get("year_ago"), "compared": None}
                for r in whole]
    now = query(cmp.current.start, cmp.current.end)
    before = _by(query(cmp.previous.start, cmp.previous.end), by)
    engine_ago = P.year_ago(cmp.current, None)
    ago = None if engine_ago == cmp.year_ago else _by(query(cmp.year_ago.start, cmp.year_ago.end), by)
    full = _by(whole, by)
    spans = {"current": _dates(cmp.current), "previous": _dates(cmp.previous), "year_ago": _dates(cmp.year_ago),
             "previous_full": _dates(cmp.previous_full), "year_ago_full": _dates(cmp.year_ago_full)}
    out = []
    for r in now:
        key = tuple(r.get(d) for d in by)
        f = full.get(key, {})
        out.append({**r, "period_end": cmp.current.end,
                    "previous": before.get(key, {}).get("value"),
                    "year_ago": r.get("year_ago") if ago is None else ago.get(key, {}).get("value"),
                    "previous_full": f.get("previous"), "year_ago_full": f.get("year_ago"), "compared": spans})
    return out


def _by(rows: Rows, by: Sequence[str]) -> dict[tuple, dict[str, Any]]:
    return {tuple(r.get(d) for d in by): r for r in rows}


def _dates(p: P.Period) -> dict[str, str]:
    """A span for JSON: first and last day, inclusive."""
    return {"from": p.start.isoformat(), "to": (p.end - ONE_DAY).isoformat()}


def span_text(p: P.Period, lang: str, *, year: bool = False) -> str:
    """A span as people read it: '1–5 dic' / 'Dec 1 – 5' ('1 dic 2025' with `year`)."""
    text = format_interval(p.start, p.end - ONE_DAY, "yMMMd" if year else "MMMd", locale=lang)
    return text.replace("\u2009", " ").replace("\u202f", " ")  # CLDR's thin spaces: plain ones, as elsewhere


def words(cmp: Comparison, lang: str) -> str:
    """Which spans a period in progress is compared with: '1–5 dic frente a 1–5 nov' ('' when whole
    periods are compared)."""
    if not cmp.partial:
        return ""
    crosses = cmp.current.start.year != cmp.previous.start.year or cmp.current.start.year != (cmp.current.end - ONE_DAY).year
    return translate(N_("{current} frente a {previous}"), lang).format(
        current=span_text(cmp.current, lang, year=crosses), previous=span_text(cmp.previous, lang, year=crosses))


def year_ago_words(cmp: Comparison, lang: str) -> str:
    """The year-ago span compared: 'frente a 1–5 dic 2025' ('' when whole periods are compared)."""
    if not cmp.partial:
        return ""
    return translate(N_("frente a {span}"), lang).format(span=span_text(cmp.year_ago, lang, year=True))
