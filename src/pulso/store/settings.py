"""Workspace settings rows: the time zone, the currency and the data version every write bumps.

Pure functions on an open connection, shared by the store's life cycle (`store.py`), its batch
writes (`writes.py`) and the other writers (records, goals, exchange rates).
"""

from __future__ import annotations

import json
import re
from typing import Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from pulso.errors import ConfigError
from pulso.i18n import N_, said
from pulso.store import schema

DEFAULT_SETTINGS = {"timezone": "UTC", "currency": "EUR", "data_version": "0"}


def check_timezone(name: str) -> str:
    """An IANA time zone name, or a clear error."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise said(ConfigError, N_("zona horaria desconocida '{name}'; use un nombre IANA como Europe/Madrid o "
                                   "America/Mexico_City"), name=name) from None
    return name


def check_currency(code: str) -> str:
    """A three-letter ISO 4217 code, or a clear error."""
    if not re.fullmatch(r"[A-Z]{3}", code or ""):
        raise said(ConfigError, N_("'{code}' no es un código de moneda; use tres letras mayúsculas como EUR, MXN o USD"),
                   code=code)
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
            raise said(ConfigError, N_("'{item}' no es prioridad=horas; escriba p. ej. urgent=1,high=4,normal=8"),
                       item=item.strip())
        out[name.strip()] = value
    return out


def sla_hours(settings: Mapping[str, str]) -> dict[str, dict[str, float]]:
    """The workspace's SLA hours, {setting: {priority: hours}}, from its settings rows: each
    setting's priorities over the defaults (DEFAULT_SLA_HOURS). The one reader of these settings."""
    return {key: {**DEFAULT_SLA_HOURS[key], **parse_sla_hours(settings.get(key, ""))} for key in SLA_SETTINGS}


# -- the settings page's other settings (web/routes/settings_admin.py) ---------------------------

#: the month (1-12) a fiscal year starts: quarters and years follow it (engine/periods.fiscal_start)
FISCAL_YEAR_START = "fiscal_year_start"
#: the working week: ISO weekdays (1 Monday … 7 Sunday) and the hours of a working day (store/workweek.py)
WORKING_DAYS, WORKING_HOURS = "working_days", "working_hours"
DEFAULT_WORKING = {WORKING_DAYS: "1,2,3,4,5", WORKING_HOURS: "09:00-18:00"}
#: people's labels of stored values, {dimension: {value: {language: label}}} as JSON
VALUE_LABELS = "value_labels"
LABELLED = ("source", "channel", "priority", "stage")
LABEL_LENGTH = 80


def check_fiscal_year_start(text: str) -> str:
    """A month number 1-12 as text, or a clear error."""
    if not (text or "").strip().isdigit() or not 1 <= int(text) <= 12:
        raise said(ConfigError, N_("fiscal_year_start es un mes de 1 a 12, no '{text}'"), text=text)
    return str(int(text))


def check_working_days(text: str) -> str:
    """ISO weekdays '1,2,3,4,5' (at least one, 1-7, each once, in order), or a clear error."""
    items = [d.strip() for d in (text or "").split(",") if d.strip()]
    if not items or any(not d.isdigit() or not 1 <= int(d) <= 7 for d in items) or len(set(items)) < len(items):
        raise said(ConfigError, N_("working_days son días de la semana de 1 (lunes) a 7 (domingo) como 1,2,3,4,5, "
                                   "no '{text}'"), text=text)
    return ",".join(str(d) for d in sorted(int(d) for d in items))


def check_working_hours(text: str) -> str:
    """'09:00-18:00' (start before end, within one day), or a clear error."""
    found = re.fullmatch(r"([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]|24):([0-5]\d)", (text or "").strip())
    if not found or (found[3] == "24" and found[4] != "00") or found.group(1, 2) >= found.group(3, 4):
        raise said(ConfigError, N_("working_hours son HH:MM-HH:MM con el inicio antes del fin, no '{text}'"), text=text)
    return found[0]


def check_value_labels(text: str) -> str:
    """The JSON of VALUE_LABELS: known dimensions, es/en labels of at most LABEL_LENGTH characters."""
    try:
        data = json.loads(text or "{}")
    except ValueError:
        data = None
    ok = isinstance(data, dict) and all(
        dim in LABELLED and isinstance(values, dict) and all(
            isinstance(langs, dict) and all(lang in ("es", "en") and isinstance(label, str)
                                            and 0 < len(label) <= LABEL_LENGTH for lang, label in langs.items())
            for langs in values.values())
        for dim, values in data.items())
    if not ok:
        raise said(ConfigError, N_("value_labels es {{dimensión: {{valor: {{es|en: etiqueta}}}}}} para {dimensions}"),
                   dimensions=", ".join(LABELLED))
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def value_labels(settings: Mapping[str, str]) -> dict[tuple[str, str, str], str]:
    """{(dimension, value, language): label} of the workspace's own labels ({} if none or unreadable)."""
    try:
        data = json.loads(check_value_labels(settings.get(VALUE_LABELS) or "{}"))
    except ConfigError:
        return {}
    return {(dim, value, lang): label for dim, values in data.items() for value, langs in values.items()
            for lang, label in langs.items()}


CHECKS = {"timezone": check_timezone, "currency": check_currency, FISCAL_YEAR_START: check_fiscal_year_start,
          WORKING_DAYS: check_working_days, WORKING_HOURS: check_working_hours, VALUE_LABELS: check_value_labels,
          **{key: (lambda text: (parse_sla_hours(text), text)[1]) for key in SLA_SETTINGS}}


#: settings an empty value unsets: no working week, hours are clock hours (store/workweek.py)
UNSETTABLE = (WORKING_DAYS, WORKING_HOURS)


def save(store, values: Mapping[str, str]) -> dict[str, str]:
    """Check every value Pulso understands (CHECKS), then store them all and bump the data version
    in one transaction (pages and results cached on the version show the change); all or nothing.
    An empty value of an UNSETTABLE setting unsets it. Returns what was stored."""
    checked = {key: "" if key in UNSETTABLE and not str(value).strip()
               else CHECKS[key](value) if key in CHECKS else str(value) for key, value in values.items()}
    with store.engine.begin() as conn:
        put_settings(conn, checked)
        bump_version(conn)
    return checked
