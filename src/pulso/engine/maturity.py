"""Maturing cohorts: how much of a cohort rate can already be seen, and rates within a window.

A cohort rate (lead conversion, lead→MQL, MQL→SQL, SQL→customer) places a lead by the day it
entered the step (`at`) and counts it when it reached the next one (`reached`), whenever that
happened. The visitor rates (visitor → lead, visitor → customer) place a visitor by the day of their
session and count them when a lead with their visitor_id was created (converted), whenever. A recent cohort has not had time: its rate is low because it is young, not because it is
worse. Two answers, one place for every page, report and JSON twin:

- **Maturity**: from the workspace's own history, the lags (days from `at` to `reached`) of the
  leads that reached the step with `at` in the 365 days before today. A day's cohort N days old
  has seen the share of those lags that are <= N (the empirical distribution function F(N)); a
  cohort spanning several days is the mean of F over its days (each day's leads weighted alike,
  days not yet come left out). Below THRESHOLD (80 %) a cohort is *en maduración*: its change is
  not coloured nor listed as a mover. With no history, maturity is unknown (None).
- **Conversion window**: the rate counting only leads that reached the step within W days of
  `at` ("convertidos en 90 días"), so a cohort compares fairly with older ones. A cohort whose
  last day is fewer than W days before today is *incomplete*.

For a visitor rate a lag is the days from the visitor's first session to their lead's creation
(conversion); a visitor counts in the history when that first session is in the 365 days. Within a
window, a period's visitor counts when their lead was created (converted) no later than W days after
their first session of the period, before it included (a returning lead has already converted).

Example: past lags 5, 10, 20 and 40 days; a cohort created 15 days ago has seen F(15) = 2/4 = 50 %.
Lags are measured in exact days between the two instants (time zone free); cohort days are the
workspace's local days.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass
from typing import Sequence
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from pulso.access import Scope
from pulso.engine import periods as P
from pulso.i18n import N_
from pulso.store import schema
from pulso.store.scoping import sql_scoped

#: The cohort rates: KPI key -> (column placing the lead, column of the step it reaches).
COHORT_RATES: dict[str, tuple[str, str]] = {
    "lead_conversion_rate": ("created_at", "converted_at"),
    "lead_to_mql_rate": ("created_at", "mql_at"),
    "mql_to_sql_rate": ("mql_at", "sql_at"),
    "sql_to_customer_rate": ("sql_at", "converted_at"),
}
#: The visitor rates: KPI key -> the column of `leads` a visitor reaches (their earliest lead's).
VISITOR_RATES: dict[str, str] = {"visitor_to_lead_rate": "created_at", "visitor_purchase_rate": "converted_at"}
#: Below this share a cohort is "en maduración".
THRESHOLD = 0.8
#: How far back the history of lags reaches.
HISTORY_DAYS = 365
#: The windows the cohort page offers (None: no limit).
WINDOWS = (30, 60, 90, None)
ONE_DAY = dt.timedelta(days=1)
DAY_SECONDS = 86400.0
MATURING = N_("en maduración ({share})")


@dataclass(frozen=True)
class Maturity:
    """How mature a cohort is: `share` (0..1, None when the workspace has no history)."""

    share: float | None

    @property
    def maturing(self) -> bool:
        """True when fewer than THRESHOLD of the cohort's eventual conversions can have happened."""
        return self.share is not None and self.share < THRESHOLD

    def as_dict(self) -> dict:
        return {"share": self.share, "maturing": self.maturing, "threshold": THRESHOLD}


def is_cohort_rate(key: str) -> bool:
    return key in COHORT_RATES or key in VISITOR_RATES


def _utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value


def lags(store, key: str, today: dt.date, scope: Scope | None = None) -> list[float]:
    """Sorted lags in days of the leads that reached the step of `key` with `at` in the
    HISTORY_DAYS days before `today` (local days), inside the scope."""
    tz = store.timezone
    lo, hi = P.instant(today - dt.timedelta(days=HISTORY_DAYS), tz), P.instant(today + ONE_DAY, tz)
    if key in VISITOR_RATES:
        first, reached = _first_sessions(store), _visitors_reached(store, key)
        return sorted((_utc(reached[v]) - _utc(a)).total_seconds() / DAY_SECONDS for v, a in first.items()
                      if lo <= _utc(a) < hi and v in reached and _utc(reached[v]) >= _utc(a))
    at, reached = COHORT_RATES[key]
    t = schema.leads
    query = sa.select(t.c[at], t.c[reached]).where(
        t.c[at] >= lo, t.c[at] < hi, t.c[reached].is_not(None), t.c[reached] >= t.c[at],
        sql_scoped(scope or Scope.company(), "leads"))
    with store.connect() as conn:
        rows = conn.execute(query).all()
    return sorted((_utc(b) - _utc(a)).total_seconds() / DAY_SECONDS for a, b in rows)


