"""Hours within which a ticket should get its first response, per priority: the workspace setting
`sla_first_response_hours` (read by `pulso.store.settings.sla_hours`, the one reader, which the
catalog's SLA KPIs use too). An `unanswered` ticket rule with `hours=sla` reads them; a ticket
without a priority (or with one the setting does not list) is held to the "normal" hours.

Working hours: once the workspace sets its working week (`working_days`, `working_hours` on the
settings page), the `unanswered` rules (leads and tickets) count the hours a record waited in
working hours only, in the workspace's time zone: a ticket opened on Friday at 17:00 and answered
on Monday at 10:00 waited 2 working hours with 09:00–18:00 Monday to Friday. With neither set, they
count clock hours. The SLA KPIs of the catalog still count clock hours (docs/web.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from pulso.store.settings import DEFAULT_WORKING, WORKING_DAYS, WORKING_HOURS, sla_hours as _all_sla_hours

SETTING = "sla_first_response_hours"
UTC = dt.timezone.utc


def sla_hours(store) -> dict[str, float]:
    """The workspace's first-response hours per priority (the defaults when the setting is absent)."""
    return _all_sla_hours(store.settings_dict())[SETTING]


def hours_for(table: dict[str, float], priority: str | None) -> float:
    return table.get(priority or "normal", table["normal"])


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


def working_hours(start: dt.datetime, end: dt.datetime, week: Week) -> float:
    """Hours between two moments that fall within the working week (local days and times)."""
    total, day = 0.0, start.astimezone(week.zone).date()
    last = end.astimezone(week.zone).date()
    while day <= last:
        if day.isoweekday() in week.days:
            opens = dt.datetime.combine(day, week.opens, tzinfo=week.zone).astimezone(UTC)
            closes = (dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=week.zone) if week.closes == dt.time.max
                      else dt.datetime.combine(day, week.closes, tzinfo=week.zone)).astimezone(UTC)
            lo, hi = max(opens, start.astimezone(UTC)), min(closes, end.astimezone(UTC))
            if hi > lo:
                total += (hi - lo).total_seconds() / 3600
        day += dt.timedelta(days=1)
    return total


def waited(start: dt.datetime, end: dt.datetime, week: Week | None) -> float:
    """Hours waited between two moments: working hours with a working week, else clock hours."""
    if week is None:
        return (end - start).total_seconds() / 3600
    return working_hours(start, end, week)
