"""Periods cut in the workspace time zone, with the periods they are compared with.

Boundaries are computed here, in Python, as local dates turned into UTC instants with zoneinfo
(so a day of 23 or 25 hours around a DST change is still one day), and handed to the query as a
small table: events are joined to it by time (a range join, or on DuckDB an equi-join on the
hour "slot" of the instant, since every boundary falls on a whole slot), snapshots are
evaluated at its boundaries.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import math
from dataclasses import dataclass
from typing import Mapping
from zoneinfo import ZoneInfo

import ibis
import numpy as np
import pyarrow as pa

from pulso.errors import KpiError
from pulso.i18n import N_, said
from pulso.store.settings import FISCAL_YEAR_START

GRAINS = ("day", "week", "month", "quarter", "year")
MIN_SLOT = 900  # seconds: below this, slot tables grow too big and the engine range-joins instead
MAX_PERIODS = 5000
UTC = dt.timezone.utc

PERIODS_SCHEMA = ibis.schema({
    "_pid": "int64", "_p_start": "timestamp('UTC')", "_p_end": "timestamp('UTC')", "_s_start": "int64",
    "_s_end": "int64", "_e_start": "int64", "_e_end": "int64", "_days": "float64", "_years": "float64",
})


@dataclass(frozen=True, order=True)
class Period:
    """[start, end) in local dates."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        """Number of local calendar days."""
        return (self.end - self.start).days


def check_grain(grain: str | None) -> str | None:
    """The grain, or a KpiError suggesting the nearest one."""
    if grain is None or grain in GRAINS:
        return grain
    near = difflib.get_close_matches(str(grain).lower().rstrip("ly").rstrip("i"), GRAINS, n=1, cutoff=0.5)
    if near:
        raise said(KpiError, N_("grano desconocido '{grain}'; ¿quiso decir '{near}'? los granos son: {grains}"),
                   grain=grain, near=near[0], grains=", ".join(GRAINS))
    raise said(KpiError, N_("grano desconocido '{grain}'; los granos son: {grains}"), grain=grain, grains=", ".join(GRAINS))


def fiscal_start(settings: Mapping[str, str]) -> int:
    """The month (1-12) the workspace's fiscal year starts, from its settings rows (1 when unset
    or unreadable): quarters and years start on its boundaries."""
    text = str(settings.get(FISCAL_YEAR_START) or "1").strip()
    return int(text) if text.isdigit() and 1 <= int(text) <= 12 else 1


def floor(day: dt.date, grain: str, fiscal: int = 1) -> dt.date:
    """The start of the grain period that contains `day` (weeks start on Monday; quarters and
    years on the fiscal year's boundaries, its first month `fiscal`)."""
    if grain == "day":
        return day
    if grain == "week":
        return day - dt.timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    months = 3 if grain == "quarter" else 12
    since = (day.month - fiscal) % months  # months since the period's first month
    return add_months(day.replace(day=1), -since)


def add(day: dt.date, grain: str, n: int = 1) -> dt.date:
    """`day` moved by n grain periods."""
    if grain == "day":
        return day + dt.timedelta(days=n)
    if grain == "week":
        return day + dt.timedelta(weeks=n)
    months = {"month": 1, "quarter": 3, "year": 12}[grain] * n
    return add_months(day, months)


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar month arithmetic; the 31st becomes the month's last day when needed."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def minus_year(day: dt.date) -> dt.date:
    """The same date a year earlier (29 February becomes 28 February)."""
    return add_months(day, -12)


def split(start: dt.date, end: dt.date, grain: str | None, fiscal: int = 1) -> list[Period]:
    """[start, end) cut at grain boundaries; the first and last period are clipped to it."""
    if grain is None:
        return [Period(start, end)]
    out, cursor = [], floor(start, grain, fiscal)
    while cursor < end:
        nxt = add(cursor, grain)
        out.append(Period(max(cursor, start), min(nxt, end)))
        cursor = nxt
        if len(out) > MAX_PERIODS:
            raise said(KpiError, N_("más de {n} periodos; elija un grano más grueso o un periodo más corto"), n=MAX_PERIODS)
    return out


def _whole_months(p: Period) -> int | None:
    if p.start.day != 1 or p.end.day != 1:
        return None
    return (p.end.year - p.start.year) * 12 + p.end.month - p.start.month


def previous(p: Period, grain: str | None, fiscal: int = 1) -> Period:
    """The period just before, of the same grain (or the same number of months, or days)."""
    if grain and p.start == floor(p.start, grain, fiscal) and p.end == add(p.start, grain):
        return Period(add(p.start, grain, -1), p.start)
    months = _whole_months(p)
    if months:
        return Period(add_months(p.start, -months), p.start)
    return Period(p.start - dt.timedelta(days=p.days), p.start)


def year_ago(p: Period, grain: str | None) -> Period:
    """The same period a year earlier; weeks go back 52 weeks so they still start on Monday."""
    if grain == "week":
        return Period(p.start - dt.timedelta(weeks=52), p.end - dt.timedelta(weeks=52))
    return Period(minus_year(p.start), minus_year(p.end))


def year_fraction(p: Period) -> float:
    """The period's length in calendar years: a calendar year is 1, a January 31/365."""
    total, year = 0.0, p.start.year
    while dt.date(year, 1, 1) < p.end:
        lo, hi = max(p.start, dt.date(year, 1, 1)), min(p.end, dt.date(year + 1, 1, 1))
        total += (hi - lo).days / (366 if calendar.isleap(year) else 365)
        year += 1
    return total


def instant(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    """Local midnight of `day` as a UTC instant (a skipped midnight maps to the moment of the change)."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=tz).astimezone(UTC)


@dataclass
class Plan:
    """The periods a query reports and every period it needs to compare them with."""

    main: list[Period]
    all: list[Period]
    index: dict[Period, int]
    previous: list[int]
    year_ago: list[int]


def plan(start: dt.date, end: dt.date, grain: str | None, *, compare: bool = True, fiscal: int = 1) -> Plan:
    """Main periods plus their previous and year-ago periods, each once, numbered (quarters and
    years cut on the fiscal year starting in month `fiscal`)."""
    main = split(start, end, grain, fiscal)
    wanted = list(main)
    prev = [previous(p, grain, fiscal) for p in main] if compare else []
    ago = [year_ago(p, grain) for p in main] if compare else []
    index: dict[Period, int] = {}
    for p in [*wanted, *prev, *ago]:
        index.setdefault(p, len(index))
    return Plan(main, list(index), index, [index[p] for p in prev], [index[p] for p in ago])


def slot_seconds(periods: list[Period], tz: ZoneInfo) -> int:
    """The longest slot (at most an hour) that every period boundary falls on: 3600 for whole-hour
    offsets, 1800 for India, 900 for Nepal. Events are placed by slot, an integer."""
    step = 3600
    for p in periods:
        for day in (p.start, p.end):
            step = math.gcd(step, int(instant(day, tz).timestamp()))
    return step


def windows(plan: Plan, tz: ZoneInfo) -> list[tuple[dt.datetime, dt.datetime]]:
    """Two spans of time that hold every period of a plan: reported + previous, and year-ago."""
    near = [*plan.main, *(plan.all[i] for i in plan.previous)]
    far = [plan.all[i] for i in plan.year_ago] or near
    return [(instant(min(p.start for p in ps), tz), instant(max(p.end for p in ps), tz)) for ps in (near, far)]


def table(periods: list[Period], tz: ZoneInfo, slot: int = 3600) -> pa.Table:
    """The periods as an Arrow table: UTC instants, slots, epoch days, length in days and years."""
    epoch = dt.date(1970, 1, 1)
    starts = [int(instant(p.start, tz).timestamp()) for p in periods]
    ends = [int(instant(p.end, tz).timestamp()) for p in periods]
    return pa.table({
        "_pid": pa.array(range(len(periods)), pa.int64()),
        "_p_start": pa.array([instant(p.start, tz) for p in periods], pa.timestamp("us", tz="UTC")),
        "_p_end": pa.array([instant(p.end, tz) for p in periods], pa.timestamp("us", tz="UTC")),
        "_s_start": pa.array([s // slot for s in starts], pa.int64()),
        "_s_end": pa.array([e // slot for e in ends], pa.int64()),
        "_e_start": pa.array([(p.start - epoch).days for p in periods], pa.int64()),
        "_e_end": pa.array([(p.end - epoch).days for p in periods], pa.int64()),
        "_days": pa.array([float(p.days) for p in periods], pa.float64()),
        "_years": pa.array([year_fraction(p) for p in periods], pa.float64()),
    })


def slots_table(periods: list[Period], tz: ZoneInfo, slot: int) -> pa.Table:
    """One row per slot of every period (`_slot`), with its period's columns: events equi-join it."""
    base = table(periods, tz, slot)
    lo, hi = base["_s_start"].to_numpy(), base["_s_end"].to_numpy()
    index = np.repeat(np.arange(len(periods)), hi - lo)
    slots = np.concatenate([np.arange(a, b) for a, b in zip(lo, hi)]) if len(periods) else np.array([], np.int64)
    return base.take(pa.array(index, pa.int64())).append_column("_slot", pa.array(slots, pa.int64()))


def days_table(periods: list[Period]) -> pa.Table:
    """One row per local day of every period (`_day`, days since 1970-01-01) with its `_pid`:
    a rollup of sums per local day equi-joins it."""
    epoch = dt.date(1970, 1, 1)
    lo = np.array([(p.start - epoch).days for p in periods], np.int64)
    hi = np.array([(p.end - epoch).days for p in periods], np.int64)
    index = np.repeat(np.arange(len(periods), dtype=np.int64), hi - lo)
    days = np.concatenate([np.arange(a, b) for a, b in zip(lo, hi)]) if len(periods) else np.array([], np.int64)
    return pa.table({"_pid": pa.array(index, pa.int64()), "_day": pa.array(days, pa.int64())})


PERIODS_TABLE = "pulso_periods"
SLOTS_TABLE = "pulso_period_slots"
DAYS_TABLE = "pulso_period_days"
BASELINE_TABLE = "pulso_baseline"
GROUP_TABLE = "pulso_group_"  # + a number: the sums of one group of fused parts (Engine.query_many)
BASELINE_SCHEMA = ibis.schema({"b_start": "timestamp('UTC')", "b_end": "timestamp('UTC')"})


def placeholder() -> ibis.Table:
    """The periods table as queries name it: the engine hands it in when the query runs."""
    return ibis.table(PERIODS_SCHEMA, name=PERIODS_TABLE)


def slots_placeholder() -> ibis.Table:
    """The periods' slots, handed in like the periods."""
    return ibis.table(ibis.schema({**PERIODS_SCHEMA, "_slot": "int64"}), name=SLOTS_TABLE)


def days_placeholder() -> ibis.Table:
    """The periods' local days, handed in like the periods."""
    return ibis.table(ibis.schema({"_pid": "int64", "_day": "int64"}), name=DAYS_TABLE)


def baseline_placeholder() -> ibis.Table:
    """The reference days of incremental revenue, handed in like the periods."""
    return ibis.table(BASELINE_SCHEMA, name=BASELINE_TABLE)


def ranges_table(ranges: list[tuple[dt.date, dt.date]], tz: ZoneInfo) -> pa.Table:
    """Local date ranges [start, end) as UTC instants b_start, b_end."""
    return pa.table({
        "b_start": pa.array([instant(a, tz) for a, _ in ranges], pa.timestamp("us", tz="UTC")),
        "b_end": pa.array([instant(b, tz) for _, b in ranges], pa.timestamp("us", tz="UTC")),
    })
