"""`explain`: a KPI's formula in words and the SQL it runs, for the engines Ibis reaches."""

from __future__ import annotations

from dataclasses import dataclass
import difflib

import ibis

from pulso.catalog import Kpi
from pulso.catalog.model import AREAS, CATEGORIES, DIMENSIONS, LANGS, UNITS
from pulso.catalog.sources import tables
from pulso.engine import periods as P
from pulso.engine.compile import Context, compile_kpi
from pulso.errors import KpiError
from pulso.formatting import code_plain
from pulso.i18n import N_, translate

DIALECTS = ("duckdb", "postgres", "trino", "bigquery", "snowflake")

#: The words of an explanation (Spanish msgids; English in the .po).
_LABELS = {
    "formula": N_("Fórmula"),
    "unit": N_("Unidad"),
    "direction": N_("Dirección"),
    "dimensions": N_("Dimensiones"),
    "time": N_("Momento"),
    "choices": N_("Decisiones"),
    "sql": N_("SQL"),
    "up": N_("más es mejor"),
    "down": N_("menos es mejor"),
    "none": N_("sin dirección"),
    "category": N_("Categoría"),
    "area": N_("Área"),
    "extras": N_("Cifras extra"),
    "periods": N_("pulso_periods tiene una fila por periodo (_pid, inicio y fin en UTC, días y años), "
                  "cortada en la zona horaria del espacio de trabajo; pulso_period_slots, una por hora de "
                  "cada periodo (DuckDB)."),
    "approx": N_("este motor no tiene mediana exacta en Ibis: se usa la aproximada."),
}


@dataclass(frozen=True)
class Explanation:
    """What a KPI computes, in words, and the SQL that computes it."""

    key: str
    lang: str
    dialect: str
    name: str
    formula: str
    choices: str
    unit: str
    direction: str
    sql: str
    note: str = ""

    def __getitem__(self, item: str):
        return getattr(self, item)

    def text(self, kpi: Kpi) -> str:
        """A readable page: names, formula, choices, then the SQL."""
        lab = {key: translate(text, self.lang) for key, text in _LABELS.items()}
        lines = [f"{self.name} ({self.key})", "",
                 f"{lab['formula']}: {code_plain(self.formula)}",
                 f"{lab['unit']}: {UNITS[self.unit][self.lang]} · {lab['direction']}: {lab[self.direction]}",
                 f"{lab['category']}: {CATEGORIES[kpi.category][self.lang]} · {lab['area']}: {AREAS[kpi.area][self.lang]}",
                 f"{lab['dimensions']}: " + (", ".join(f"{d} ({DIMENSIONS[d][self.lang]})" for d in kpi.dimensions) or "—"),
                 f"{lab['time']}: {kpi.time}"]
        if kpi.extras:
            lines.append(f"{lab['extras']}: {', '.join(kpi.extras)}")
        if self.choices:
            lines.append(f"{lab['choices']}: {code_plain(self.choices)}")
        lines += ["", f"-- {lab['sql']} ({self.dialect}). {lab['periods']}"]
        if self.note:
            lines.append(f"-- {self.note}")
        lines.append(self.sql)
        return "\n".join(lines)


def check_dialect(dialect: str) -> str:
    """A dialect `explain` supports, or a KpiError suggesting one."""
    if dialect in DIALECTS:
        return dialect
    near = difflib.get_close_matches(str(dialect).lower(), DIALECTS, n=1, cutoff=0.5)
    hint = f"; did you mean '{near[0]}'?" if near else ";"
    raise KpiError(f"unknown dialect '{dialect}'{hint} the dialects are: {', '.join(DIALECTS)}")


def check_lang(lang: str) -> str:
    """es or en, or a KpiError."""
    if lang not in LANGS:
        raise KpiError(f"unknown language '{lang}'; use one of: {', '.join(LANGS)}")
    return lang


def kpi_sql(kpi: Kpi, dialect: str) -> tuple[str, str]:
    """The KPI's query over the periods table `pulso_periods`, and a note when it had to adapt.

    On DuckDB events are placed by hour slot (pulso_period_slots), as the engine runs them there;
    elsewhere by a range join on the periods' instants.
    """
    for exact in (True, False):
        slots = P.slots_placeholder() if dialect == "duckdb" else None
        ctx = Context(tables(), P.placeholder(), baseline_factory=P.baseline_placeholder, exact_median=exact,
                      slots=slots, dialect=dialect)
        try:
            return ibis.to_sql(compile_kpi(kpi, ctx), dialect=dialect), "" if exact else "approx"
        except ibis.common.exceptions.OperationNotDefinedError as exc:
            error = exc
    raise KpiError(f"{kpi.key} cannot be written in {dialect} SQL: {error}")


def explain_kpi(kpi: Kpi, *, dialect: str = "duckdb", lang: str = "es") -> Explanation:
    """Formula in words (es or en) and SQL for one of DIALECTS."""
    dialect, lang = check_dialect(dialect), check_lang(lang)
    sql, note = kpi_sql(kpi, dialect)
    return Explanation(kpi.key, lang, dialect, kpi.name[lang], kpi.formula[lang],
                       kpi.choices[lang] if kpi.choices else "", kpi.unit, kpi.direction, sql,
                       translate(_LABELS["approx"], lang) if note else "")
