"""What the SLA KPIs read besides the tickets: the SLA hours per priority, and, once the workspace
sets a working week (pulso.store.workweek), a working calendar to count working hours in SQL.

The calendar is an input table like the periods (handed in when the query runs, so the compiled SQL
names no zone, day or hour): one row per local day over the span the query's tickets need, with the
day's bounds and its working opening and closing instants in UTC and the working seconds of the
days before it. A moment's *working-time coordinate* is the working seconds before its day plus
those of its day up to it (none before opening, the whole day's after closing); the working time
between two moments is the difference of their coordinates: a range join per moment, no Python
per row. A ticket opened on Friday at 17:00 and answered on Monday at 10:00 (09:00–18:00 Monday to
Friday) is 2 working hours apart: the alerts' `working_hours` gives the same (one definition).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping, Sequence

import ibis
import pyarrow as pa

from pulso.catalog.sources import seconds_between
from pulso.store.settings import sla_hours
from pulso.store.workweek import UTC, Week, days

SLA_TABLE = "pulso_sla"  # one row per ticket priority ('' for none): its first-response and resolution hours
SLA_SCHEMA = ibis.schema({"_sla_priority": "string", "_sla_first_response": "float64", "_sla_resolution": "float64"})
WORKCAL_TABLE = "pulso_workcal"
WORKCAL_SCHEMA = ibis.schema({"_wc_key": "int64", "_wc_start": "timestamp('UTC')", "_wc_end": "timestamp('UTC')",
                              "_wc_open": "timestamp('UTC')", "_wc_length": "float64", "_wc_before": "float64"})
EPOCH = ibis.timestamp("1970-01-01 00:00:00", timezone="UTC")
MARGIN = dt.timedelta(days=2)  # around the span, for the local days of its first and last instants
MOST_DAYS = 100 * 366  # a calendar longer than a century is cut (a moment beyond it has no coordinate)


def sla_table(settings: Mapping[str, str]) -> pa.Table:
    """The SLA hours per ticket priority for SLA_TABLE: one row per priority of the settings,
    '' (tickets with no priority) with the "normal" hours."""
    hours = sla_hours(settings)
    first, resolution = hours["sla_first_response_hours"], hours["sla_resolution_hours"]
    names = sorted(set(first) | set(resolution))
    rows = [("" if name == "normal" else name, first.get(name, first["normal"]),
             resolution.get(name, resolution["normal"])) for name in names]
    return pa.table({"_sla_priority": pa.array([r[0] for r in rows], pa.string()),
                     "_sla_first_response": pa.array([r[1] for r in rows], pa.float64()),
                     "_sla_resolution": pa.array([r[2] for r in rows], pa.float64())})


def placeholder() -> Any:
    """The working calendar as queries name it."""
    return ibis.table(WORKCAL_SCHEMA, name=WORKCAL_TABLE)


def working_time(t: Any, columns: Sequence[str], cal: Any) -> Any:
    """`t` with the working-time coordinate (seconds, float) of each instant column `c` as `_w_<c>`
    (null for a null instant): a left join per column to the calendar's local day the instant falls
    in, found by its UTC day (a hash join: a range join alone compares every row with every day)."""
    for column in columns:
        new = [f"_wc{n}_{column}" for n in range(len(WORKCAL_SCHEMA))]
        c = cal.rename(dict(zip(new, WORKCAL_SCHEMA.names))).view()
        ts = t[column]
        j = t.left_join(c, [utc_day(ts) == c[new[0]], ts >= c[new[1]], ts < c[new[2]]])
        since_opening = ibis.greatest(ibis.least(seconds_between(j[new[3]], j[column]), j[new[4]]), 0.0)
        t = j.mutate(**{f"_w_{column}": j[new[5]] + since_opening}).drop(*new)
    return t


def utc_day(ts: Any) -> Any:
    """The UTC calendar day of an instant, as days since 1970-01-01 (the calendar's `_wc_key`)."""
    return (seconds_between(EPOCH, ts) / 86400.0).floor().cast("int64")


def bounds_expr(src: Mapping[str, Any]) -> Any:
    """The earliest and latest instants of the tickets (one row), for the calendar's span."""
    t = src["tickets"]
    return t.aggregate(first=t.opened_at.min(), last_opened=t.opened_at.max(),
                       last_response=t.first_response_at.max(), last_resolved=t.resolved_at.max())


def calendar(week: Week, windows: Sequence[tuple[dt.datetime, dt.datetime]], bounds: Mapping[str, Any],
             now: dt.datetime | None = None) -> pa.Table:
    """The working calendar for a query: every local day from the first instant it reads (the
    start of its windows, or of the tickets if later) to the last (the end of its windows, the
    latest ticket instant or now, whichever is latest), the days before included in `_wc_before`."""
    def instant(value: Any) -> dt.datetime | None:
        if value is None:
            return None
        value = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    lo = min(w[0] for w in windows)
    first_ticket = instant(bounds.get("first"))
    lo = max(lo, first_ticket) if first_ticket is not None else lo
    his = [w[1] for w in windows] + [now or dt.datetime.now(UTC)] + [instant(bounds.get(k)) for k in ("last_opened", "last_response", "last_resolved")]
    hi = max(h for h in his if h is not None)
    first, last = (lo - MARGIN).astimezone(week.zone).date(), (hi + MARGIN).astimezone(week.zone).date()
    last = min(last, first + dt.timedelta(days=MOST_DAYS))
    rows, before, epoch = [], 0.0, dt.datetime(1970, 1, 1, tzinfo=UTC)
    for day in days(week, first, last):
        # a row per UTC day the local day touches (two, but for a zone at UTC), so an instant
        # finds its local day by its UTC day
        for key in range((day.start - epoch).days, (day.end - dt.timedelta(microseconds=1) - epoch).days + 1):
            rows.append((key, day.start, day.end, day.opens, day.seconds, before))
        before += day.seconds
    columns = list(zip(*rows)) if rows else [[]] * 6
    stamp = pa.timestamp("us", tz="UTC")
    return pa.table({"_wc_key": pa.array(columns[0], pa.int64()), "_wc_start": pa.array(columns[1], stamp),
                     "_wc_end": pa.array(columns[2], stamp), "_wc_open": pa.array(columns[3], stamp),
                     "_wc_length": pa.array(columns[4], pa.float64()), "_wc_before": pa.array(columns[5], pa.float64())})
