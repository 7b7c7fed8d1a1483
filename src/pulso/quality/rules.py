"""Validation rules per table, declared once: which rows a rule is about (their state), what marks
an offending one, why it matters, and which field a person sets to fix it.

The store already refuses what can never be right (negative amounts, a close before the
creation); these rules find what is allowed but hurts the KPIs: records nobody can contact,
without owner or source, won deals without amount, lost deals without a reason, tickets answered
without a first response... A rule only counts rows in the state where it makes sense (`when`):
a lost reason is asked of lost deals, an amount of open and won deals, a first response of tickets
that are no longer new. (A closed deal without a close date never gets in: the store refuses it.)

The four checks of the `data_completeness` KPI (contact, owner, source, consistent dates of
accounts and leads) are not repeated here: those rules read the catalog's own conditions
(`pulso.catalog.quality.COMPLETENESS_CHECKS`), compiled to SQL, so that the page and the KPI count
the same rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

import ibis
import sqlalchemy as sa

from pulso.catalog.quality import COMPLETENESS_CHECKS
from pulso.catalog.sources import building_for, tables

STALE_DAYS = 90
CLOSED = ("won", "lost")
ANSWERED = ("pending", "resolved", "closed")  # a ticket no longer new ("open" is the state it arrives in)
DONE = ("resolved", "closed")

Condition = Callable[[sa.Table, dt.datetime], sa.ColumnElement]


@dataclass(frozen=True)
class Rule:
    """A check on one table: `bad(table, now)` is true for an offending row among those `when(table)`
    is about (None: every row); `bad=None` reads the catalog's check of the same key."""

    table: str
    key: str
    label: tuple[str, str]  # Spanish, English: "{pct} de ..." sentences
    bad: Condition | None
    when: Callable[[sa.Table], sa.ColumnElement] | None = None
    why: tuple[str, str] = ("", "")
    fix: str | None = None  # the field that fixes a row: owner_id, source, lost_reason, first_response_at...

    def about(self, t: sa.Table) -> sa.ColumnElement:
        """The rows this rule is about."""
        return sa.true() if self.when is None else self.when(t)

    def offending(self, t: sa.Table, now: dt.datetime, dialect: str) -> sa.ColumnElement:
        """The rows that break it (always inside `about`)."""
        bad = catalog_failing(self.table, self.key, dialect, t) if self.bad is None else self.bad(t, now)
        return bad if self.when is None else sa.and_(self.when(t), bad)


@dataclass(frozen=True)
class Finding:
    """How many rows of a table break a rule, among the rows it is about."""

    table: str
    rule: str
    label: tuple[str, str]
    bad: int
    total: int
    why: tuple[str, str] = field(default=("", ""))
    fix: str | None = None

    @property
    def share(self) -> float:
        """Offending rows ÷ rows the rule is about (0 when there are none)."""
        return self.bad / self.total if self.total else 0.0


@lru_cache(maxsize=64)
def _catalog_sql(table: str, key: str, dialect: str) -> str:
    checks = dict(COMPLETENESS_CHECKS[table])
    with building_for(dialect):
        t = tables()[table]
        expr = t.filter(~checks[key](t).fill_null(False)).select("id")
        return ibis.to_sql(expr, dialect=dialect, pretty=False)


def catalog_failing(table: str, key: str, dialect: str, t: sa.Table) -> sa.ColumnElement:
    """Rows of `table` that fail the data_completeness check `key`, in the catalog's own terms."""
    ids = sa.select(sa.literal_column("id")).select_from(sa.text(f"({_catalog_sql(table, key, dialect)}) AS _failing"))
    return t.c.id.in_(ids)


def _blank(c: sa.ColumnElement) -> sa.ColumnElement:
    return sa.or_(c.is_(None), sa.func.trim(c) == "")


def _before(later: str, earlier: str) -> Condition:
    return lambda t, now: sa.and_(t.c[later].is_not(None), t.c[earlier].is_not(None), t.c[later] < t.c[earlier])


def _status(*values: str) -> Callable[[sa.Table], sa.ColumnElement]:
    return lambda t: t.c.status.in_(values)


_WHY_CONTACT = ("Sin e-mail válido ni teléfono nadie puede contactar con él: la completitud de datos baja.",
                "Without a valid e-mail or phone nobody can reach them: data completeness drops.")
_WHY_OWNER = ("Sin responsable nadie lo atiende, y no cuenta en los KPI por persona ni por equipo.",
              "Without an owner nobody follows it up, and it is missing from the KPIs per person and team.")
_WHY_SOURCE = ("Sin origen no se sabe qué canal lo trajo: el coste de adquisición y los leads por origen fallan.",
               "Without a source nobody knows which channel brought it: acquisition cost and leads by source suffer.")
_WHY_DATES = ("Con fechas desordenadas los tiempos de conversión y de ciclo salen mal.",
              "With dates out of order, conversion and cycle times come out wrong.")

