"""Hours within which a ticket should get its first response, per priority: the workspace setting
`sla_first_response_hours` (read by `pulso.store.settings.sla_hours`, the one reader, which the
catalog's SLA KPIs use too). An `unanswered` ticket rule with `hours=sla` reads them; a ticket
without a priority (or with one the setting does not list) is held to the "normal" hours.

Working hours: once the workspace sets its working week (`working_days`, `working_hours` on the
settings page), the `unanswered` rules (leads and tickets) count the hours a record waited in
working hours only, in the workspace's time zone: a ticket opened on Friday at 17:00 and answered
on Monday at 10:00 waited 2 working hours with 09:00–18:00 Monday to Friday. With neither set, they
count clock hours. The working week is defined once, in pulso.store.workweek, which the catalog's
SLA KPIs count by too (pulso.engine.workcal), so a KPI and an alert agree about a ticket.

The boundary (../shared/KPIS.md: answered *within* the hours is met; unanswered, missed once the
deadline *has passed*): a record breaches its limit only when it waited strictly more than it
(`breached`). Answered exactly at the limit is met; unanswered exactly at the limit is not yet
late. The SLA KPIs compare the same way (catalog/service.py `_sla_part`: within `<=`, late `>`).
"""

from __future__ import annotations

import datetime as dt

from pulso.store.settings import sla_hours as _all_sla_hours
from pulso.store.workweek import Week, working_hours, working_week

__all__ = ["SETTING", "Week", "breached", "hours_for", "sla_hours", "waited", "working_hours", "working_week"]

SETTING = "sla_first_response_hours"


def sla_hours(store) -> dict[str, float]:
    """The workspace's first-response hours per priority (the defaults when the setting is absent)."""
    return _all_sla_hours(store.settings_dict())[SETTING]


def hours_for(table: dict[str, float], priority: str | None) -> float:
    return table.get(priority or "normal", table["normal"])


def waited(start: dt.datetime, end: dt.datetime, week: Week | None) -> float:
    """Hours waited between two moments: working hours with a working week, else clock hours."""
    if week is None:
        return (end - start).total_seconds() / 3600
    return working_hours(start, end, week)


def breached(waited_hours: float, limit: float) -> bool:
    """Whether a record that waited `waited_hours` (answered, or not yet) is past its `limit`:
    strictly more than the limit; exactly at it is within (the SLA KPIs' boundary too)."""
    return waited_hours > limit
