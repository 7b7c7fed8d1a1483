"""Tables of pages and empty states: cells, sortable tables, several KPIs split by one dimension
(`split_table`), the dimensions' labels, and what to say when a source has no data. Plain data
for the templates and the JSON twins, as in pages.py (which re-exports these names)."""

from __future__ import annotations

from typing import Any, Iterable

from pulso.errors import ScopeError
from pulso.i18n import N_
from pulso.store.names import TABLE_NAMES
from pulso.web import samples
from pulso.web.deps import PageContext

#: Where the data behind each kind of KPI comes from, for empty states.
SOURCES = TABLE_NAMES


def empty_text(ctx: PageContext, tables: Iterable[str]) -> str:
    """What data is missing, and how to add it."""
    names = ", ".join(ctx._(SOURCES.get(t, t)) for t in tables)
    return ctx._("No hay datos de {names} en este periodo. Impórtalos desde tu CRM o una hoja de cálculo, "
                 "o genera un espacio de demostración con `pulso demo`; después elige otro periodo si hace falta.").format(names=names)


# -- tables --------------------------------------------------------------------------------

def cell(text: str, *, href: str | None = None, sort: Any = None, judge: str = "") -> dict[str, Any]:
    """One table cell: text, optional link, sort value (None sorts last), meaning."""
    return {"text": text, "href": href, "sort": sort, "judge": judge}


def by_number(column: int):
    """A sort key for table rows by a numeric column, missing values lowest."""
    return lambda row: (row[column]["sort"] is not None, row[column]["sort"] or 0)


def table(title: str, columns: list[tuple[str, bool]], rows: list[list[dict]], *, empty: str = "",
          note: str = "") -> dict[str, Any]:
    """A sortable table: columns are (label, numeric)."""
    return {"type": "table", "title": title, "columns": [{"label": c, "num": n} for c, n in columns],
            "rows": rows, "empty": empty, "note": note}


def split_table(ctx: PageContext, by: str, keys: list[str], *, title: str, missing: Iterable[str] = (),
                compare_total: bool = False, stat: str | None = None) -> dict[str, Any]:
    """Several KPIs split by one dimension, one row per value; every number links to its detail.

    With compare_total, each value is judged against the whole scope's value (rep vs team).
    `stat`: each KPI's mean (None), median or a percentile (KpiView.query).
    """
    k = ctx.kpis
    by_value: dict[Any, dict[str, dict]] = {}
    totals: dict[str, dict | None] = {}
    shown = []
    for key in keys:
        try:
            rows = k.total(key, ctx.period, ctx.filters, by=(by,), stat=stat)
            totals[key] = (k.total(key, ctx.period, ctx.filters, stat=stat) or [None])[0] if compare_total else None
        except ScopeError:
            continue
        shown.append(key)
        for r in rows:
            by_value.setdefault(r.get(by), {})[key] = r
    columns = [(ctx._(DIMENSION_LABELS.get(by, by)), False)] + [(k.name(key), True) for key in shown]
    out_rows = []
    for value, per_key in by_value.items():
        row = [cell(ctx.label(by, value))]
        for key in shown:
            r = per_key.get(key)
            v = r.get("value") if r else None
            total = (totals.get(key) or {}).get("value")
            sample = samples.parts(ctx, k.meta(key), r, total if compare_total else None)  # rep vs team: noise uncoloured
            row.append({**cell(k.fmt(key, v), href=ctx.kpi_url(key, **{by: value}) if value is not None else None,
                               sort=v, judge=sample["judge"] if compare_total else ""),
                        "n": sample["n"], "note": sample["sample_text"]})
        out_rows.append(row)
    first = shown[0] if shown else None
    if first:
        out_rows.sort(key=by_number(1), reverse=True)
    if compare_total and shown:
        out_rows.append([cell(ctx._("Total del alcance"))] + [
            cell(k.fmt(key, (totals.get(key) or {}).get("value")), href=ctx.kpi_url(key)) for key in shown])
    return table(title, columns, out_rows, empty=empty_text(ctx, missing or ["deals"]))


DIMENSION_LABELS = {
    "owner": N_("Comercial"), "team": N_("Equipo"), "source": N_("Origen"), "campaign": N_("Campaña"), "segment": N_("Segmento"),
    "country": N_("País"), "channel": N_("Canal"), "deal_kind": N_("Tipo de venta"), "priority": N_("Prioridad"),
    "stage": N_("Etapa"), "activity_type": N_("Tipo de actividad"), "plan": N_("Plan"), "category": N_("Categoría"),
    "product": N_("Producto"),
}
