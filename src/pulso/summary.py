"""Headline figures for `pulso status` and `pulso demo`: a first look at a workspace.

Every figure is a catalog KPI computed by the engine, company-wide, so `pulso status` shows what
the KPI pages and `pulso kpi show` show for the same period: the twelve months (365 days) that
end with the day of the newest deal, in the workspace's time zone.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from pulso.i18n import N_, translate
from pulso.store import schema as s

#: (KPI key, label): KPIs over the period, then KPIs of what is open at its end.
OVER_THE_PERIOD = ("revenue_won", "close_rate", "new_customers")
AT_THE_END = ("open_opportunities", "pipeline_value")
#: What the figures say of a workspace without deals (the table, and a Spanish msgid).
NO_DATA = ("deals", N_("ninguna todavía: ejecute `pulso demo` o importe sus datos"))


def headline_period(store) -> tuple[dt.date, dt.date] | None:
    """[start, end) of the headline figures: the 365 days up to the newest deal's day, or None."""
    with store.engine.connect() as conn:
        last = conn.execute(sa.select(sa.func.max(s.deals.c.created_at))).scalar()
    if last is None:
        return None
    if last.tzinfo is None:  # stored timestamps are UTC
        last = last.replace(tzinfo=dt.timezone.utc)
    end = last.astimezone(store.timezone).date() + dt.timedelta(days=1)
    return end - dt.timedelta(days=365), end


def headline_values(store, engine=None) -> dict[str, float | None] | None:
    """{KPI key: value} of the headline KPIs over `headline_period`, or None without deals."""
    from pulso.engine import Engine

    period = headline_period(store)
    if period is None:
        return None
    engine = engine or Engine(store)
    start, end = period
    found = engine.query_many((*OVER_THE_PERIOD, *AT_THE_END), start=start, end=end)
    return {key: (found[key].rows[0]["value"] if found[key].rows else None) for key in (*OVER_THE_PERIOD, *AT_THE_END)}


def headline_figures(store, engine=None, lang: str = "en") -> list[tuple[str, str]]:
    """(label, formatted value) pairs: the headline KPIs, named as the catalog names them, in `lang`
    and its number formats (47,3% and 6.586.842 € in Spanish)."""
    from pulso.catalog import load_catalog
    from pulso.formatting import fmt_value

    values = headline_values(store, engine)
    if values is None:
        return [(NO_DATA[0], translate(NO_DATA[1], lang))]
    catalog = load_catalog()
    currency = store.settings_dict().get("currency", "")
    out = []
    for key, value in values.items():
        kpi = catalog[key]
        when = translate(N_("últimos 12 meses") if key in OVER_THE_PERIOD else N_("ahora"), lang)
        out.append((f"{kpi.name[lang].lower()}, {when}", fmt_value(value, kpi.unit, lang, currency)))
    return out
