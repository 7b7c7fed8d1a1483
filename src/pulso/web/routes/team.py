"""Equipo: each rep's activity reach, conversion against the team, and the leaderboard."""

from __future__ import annotations

from fastapi import APIRouter

from pulso.errors import ScopeError
from pulso.web import charts
from pulso.web.deps import Ctx
from pulso.web.pages import chart, empty_text, page_route, render, split_table

router = APIRouter()


@page_route(router, "/team", "team")
def team(ctx: Ctx):
    """The team page (managers see their team, admins and viewers their scope)."""
    ctx.require("team")

    def build():
        return {
            "title": ctx._("Equipo"),
            "sections": [
                activity_reach(ctx),
                split_table(ctx, "owner", ["activities_logged", "sales_calls_logged"],
                            title=ctx._("Alcance de actividades por comercial"), missing=["activities"]),
                split_table(ctx, "owner", ["lead_conversion_rate", "close_rate", "activities_per_won_deal",
                                           "lead_response_time_hours"],
                            title=ctx._("Conversión por comercial frente al equipo"), compare_total=True),
                split_table(ctx, "owner", ["revenue_won", "close_rate", "average_deal_value"],
                            title=ctx._("Clasificación")),
            ],
        }

    return render(ctx, "team", ctx.cached("team", build))


def activity_reach(ctx: Ctx) -> dict:
    """Activities per rep, split by type."""
    title = ctx._("Actividades por comercial y tipo")
    try:
        rows = ctx.kpis.total("activities_logged", ctx.period, ctx.filters, by=("owner", "activity_type"))
    except ScopeError:
        rows = []
    items = [{"label": ctx.label("owner", r.get("owner")), "part": ctx.label("activity_type", r.get("activity_type")), "value": r.get("value") or 0}
             for r in rows if r.get("value")]
    totals: dict = {}
    for i in items:
        totals[i["label"]] = totals.get(i["label"], 0) + i["value"]
    items.sort(key=lambda i: -totals[i["label"]])
    spec = charts.stacked_bars(items, value_title=ctx._("Actividades"), category_title=ctx._("Comercial"),
                               part_title=ctx._("Tipo de actividad")) if items else None
    return chart(title, spec, empty=empty_text(ctx, ["activities"]))
