"""The workspace's working week: the one definition the `unanswered` alerts (alerts/sla.py) and the
engine's SLA KPIs (engine/workcal.py) count working hours by.

A working week is set once the workspace sets its working days or its working hours (settings
`working_days`, `working_hours`); the days and times are local to the workspace's time zone, so a
day's opening and closing instants follow its daylight saving changes. With neither set there is no
working week, and hours are clock hours.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterator
from zoneinfo import ZoneInfo

from pulso.store.settings import DEFAULT_WORKING, WORKING_DAYS, WORKING_HOURS

UTC = dt.timezone.utc


@dataclass(frozen=True)
class Week:
    """A working week: ISO weekdays (1 Monday … 7 Sunday), the day's opening and closing times
    (closing at 24:00 is midnight, `dt.time.max`), in a time zone."""

    days: frozenset[int]
    opens: dt.time
    closes: dt.time
    zone: ZoneInfo


def working_week(settings: dict[str, str]) -> Week | None:
    """The workspace's working week from its settings rows, or None when it sets neither its
    working days nor its hours (then hours are clock hours). One set alone takes the other's default."""
    if not settings.get(WORKING_DAYS) and not settings.get(WORKING_HOURS):
        return None
    days = settings.get(WORKING_DAYS) or DEFAULT_WORKING[WORKING_DAYS]
    start, end = (settings.get(WORKING_HOURS) or DEFAULT_WORKING[WORKING_HOURS]).split("-")
    closes = dt.time.max if end == "24:00" else dt.time.fromisoformat(end)
    return Week(frozenset(int(d) for d in days.split(",")), dt.time.fromisoformat(start), closes,
                ZoneInfo(settings.get("timezone") or "UTC"))


@dataclass(frozen=True)
class Day:
    """A local day of a working week, in UTC instants: it runs from `start` to `end` (local
    midnights: 23 or 25 hours on a daylight saving change) and works from `opens` to `closes`
    (both `start` on a day off)."""

    start: dt.datetime
    end: dt.datetime
    opens: dt.datetime
    closes: dt.datetime

    @property
    def seconds(self) -> float:
        """Working seconds of the day."""
        return (self.closes - self.opens).total_seconds()


def days(week: Week, first: dt.date, last: dt.date) -> Iterator[Day]:
    """The local days `first` … `last` (both included) of a working week."""
    day = first
    while day <= last:
        start = dt.datetime.combine(day, dt.time(0), tzinfo=week.zone).astimezone(UTC)
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=week.zone).astimezone(UTC)
        if day.isoweekday() in week.days:
            opens = dt.datetime.combine(day, week.opens, tzinfo=week.zone).astimezone(UTC)
            closes = end if week.closes == dt.time.max else \
                dt.datetime.combine(day, week.closes, tzinfo=week.zone).astimezone(UTC)
        else:
            opens = closes = start
        yield Day(start, end, opens, max(opens, closes))
        day += dt.timedelta(days=1)


def working_hours(start: dt.datetime, end: dt.datetime, week: Week) -> float:
    """Hours between two moments that fall within the working week (local days and times)."""
    total = 0.0
    for day in days(week, start.astimezone(week.zone).date(), end.astimezone(week.zone).date()):
        lo, hi = max(day.opens, start.astimezone(UTC)), min(day.closes, end.astimezone(UTC))
        if hi > lo:
            total += (hi - lo).total_seconds() / 3600
    return total
