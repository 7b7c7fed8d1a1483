"""Hours within which a ticket should get its first response, per priority: the workspace setting
`sla_first_response_hours` (read by `pulso.store.settings.sla_hours`, the one reader, which the
catalog's SLA KPIs use too). An `unanswered` ticket rule with `hours=sla` reads them; a ticket
without a priority (or with one the setting does not list) is held to the "normal" hours.
"""

from __future__ import annotations

from pulso.store.settings import sla_hours as _all_sla_hours

SETTING = "sla_first_response_hours"


def sla_hours(store) -> dict[str, float]:
    """The workspace's first-response hours per priority (the defaults when the setting is absent)."""
    return _all_sla_hours(store.settings_dict())[SETTING]


def hours_for(table: dict[str, float], priority: str | None) -> float:
    return table.get(priority or "normal", table["normal"])
