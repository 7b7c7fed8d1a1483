"""Alerts that explain themselves: rules, evaluation, inbox, e-mail and webhook, schedule.

    from pulso import alerts
    alerts.create_rule(store, engine, kind="peers", kpi="lead_conversion_rate", scope="company")
    alerts.run(store, engine)            # new alerts, each raised once, notified by its channel
    alerts.inbox(store, caller=..., limit=50, offset=0)   # open alerts the caller sees, newest first

`on_data` runs the rules after new data arrives; `pulso.jobs.subscribe()` registers it with
`pulso.events` (the CLI and the web app call it at start-up), and `pulso.jobs` holds the in-server
schedule. See docs/alerts.md.
"""

from __future__ import annotations

import logging

from pulso.alerts.channels import ChannelError
from pulso.alerts.inbox import deliver, evaluate_rule, run
from pulso.alerts.views import acknowledge, count, deliveries, inbox, snooze
from pulso.alerts.rules import CHANNELS, KINDS, create_rule, delete_rule, rules
from pulso.engine import engine_for

__all__ = ["CHANNELS", "ChannelError", "KINDS", "acknowledge", "count", "create_rule", "delete_rule",
           "deliver", "deliveries", "evaluate_rule", "inbox", "on_data", "rules", "run", "snooze"]

log = logging.getLogger(__name__)


def on_data(store, *, source: str, tables=()) -> None:
    """Run the rules after new data arrives (an import or an API batch)."""
    if not rules(store, enabled_only=True):
        return
    result = run(store, engine_for(store))  # the store's one engine (pulso.engine keeps it)
    log.info("alerts after %s: %d raised", source, len(result["raised"]))
