"""What a KPI declaration is made of: texts, units, timings, parts and results.

A KPI is one or more *parts*. A part reads rows of one table, places each row in periods by its
*timing* (an event time, or a snapshot at the period's start or end), attaches the dimensions the
caller asked for, and turns every row into additive *measures* (summed per period and dimension
value) and *values* (kept whole for medians). The *result* turns the summed measures into
`value`, `numerator`, `denominator` and extras. Nothing here knows a SQL dialect: the engine
compiles the declaration to an Ibis expression when a query runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Callable, Mapping

import ibis

from pulso.i18n import LANGS, translate

Expr = Any  # an Ibis table or column expression
Builder = Callable[..., Expr]


class Text(Mapping[str, str]):
    """A catalog text: declared in Spanish (the msgid), read in any language the product speaks,
    `text["en"]`, through the gettext catalog (pulso.i18n; the English is in pulso.po)."""

    __slots__ = ("es",)

    def __init__(self, es: str):
        self.es = es

    def __getitem__(self, lang: str) -> str:
        if lang not in LANGS:
            raise KeyError(lang)
        return translate(self.es, lang)

    def __iter__(self) -> Iterator[str]:
        return iter(LANGS)

    def __len__(self) -> int:
        return len(LANGS)

    def __repr__(self) -> str:
        return f"T({self.es!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Text) and other.es == self.es

    def __hash__(self) -> int:
        return hash(self.es)


def T(es: str) -> Text:  # noqa: N802 (a keyword of `pybabel extract -k T`: docs/i18n.md)
    """A catalog text, written in Spanish and marked for extraction; its English lives in the .po."""
    return Text(es)


UNITS: Mapping[str, Text] = MappingProxyType({
    "%": T("%"),
    "currency": T("moneda"),
    "count": T("número"),
    "ratio": T("razón"),
    "score": T("puntos"),
    "days": T("días"),
    "hours": T("horas"),
    "seconds": T("segundos"),
    "months": T("meses"),
    "years": T("años"),  # an extra's (customer_lifetime_years); no KPI is in years
    "currency/day": T("moneda/día"),
    "count/day": T("número/día"),
    "orders/year": T("pedidos/año"),
})

DIRECTIONS = ("up", "down", "none")

CATEGORIES: Mapping[str, Text] = MappingProxyType({
    "business_performance": T("Desempeño empresarial"),
    "user_adoption": T("Adopción de usuarios"),
    "customer_perception": T("Percepción del cliente"),
})

AREAS: Mapping[str, Text] = MappingProxyType({
    "sales": T("Ventas y conversión"),
    "retention": T("Retención y lealtad"),
    "operations": T("Eficiencia operativa"),
    "marketing": T("Marketing"),
    "data_quality": T("Calidad de datos"),
})

DIMENSIONS: Mapping[str, Text] = MappingProxyType({
    "owner": T("Responsable"),
    "team": T("Equipo"),
    "source": T("Origen"),
    "campaign": T("Campaña"),
    "segment": T("Segmento"),
    "country": T("País"),
    "channel": T("Canal"),
    "deal_kind": T("Tipo de oportunidad"),
    "priority": T("Prioridad"),
    "stage": T("Etapa"),
    "activity_type": T("Tipo de actividad"),
    "plan": T("Plan"),
    "category": T("Categoría"),
    "product": T("Producto"),
})

# -- timings: how a row is placed in a period ------------------------------------------------


@dataclass(frozen=True)
class Event:
    """The row belongs to the period its timestamp falls in: start <= column < end."""

    column: str
    kind = "event"


@dataclass(frozen=True)
class AtEnd:
    """A snapshot at the period end: start_col < end and (stop_col is null or stop_col >= end)."""

    start: str
    stop: str | None = None
    kind = "at_end"


@dataclass(frozen=True)
class AtStart:
    """A snapshot at the period start: start_col < start and (stop_col is null or stop_col >= start)."""

    start: str
    stop: str | None = None
    kind = "at_start"


@dataclass(frozen=True)
class Spanning:
    """Present for the whole period: start_col < start and (stop_col is null or stop_col >= end)."""

    start: str
    stop: str | None = None
    kind = "spanning"


@dataclass(frozen=True)
class Overlap:
    """The row's interval overlaps the period: start_col < end and (stop_col is null or stop_col > start)."""

    start: str
    stop: str | None = None
    kind = "overlap"


