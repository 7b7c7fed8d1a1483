"""Web settings: built by the caller (`pulso serve`, tests, benchmarks), never at import time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pulso.config import Settings


@dataclass(frozen=True)
class WebSettings:
    """Everything the web app needs besides what the workspace itself stores."""

    store: Settings
    #: Signs session and CSRF cookies. None: use (or create) the one kept in the workspace.
    secret_key: str | None = None
    #: Send cookies over HTTPS only; turn on behind a TLS proxy.
    secure_cookies: bool = False
    session_days: int = 14
    #: Failed sign-ins allowed per e-mail, and per client address, within `throttle_minutes`.
    max_failures_per_email: int = 5
    max_failures_per_address: int = 30
    throttle_minutes: int = 15
    #: Record a `login` usage event (CRM adoption KPIs) at each sign-in. Off by default: usage
    #: events describe the CRM's use, and every write empties the KPI cache.
    record_logins: bool = False
    #: KPI results and page data kept in memory, keyed on the workspace's data_version (and an
    #: eighth as many rendered pages).
    cache_entries: int = 4096
    #: Fail on a visible string that lacks a translation (tests turn this on).
    strict_i18n: bool = False
    #: The day the default period contains; None means today in the workspace's time zone.
    today: dt.date | None = None