def seen(history: Sequence[float], days: float) -> float | None:
    """F(days): the share of the (sorted) lags that are <= days; None without history."""
    if not history:
        return None
    return bisect.bisect_right(history, days) / len(history)


def cohort_maturity(history: Sequence[float], start: dt.date, end: dt.date, today: dt.date) -> Maturity:
    """Maturity of the cohort placed on the local days [start, end) as of `today` (a day's
    cohort is `today - day` days old; days after today are left out)."""
    if not history:
        return Maturity(None)
    last = min(end - ONE_DAY, today)
    if last < start:
        return Maturity(0.0)
    days = [(today - (start + dt.timedelta(days=i))).days for i in range((last - start).days + 1)]
    return Maturity(sum(seen(history, d) for d in days) / len(days))


def maturity(store, key: str, start: dt.date, end: dt.date, today: dt.date,
             scope: Scope | None = None) -> Maturity:
    """Maturity of the cohort of `key` placed on [start, end), from the workspace's history."""
    return cohort_maturity(lags(store, key, today, scope), start, end, today)


@dataclass(frozen=True)
class WindowRate:
    """A cohort rate counting only the leads that reached the step within `window` days."""

    reached: int
    leads: int
    window: int | None
    complete: bool  # every day of the cohort is at least `window` days old

    @property
    def value(self) -> float | None:
        return self.reached / self.leads if self.leads else None

    def as_dict(self) -> dict:
        return {"value": self.value, "numerator": self.reached, "denominator": self.leads,
                "window_days": self.window, "complete": self.complete}


def window_rate(store, key: str, start: dt.date, end: dt.date, window: int | None, today: dt.date,
                scope: Scope | None = None) -> WindowRate:
    """The rate of `key` over leads placed on [start, end) counting those that reached the step
    within `window` days of `at` (None: whenever, the KPI's own rate)."""
    tz: ZoneInfo = store.timezone
    complete = window is None or (end - ONE_DAY) + dt.timedelta(days=window) <= today
    if key in VISITOR_RATES:
        return _visitor_window_rate(store, key, P.instant(start, tz), P.instant(end, tz), window, complete)
    at, reached = COHORT_RATES[key]
    t = schema.leads
    query = sa.select(t.c[at], t.c[reached]).where(
        t.c[at] >= P.instant(start, tz), t.c[at] < P.instant(end, tz), sql_scoped(scope or Scope.company(), "leads"))
    with store.connect() as conn:
        rows = conn.execute(query).all()
    limit = None if window is None else dt.timedelta(days=window)
    hits = sum(1 for a, b in rows if b is not None and _utc(b) >= _utc(a)
               and (limit is None or _utc(b) - _utc(a) <= limit))
    if window is None:  # whenever: the KPI counts a reached step whatever its order
        hits = sum(1 for _, b in rows if b is not None)
    return WindowRate(hits, len(rows), window, complete)


def _first_sessions(store, lo: dt.datetime | None = None, hi: dt.datetime | None = None) -> dict[str, dt.datetime]:
    """Each visitor's first session (within [lo, hi) when given). Web sessions belong to nobody:
    the visitor rates are whole-company KPIs, so no scope applies."""
    t = schema.web_sessions
    query = sa.select(t.c.visitor_id, sa.func.min(t.c.started_at)).group_by(t.c.visitor_id)
    if lo is not None:
        query = query.where(t.c.started_at >= lo, t.c.started_at < hi)
    with store.connect() as conn:
        return {v: a for v, a in conn.execute(query).all()}


def _visitors_reached(store, key: str) -> dict[str, dt.datetime]:
    """Each visitor's earliest lead creation (conversion) for the visitor rate `key`."""
    t = schema.leads
    col = t.c[VISITOR_RATES[key]]
    query = sa.select(t.c.visitor_id, sa.func.min(col)).where(t.c.visitor_id.is_not(None), col.is_not(None)) \
        .group_by(t.c.visitor_id)
    with store.connect() as conn:
        return {v: b for v, b in conn.execute(query).all()}


def _visitor_window_rate(store, key: str, lo: dt.datetime, hi: dt.datetime, window: int | None,
                         complete: bool) -> WindowRate:
    """The period's distinct visitors and those who reached the step within `window` days of their
    first session of the period (or before it; None: whenever)."""
    first, reached = _first_sessions(store, lo, hi), _visitors_reached(store, key)
    limit = None if window is None else dt.timedelta(days=window)
    hits = sum(1 for v, a in first.items() if v in reached
               and (limit is None or _utc(reached[v]) <= _utc(a) + limit))
    return WindowRate(hits, len(first), window, complete)
