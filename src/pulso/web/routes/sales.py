"""Ventas: funnel, pipeline by stage, close rate, sales cycle, open opportunities per rep, quotas."""

from __future__ import annotations

from fastapi import APIRouter

from pulso.errors import ScopeError
from pulso.i18n import N_
from pulso.web import charts
from pulso import formatting as f
from pulso.web.deps import Ctx
from pulso.web.pages import by_number, cell, chart, empty_text, page_route, render, split_bars, split_table, table, tiles, trend_chart
from pulso.web.periods import parse_period

router = APIRouter()

TILES = ["revenue_won", "close_rate", "average_deal_value", "sales_cycle_days", "open_opportunities",
         "pipeline_value", "weighted_pipeline", "lead_conversion_rate"]
# (stage label, KPI, figure of that KPI that counts the stage, KPI of the step into it)
FUNNEL = [
    (N_("Visitantes"), "website_visitors", "value", None),
    (N_("Leads"), "leads_created", "value", "visitor_to_lead_rate"),
    (N_("MQL"), "lead_to_mql_rate", "numerator", "lead_to_mql_rate"),
    (N_("SQL"), "mql_to_sql_rate", "numerator", "mql_to_sql_rate"),
    (N_("Clientes"), "sql_to_customer_rate", "numerator", "sql_to_customer_rate"),
]


@page_route(router, "/sales", "sales")
def sales(ctx: Ctx):
    """The sales page."""
    ctx.require("sales")

    def build():
        return {
            "title": ctx._("Ventas"),
            "sections": [
                tiles(ctx, N_("Indicadores de venta"), TILES, missing=["deals", "leads"]),
                *funnel(ctx),
                split_bars(ctx, "pipeline_value", "stage", title=ctx._("Pipeline por etapa"), order="stage"),
                trend_chart(ctx, "close_rate"),
                trend_chart(ctx, "sales_cycle_days"),
                split_table(ctx, "owner", ["open_opportunities", "open_deal_age_days", "pipeline_value"],
                            title=ctx._("Oportunidades abiertas y su antigüedad por comercial")),
                quota_table(ctx),
            ],
        }

    return render(ctx, "sales", ctx.cached("sales", build))


def funnel(ctx: Ctx) -> list[dict]:
    """Visitor → lead → MQL → SQL → customer, with the step rate and the drop-off."""
    k = ctx.kpis
    stages = []
    for label, key, figure, step in FUNNEL:
        try:
            row = (k.total(key, ctx.period, ctx.filters) or [{}])[0]
        except ScopeError:
            continue  # web visits belong to nobody: a scoped funnel starts at leads
        stages.append((ctx._(label), key, row.get(figure), step))
    rows, items, previous = [], [], None
    for label, key, count, step in stages:
        rate = count / previous if previous and count is not None else None
        drop = 1 - rate if rate is not None else None
        rows.append([
            cell(label),
            cell(f.fmt_number(count, ctx.lang), href=ctx.kpi_url(key), sort=count),
            cell(f.fmt_percent(rate, ctx.lang) if rate is not None else "—", href=ctx.kpi_url(step) if step else None, sort=rate),
            cell(f.fmt_percent(drop, ctx.lang) if drop is not None else "—", sort=drop),
        ])
        items.append({"label": label, "value": count or 0, "text": f.fmt_number(count, ctx.lang)})
        previous = count
    title = ctx._("Embudo de conversión")
    if not any(i["value"] for i in items):
        return [{"type": "empty", "title": title, "text": empty_text(ctx, ["web_sessions", "leads"])}]
    spec = charts.bars(items, unit="count", value_title=ctx._("Cantidad"), category_title=ctx._("Etapa"), lang=ctx.lang)
    note = ctx._("Cada etapa cuenta lo ocurrido en el periodo; el paso es la tasa de conversión de la etapa anterior.")
    return [
        chart(title, spec),
        table(ctx._("Embudo: paso y pérdida por etapa"),
              [(ctx._("Etapa"), False), (ctx._("Cantidad"), True), (ctx._("Paso"), True), (ctx._("Pérdida"), True)],
              rows, note=note),
    ]


def quota_table(ctx: Ctx) -> dict:
    """Quota attainment per rep for the month, quarter and year that hold the period's last day
    (a quarter and a year of the workspace's fiscal year, named so)."""
    k = ctx.kpis
    anchor = {"at": ctx.period.last_day.isoformat()}
    columns = [(ctx._("Comercial"), False)]
    per_owner: dict = {}
    for kind, label in (("month", N_("Mes")), ("quarter", N_("Trimestre")), ("year", N_("Año"))):
        p = parse_period({"period": kind, **anchor}, ctx.today, ctx.period.fiscal)
        columns.append((f"{ctx._(label)} ({f.fmt_period(kind, p.start, p.last_day, ctx.lang, p.fiscal)})", True))
        try:
            rows = k.query("quota_attainment", p.start, p.end, None, ("owner",), k.applicable("quota_attainment", ctx.filters))
        except ScopeError:
            rows = []
        for r in rows:
            per_owner.setdefault(r.get("owner"), {})[kind] = (r, p)
    out = []
    for owner, found in per_owner.items():
        row = [cell(ctx.label("owner", owner))]
        for kind in ("month", "quarter", "year"):
            r, p = found.get(kind, ({}, None))
            v = r.get("value")
            href = ctx.url("/kpi/quota_attainment", period=kind, at=p.start.isoformat(), owner=owner) if p and owner else None
            judge = "" if v is None else ("good" if v >= 1 else "bad")
            row.append(cell(f.fmt_percent(v, ctx.lang), href=href, sort=v, judge=judge))
        out.append(row)
    out.sort(key=by_number(1), reverse=True)
    return table(ctx._("Cumplimiento de cuota por mes, trimestre y año"), columns, out,
                 empty=empty_text(ctx, ["quotas", "deals"]))