RULES: tuple[Rule, ...] = (
    Rule("accounts", "no_contact", ("de los clientes no tienen e-mail válido ni teléfono",
                                    "of customers have neither a valid e-mail nor a phone"), None, why=_WHY_CONTACT),
    Rule("accounts", "no_owner", ("de los clientes no tienen responsable", "of customers have no owner"), None,
         why=_WHY_OWNER, fix="owner_id"),
    Rule("accounts", "no_source", ("de los clientes no tienen origen", "of customers have no source"), None,
         why=_WHY_SOURCE, fix="source"),
    Rule("accounts", "dates_out_of_order", ("de los clientes tienen fechas desordenadas", "of customers have dates out of order"),
         None, why=_WHY_DATES),
    Rule("leads", "no_contact", ("de los leads no tienen e-mail válido ni teléfono", "of leads have neither a valid e-mail nor a phone"),
         None, why=_WHY_CONTACT),
    Rule("leads", "no_owner", ("de los leads no tienen responsable", "of leads have no owner"), None, why=_WHY_OWNER,
         fix="owner_id"),
    Rule("leads", "no_source", ("de los leads no tienen origen", "of leads have no source"), None, why=_WHY_SOURCE, fix="source"),
    Rule("leads", "dates_out_of_order", ("de los leads tienen fechas desordenadas", "of leads have dates out of order"),
         None, why=_WHY_DATES),
    Rule("deals", "no_amount", ("de las oportunidades abiertas o ganadas no tienen importe", "of open or won deals lack an amount"),
         lambda t, now: t.c.amount.is_(None), when=_status("open", "won"),
         why=("Sin importe no cuentan en ingresos, valor medio ni pipeline.",
              "Without an amount they are missing from revenue, average deal value and pipeline.")),
    Rule("deals", "won_without_amount", ("de las oportunidades ganadas no tienen importe", "of won deals lack an amount"),
         lambda t, now: t.c.amount.is_(None), when=_status("won"),
         why=("Una venta sin importe no suma a los ingresos ganados.", "A sale without an amount adds nothing to revenue won.")),
    Rule("deals", "negative_amount", ("de las oportunidades tienen importe negativo", "of deals have a negative amount"),
         lambda t, now: t.c.amount < 0,
         why=("Un importe negativo resta de los ingresos y del pipeline.", "A negative amount takes away from revenue and pipeline.")),
    Rule("deals", "no_owner", ("de las oportunidades no tienen responsable", "of deals have no owner"),
         lambda t, now: t.c.owner_id.is_(None), why=_WHY_OWNER, fix="owner_id"),
    Rule("deals", "dates_out_of_order", ("de las oportunidades se cierran antes de crearse", "of deals close before they were created"),
         _before("closed_at", "created_at"),
         why=("El ciclo de venta sale negativo.", "The sales cycle comes out negative.")),
    Rule("deals", "lost_without_reason", ("de las oportunidades perdidas no tienen motivo", "of lost deals have no reason"),
         lambda t, now: _blank(t.c.lost_reason), when=_status("lost"), fix="lost_reason",
         why=("Sin motivo no se puede saber por qué se pierden ventas.", "Without a reason nobody can tell why sales are lost.")),
    Rule("deals", "stale_open", (f"de las oportunidades abiertas llevan más de {STALE_DAYS} días sin cerrarse",
                                 f"of open deals have been open for more than {STALE_DAYS} days"),
         lambda t, now: t.c.created_at < now - dt.timedelta(days=STALE_DAYS), when=_status("open"),
         why=("Inflan el pipeline con ventas que probablemente no llegarán.", "They inflate the pipeline with sales that will probably not come.")),
    Rule("tickets", "no_owner", ("de los casos no tienen responsable", "of tickets have no owner"),
         lambda t, now: t.c.owner_id.is_(None), why=_WHY_OWNER, fix="owner_id"),
    Rule("tickets", "no_first_response", ("de los casos ya atendidos no tienen primera respuesta",
                                          "of tickets past new have no first response"),
         lambda t, now: t.c.first_response_at.is_(None), when=_status(*ANSWERED), fix="first_response_at",
         why=("Sin primera respuesta el tiempo de respuesta y el cumplimiento del SLA no los cuentan.",
              "Without a first response, response time and SLA compliance leave them out.")),
    Rule("tickets", "resolved_without_date", ("de los casos resueltos o cerrados no tienen fecha de resolución",
                                              "of resolved or closed tickets have no resolution date"),
         lambda t, now: t.c.resolved_at.is_(None), when=_status(*DONE), fix="resolved_at",
         why=("Sin fecha de resolución no cuentan en los casos resueltos ni en el tiempo de resolución.",
              "Without a resolution date they are missing from tickets resolved and resolution time.")),
    Rule("tickets", "dates_out_of_order", ("de los casos se resuelven antes de abrirse", "of tickets are resolved before they opened"),
         _before("resolved_at", "opened_at"),
         why=("El tiempo de resolución sale negativo.", "Resolution time comes out negative.")),
)
BY_KEY = {f"{r.table}.{r.key}": r for r in RULES}

#: Optional fields that only make sense in some states: completeness counts them among those rows.
#: Fields that are themselves a state (acquired_at, converted_at, churned_at...) are not counted.
FIELD_STATES: dict[tuple[str, str], Callable[[sa.Table], sa.ColumnElement] | None] = {
    ("accounts", "acquired_at"): None, ("accounts", "churned_at"): None,
    ("accounts", "churn_reason"): lambda t: t.c.churned_at.is_not(None),
    ("leads", "mql_at"): None, ("leads", "sql_at"): None, ("leads", "converted_at"): None,
    ("leads", "disqualified_at"): None, ("leads", "account_id"): lambda t: t.c.converted_at.is_not(None),
    ("leads", "disqualified_reason"): lambda t: t.c.disqualified_at.is_not(None),
    ("deals", "closed_at"): _status(*CLOSED), ("deals", "lost_reason"): _status("lost"),
    ("deals", "expected_close_at"): _status("open"),
    ("tickets", "first_response_at"): _status(*ANSWERED),
    ("tickets", "first_response_automated"): lambda t: t.c.first_response_at.is_not(None),
    ("tickets", "resolved_at"): _status(*DONE),
}

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