@dataclass(frozen=True)
class Dated:
    """Local DATE range with an inclusive end, shared out by days: `_share` = overlap ÷ range days."""

    start: str
    stop: str
    kind = "dated"


Timing = Event | AtEnd | AtStart | Spanning | Overlap | Dated


def timing_columns(timing: Timing) -> tuple[str, ...]:
    """The row columns a timing reads."""
    if isinstance(timing, Event):
        return (timing.column,)
    return tuple(c for c in (timing.start, timing.stop) if c)


@dataclass(frozen=True)
class Part:
    """Rows of one table placed in periods and turned into measures.

    `measures` are summed per period and dimension value; `values` are aggregated whole (the
    median). Every callable receives the rows already joined to their period, whose columns
    `_p_start`, `_p_end` (UTC instants), `_days` and `_years` (length of the period) are
    available. With `entity`, rows are first grouped per period and entity (a visitor, an
    account): `entity_measures(grouped rows)` gives per-entity aggregates, which `measures` read.
    """

    table: str
    dims: str
    timing: Timing
    measures: Mapping[str, Builder]
    values: Mapping[str, Builder] = field(default_factory=dict)
    where: Builder | None = None
    where_period: Builder | None = None
    rows: Builder | None = None
    entity: str | None = None
    entity_measures: Builder | None = None
    label: str | None = None

    @property
    def drill_table(self) -> str:
        """The name drill-down rows carry in their `table` field."""
        return self.label or self.table


@dataclass(frozen=True)
class Result:
    """How summed measures become value, numerator, denominator and extras."""

    kind: str  # ratio | mean | total | composite
    compute: Callable[[Expr], Mapping[str, Expr]]
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]
    extras: tuple[str, ...] = ()


def _f(x: Expr) -> Expr:
    return x.cast("float64")


def divide(num: Expr, den: Expr) -> Expr:
    """num ÷ den, null (never an error, never 0) when den is 0 or null."""
    return _f(num) / _f(den).nullif(0)


def ratio(num: str, den: str, *, scale: float = 1.0, extras: Mapping[str, Builder] | None = None) -> Result:
    """value = scale × num ÷ den."""
    extras = dict(extras or {})

    def compute(a: Expr) -> dict[str, Expr]:
        value = divide(a[num], a[den])
        return {"value": value * scale if scale != 1.0 else value, "numerator": _f(a[num]),
                "denominator": _f(a[den]), **{k: fn(a) for k, fn in extras.items()}}

    return Result("ratio", compute, (num,), (den,), tuple(extras))


def mean(total: str, count: str, *, median: str | None = None, extras: Mapping[str, Builder] | None = None) -> Result:
    """value = total ÷ count (a mean); `median` names the value whose median is reported."""
    extras = dict(extras or {})
    if median:
        extras = {"median": lambda a, m=median: _f(a[m]), **extras}

    def compute(a: Expr) -> dict[str, Expr]:
        return {"value": divide(a[total], a[count]), "numerator": _f(a[total]),
                "denominator": _f(a[count]), **{k: fn(a) for k, fn in extras.items()}}

    return Result("mean", compute, (total,), (count,), tuple(extras))


def total(col: str, *, extras: Mapping[str, Builder] | None = None) -> Result:
    """A count or a sum: value = numerator, no denominator."""
    extras = dict(extras or {})

    def compute(a: Expr) -> dict[str, Expr]:
        return {"value": _f(a[col]), "numerator": _f(a[col]), "denominator": ibis.null("float64"),
                **{k: fn(a) for k, fn in extras.items()}}

    return Result("total", compute, (col,), (), tuple(extras))


def composite(compute: Callable[[Expr], Mapping[str, Expr]], *, numerator: tuple[str, ...],
              denominator: tuple[str, ...], extras: tuple[str, ...]) -> Result:
    """A KPI built from other KPIs' figures; `compute` returns every output column."""
    return Result("composite", compute, numerator, denominator, extras)


