"""Hours within which a ticket should get its first response, per priority (the workspace setting
`ticket_sla_hours`, e.g. "urgent=1,high=4,medium=24,low=72"); an `unanswered` ticket rule with
`hours=sla` reads them. Priorities the setting leaves out keep their default.
"""

from __future__ import annotations

from pulso.goals.scopes import GoalError
from pulso.store.choices import TICKET_PRIORITIES

SETTING = "ticket_sla_hours"
DEFAULT_SLA_HOURS = {"urgent": 1, "high": 4, "medium": 24, "low": 72}
NO_PRIORITY = "medium"  # a ticket without a priority is held to the medium one's hours


def parse(text: str | None) -> dict[str, float]:
    """The hours per priority a setting's value gives (defaults for the rest), or a GoalError."""
    out: dict[str, float] = dict(DEFAULT_SLA_HOURS)
    for item in (text or "").split(","):
        if not item.strip():
            continue
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or name not in TICKET_PRIORITIES:
            raise GoalError(f"{SETTING}: '{item.strip()}' is not PRIORITY=HOURS with a priority of "
                            f"{', '.join(TICKET_PRIORITIES)}")
        try:
            hours = float(value)
        except ValueError:
            raise GoalError(f"{SETTING}: '{value.strip()}' is not a number of hours") from None
        if not 0 < hours <= 24 * 365:
            raise GoalError(f"{SETTING}: {name} needs from 0 to 8760 hours, not {value.strip()}")
        out[name] = hours
    return out


def text(hours: dict[str, float]) -> str:
    """The setting's value for hours per priority."""
    return ",".join(f"{p}={hours[p]:g}" for p in ("urgent", "high", "medium", "low") if p in hours)


def sla_hours(store) -> dict[str, float]:
    """The workspace's hours per priority (the defaults when the setting is absent)."""
    return parse(store.settings_dict().get(SETTING))


def hours_for(table: dict[str, float], priority: str | None) -> float:
    return table.get(priority or NO_PRIORITY, table[NO_PRIORITY])
