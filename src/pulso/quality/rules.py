"""Validation rules per table, each a SQLAlchemy condition that marks an offending row.

The store already refuses what can never be right (negative amounts, a close before the
creation); these rules find what is allowed but hurts the KPIs: records nobody can contact,
without owner or source, won deals without amount, open deals nobody touched for months.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable

import sqlalchemy as sa

from pulso.store import Store, schema

STALE_DAYS = 90


@dataclass(frozen=True)
class Rule:
    """A check on one table: `bad(table, now)` is true for an offending row."""

    table: str
    key: str
    label: tuple[str, str]  # Spanish, English: "{pct} de ..." sentences
    bad: Callable[[sa.Table, dt.datetime], sa.ColumnElement]


@dataclass(frozen=True)
class Finding:
    """How many rows of a table break a rule."""

    table: str
    rule: str
    label: tuple[str, str]
    bad: int
    total: int

    @property
    def share(self) -> float:
        """Offending rows ÷ rows (0 for an empty table)."""
        return self.bad / self.total if self.total else 0.0


def _blank(c: sa.ColumnElement) -> sa.ColumnElement:
    return sa.or_(c.is_(None), sa.func.trim(c) == "")


def _no_contact(t, now):
    return sa.and_(_blank(t.c.email), _blank(t.c.phone))


def _before(later: str, earlier: str):
    return lambda t, now: sa.and_(t.c[later].is_not(None), t.c[earlier].is_not(None), t.c[later] < t.c[earlier])


RULES: tuple[Rule, ...] = (
    Rule("accounts", "no_contact", ("de los clientes no tienen e-mail ni teléfono", "of customers have neither e-mail nor phone"), _no_contact),
    Rule("accounts", "no_owner", ("de los clientes no tienen responsable", "of customers have no owner"), lambda t, now: t.c.owner_id.is_(None)),
    Rule("accounts", "no_source", ("de los clientes no tienen origen", "of customers have no source"), lambda t, now: _blank(t.c.source)),
    Rule("accounts", "dates_out_of_order", ("de los clientes tienen fechas desordenadas", "of customers have dates out of order"),
         lambda t, now: sa.or_(_before("acquired_at", "created_at")(t, now), _before("churned_at", "acquired_at")(t, now))),
    Rule("leads", "no_contact", ("de los leads no tienen e-mail ni teléfono", "of leads have neither e-mail nor phone"), _no_contact),
    Rule("leads", "no_owner", ("de los leads no tienen responsable", "of leads have no owner"), lambda t, now: t.c.owner_id.is_(None)),
    Rule("leads", "no_source", ("de los leads no tienen origen", "of leads have no source"), lambda t, now: _blank(t.c.source)),
    Rule("leads", "dates_out_of_order", ("de los leads tienen fechas desordenadas", "of leads have dates out of order"),
         lambda t, now: sa.or_(_before("mql_at", "created_at")(t, now), _before("sql_at", "mql_at")(t, now),
                               _before("converted_at", "created_at")(t, now))),
    Rule("deals", "no_amount", ("de las oportunidades no tienen importe", "of deals lack an amount"), lambda t, now: t.c.amount.is_(None)),
    Rule("deals", "won_without_amount", ("de las oportunidades ganadas no tienen importe", "of won deals lack an amount"),
         lambda t, now: sa.and_(t.c.status == "won", t.c.amount.is_(None))),
    Rule("deals", "negative_amount", ("de las oportunidades tienen importe negativo", "of deals have a negative amount"),
         lambda t, now: t.c.amount < 0),
    Rule("deals", "no_owner", ("de las oportunidades no tienen responsable", "of deals have no owner"), lambda t, now: t.c.owner_id.is_(None)),
    Rule("deals", "dates_out_of_order", ("de las oportunidades se cierran antes de crearse", "of deals close before they were created"),
         _before("closed_at", "created_at")),
    Rule("deals", "stale_open", (f"de las oportunidades abiertas llevan más de {STALE_DAYS} días sin cerrarse",
                                 f"of deals have been open for more than {STALE_DAYS} days"),
         lambda t, now: sa.and_(t.c.status == "open", t.c.created_at < now - dt.timedelta(days=STALE_DAYS))),
    Rule("tickets", "no_owner", ("de los casos no tienen responsable", "of tickets have no owner"), lambda t, now: t.c.owner_id.is_(None)),
    Rule("tickets", "dates_out_of_order", ("de los casos se resuelven antes de abrirse", "of tickets are resolved before they opened"),
         _before("resolved_at", "opened_at")),
)

#: Which rule's dirt a KPI's tile mentions: the inputs it cannot do without.
KPI_INPUTS: dict[str, tuple[str, str]] = {
    **{k: ("deals", "no_amount") for k in ("revenue_won", "average_deal_value", "pipeline_value", "weighted_pipeline",
                                           "sales_velocity", "quota_attainment", "campaign_revenue")},
    **{k: ("deals", "no_owner") for k in ("close_rate",)},
    **{k: ("accounts", "no_source") for k in ("customer_acquisition_cost",)},
    **{k: ("leads", "no_source") for k in ("leads_by_source",)},
    **{k: ("tickets", "no_owner") for k in ("tickets_resolved_per_day",)},
    "data_completeness": ("accounts", "no_contact"),
}
WARN_FROM = 0.01  # a tile mentions dirt from 1 % of the rows


def check(store: Store, tables: tuple[str, ...] | None = None, *, now: dt.datetime | None = None) -> list[Finding]:
    """Every rule's count of offending rows, in one query per table."""
    now = now or dt.datetime.now(dt.timezone.utc)
    out = []
    with store.engine.connect() as conn:
        for name in dict.fromkeys(r.table for r in RULES):
            if tables and name not in tables:
                continue
            t = schema.table(name)
            rules = [r for r in RULES if r.table == name]
            cols = [sa.func.count().label("total")] + [
                sa.func.coalesce(sa.func.sum(sa.case((r.bad(t, now), 1), else_=0)), 0).label(r.key) for r in rules]
            row = conn.execute(sa.select(*cols).select_from(t)).mappings().one()
            out += [Finding(name, r.key, r.label, int(row[r.key]), int(row["total"])) for r in rules]
    return out


def completeness(store: Store, table: str) -> dict[str, float | None]:
    """Share of rows with a value, per optional field (None for an empty table)."""
    t = schema.table(table)
    fields = [c for c in t.columns if c.nullable and not c.primary_key and c.name != "external_id"]
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(sa.func.count().label("_n"), *(sa.func.count(c).label(c.name) for c in fields))).mappings().one()
    n = row["_n"]
    return {c.name: (row[c.name] / n if n else None) for c in fields}


def kpi_warnings(store: Store) -> dict[str, Finding]:
    """KPI key → the finding its tile should mention (only those above WARN_FROM)."""
    findings = {(f.table, f.rule): f for f in check(store, tuple({t for t, _ in KPI_INPUTS.values()}))}
    return {k: findings[i] for k, i in KPI_INPUTS.items() if i in findings and findings[i].share >= WARN_FROM}


def warning_text(finding: Finding, lang: str = "es") -> str:
    """'12 % de las oportunidades no tienen importe' in the page's language."""
    pct = f"{100 * finding.share:.0f}".replace(".", ",")
    return f"{pct} % {finding.label[0 if lang == 'es' else 1]}"