#: The unit each extra figure is in (pulso.formatting's units), by the extra's name: an extra that is
#: another KPI's figure (close_rate, average_deal_value...) is in that KPI's unit. `median` is in its
#: own KPI's unit (Kpi.unit_of); numerators and denominators count in their parts' own terms.
EXTRA_UNITS = {
    **dict.fromkeys(("unanswered", "pending", "promoters", "detractors", "customers_at_end", "new_customers",
                     "open_opportunities"), "count"),
    **dict.fromkeys(("close_rate", "conversion_rate"), "%"),
    **dict.fromkeys(("average_deal_value", "average_order_value", "customer_lifetime_value",
                     "customer_acquisition_cost", "revenue_per_retained_customer", "won_revenue", "revenue", "cost",
                     "revenue_during", "baseline"), "currency"),
    "sales_cycle_days": "days", "observed_tenure_months": "months", "customer_lifetime_years": "years",
    "purchase_frequency": "orders/year", "mean_score": "score",
}

#: The figures of a KPI's rows that are in the KPI's own unit.
_OWN_UNIT = frozenset(("value", "previous", "previous_full", "year_ago", "median", "interval"))


@dataclass(frozen=True)
class Kpi:
    """One KPI of the catalog, declared once."""

    key: str
    name: Text
    description: Text
    formula: Text
    unit: str
    direction: str
    category: str
    area: str
    dimensions: tuple[str, ...]
    time: str
    parts: tuple[Part, ...]
    result: Result
    snapshot: bool = False
    choices: Text | None = None
    general_metric: bool = False
    additive: str = "both"  # both | numerator | none: what a split adds up to the total
    seeds: tuple[str, ...] = ()
    #: The Spanish name's gender and number ("ms", "fs", "mp", "fp"), which alert titles agree
    #: with ("Tasa de cierre anormalmente baja"); empty: read from the name's first word.
    grammar: str = ""

    @property
    def agreement(self) -> str:
        """The Spanish name's gender and number: declared, or read from its first word (agreement_of)."""
        return self.grammar or agreement_of(self.name.es)

    @property
    def extras(self) -> tuple[str, ...]:
        """Extra figures every result row carries (median, unanswered...)."""
        return self.result.extras

    def unit_of(self, figure: str) -> str | None:
        """The unit a figure of the KPI's rows is in: the KPI's own for its value, earlier values, interval
        and median; an extra's from EXTRA_UNITS; None for anything else (numerator, denominator)."""
        if figure in _OWN_UNIT:
            return self.unit
        return EXTRA_UNITS[figure] if figure in self.extras else None

    @property
    def kind(self) -> str:
        """ratio, mean, total or composite."""
        return self.result.kind

    @property
    def owned(self) -> bool:
        """Whether every record behind the KPI has an owner (so that it can be scoped)."""
        from pulso.catalog.sources import ENTITIES

        return all("_owner" in ENTITIES[p.dims] for p in self.parts)

    def text(self, lang: str) -> dict[str, str]:
        """Name, description, formula and choices in one language."""
        return {"name": self.name[lang], "description": self.description[lang],
                "formula": self.formula[lang], "choices": self.choices[lang] if self.choices else ""}


_FEMININE_ENDINGS = ("a", "ción", "sión", "dad", "tud", "umbre")


def agreement_of(name: str) -> str:
    """A Spanish noun phrase's gender and number from its first word: "Tasa de cierre" fs,
    "Ingresos nuevos" mp, "Oportunidades abiertas" fp, "Tiempo de respuesta" ms. Masculine singular
    when nothing says otherwise (a Kpi whose name breaks the rule declares `grammar`)."""
    word = (name.split() or [""])[0].lower()
    if word.endswith(("ciones", "siones", "dades", "tudes", "as")):
        return "fp"
    if len(word) > 3 and word.endswith(("os", "es")):
        return "mp"
    return "fs" if word.endswith(_FEMININE_ENDINGS) else "ms"
