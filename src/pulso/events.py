"""In-process notifications between features: who wants to know when data arrives.

An import run (or an API batch) calls `data_arrived` after its transaction commits; features
that react to new data (alert rules) subscribe with `on_data_arrived`. A failing subscriber is
logged and never undoes or blocks the write that triggered it.

Subscriptions are explicit: whoever starts Pulso subscribes the features it runs (the CLI's
start-up and the web app call `pulso.jobs.subscribe()` for the alert rules); this module knows
no feature, so nothing below the top layer imports one.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

log = logging.getLogger(__name__)

Subscriber = Callable[..., Any]
_subscribers: list[Subscriber] = []


def on_data_arrived(callback: Subscriber) -> Subscriber:
    """Register `callback(store, source=..., tables=...)`; usable as a decorator."""
    if callback not in _subscribers:
        _subscribers.append(callback)
    return callback


def data_arrived(store: Any, *, source: str, tables: tuple[str, ...] = ()) -> None:
    """Tell every subscriber that `tables` of `store` changed through `source` ("import", "api")."""
    for callback in list(_subscribers):
        try:
            callback(store, source=source, tables=tables)
        except Exception:  # a subscriber's failure must not reach the writer
            log.exception("subscriber %r failed after %s", callback, source)
