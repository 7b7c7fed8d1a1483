"""Servicio: first response and resolution times, backlog, cases per day, automation."""

from __future__ import annotations

from fastapi import APIRouter

from pulso.i18n import N_
from pulso.web.deps import Ctx
from pulso.web.pages import page_route, render, split_table, tiles, trend_chart

router = APIRouter()

TILES = ["first_response_time_hours", "resolution_time_hours", "ticket_backlog", "tickets_resolved_per_day",
         "tickets_opened", "automation_level"]


@page_route(router, "/service", "service")
def service(ctx: Ctx):
    """The service page."""
    ctx.require("service")

    def build():
        cases_grain = "day" if ctx.period.kind == "month" else "week" if ctx.period.kind == "quarter" else "month"
        return {
            "title": ctx._("Servicio"),
            "sections": [
                tiles(ctx, N_("Atención al cliente"), TILES, missing=["tickets"]),
                trend_chart(ctx, "tickets_opened", title=ctx._("Casos abiertos en el periodo"), grain=cases_grain,
                            missing=["tickets"]),
                trend_chart(ctx, "first_response_time_hours", grain="month", missing=["tickets"]),
                trend_chart(ctx, "automation_level", grain="month", missing=["tickets", "activities"]),
                split_table(ctx, "priority", ["tickets_opened", "first_response_time_hours", "resolution_time_hours"],
                            title=ctx._("Por prioridad"), missing=["tickets"]),
                split_table(ctx, "channel", ["tickets_opened", "first_response_time_hours", "resolution_time_hours"],
                            title=ctx._("Por canal"), missing=["tickets"]),
            ],
        }

    return render(ctx, "service", ctx.cached("service", build))
