"""Workspace settings rows: the time zone, the currency and the data version every write bumps.

Pure functions on an open connection, shared by the store's life cycle (`store.py`), its batch
writes (`writes.py`) and the other writers (records, goals, exchange rates).
"""

from __future__ import annotations

import re
from typing import Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from pulso.errors import ConfigError
from pulso.store import schema

DEFAULT_SETTINGS = {"timezone": "UTC", "currency": "EUR", "data_version": "0"}


def check_timezone(name: str) -> str:
    """An IANA time zone name, or a clear error."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"unknown time zone '{name}'; use an IANA name such as Europe/Madrid or America/Mexico_City") from None
    return name


def check_currency(code: str) -> str:
    """A three-letter ISO 4217 code, or a clear error."""
    if not re.fullmatch(r"[A-Z]{3}", code or ""):
        raise ConfigError(f"'{code}' is not a currency code; use three capital letters such as EUR, MXN or USD")
    return code


def put_settings(conn: sa.Connection, values: Mapping[str, str]) -> None:
    """Insert or replace settings inside the caller's transaction."""
    t = schema.workspace_settings
    for key, value in values.items():
        stmt = pg_insert(t).values(key=key, value=str(value))
        conn.execute(stmt.on_conflict_do_update(index_elements=[t.c.key], set_={"value": stmt.excluded.value}))


def timezone_on(conn: sa.Connection) -> ZoneInfo:
    """The workspace's time zone, read inside the caller's transaction."""
    t = schema.workspace_settings
    found = conn.execute(sa.select(t.c.value).where(t.c.key == "timezone")).scalars().all()  # all: DuckDB's
    return ZoneInfo(found[0] if found and found[0] else "UTC")  # result ends, else registering a batch fails


def bump_version(conn: sa.Connection) -> None:
    """Add one to the data version, which caches of KPI results key on."""
    t = schema.workspace_settings
    current = conn.execute(sa.select(t.c.value).where(t.c.key == "data_version")).scalar()
    put_settings(conn, {"data_version": str(int(current or 0) + 1)})


# -- SLA hours per ticket priority (the SLA KPIs of the catalog, the starter alert rules) --------

SLA_SETTINGS = ("sla_first_response_hours", "sla_resolution_hours")
#: hours per ticket priority; "normal" is for tickets with no priority (and any priority not listed)
DEFAULT_SLA_HOURS = {
    "sla_first_response_hours": {"urgent": 1.0, "high": 4.0, "medium": 8.0, "low": 24.0, "normal": 8.0},
    "sla_resolution_hours": {"urgent": 8.0, "high": 24.0, "medium": 72.0, "low": 120.0, "normal": 72.0},
}


def parse_sla_hours(text: str) -> dict[str, float]:
    """'urgent=1,high=4,normal=8' as {priority: hours}; a clear error for anything else."""
    out: dict[str, float] = {}
    for item in (text or "").split(","):
        if not item.strip():
            continue
        name, sep, hours = item.partition("=")
        try:
            value = float(hours) if sep else -1.0
        except ValueError:
            value = -1.0
        if not name.strip() or not value > 0 or value == float("inf"):
            raise ConfigError(f"'{item.strip()}' is not priority=hours; write e.g. urgent=1,high=4,normal=8")
        out[name.strip()] = value
    return out


def sla_hours(settings: Mapping[str, str]) -> dict[str, dict[str, float]]:
    """The workspace's SLA hours, {setting: {priority: hours}}, from its settings rows: each
    setting's priorities over the defaults (DEFAULT_SLA_HOURS). The one reader of these settings."""
    return {key: {**DEFAULT_SLA_HOURS[key], **parse_sla_hours(settings.get(key, ""))} for key in SLA_SETTINGS}
