"""Adopción: is the team using the CRM? Active users and records per user."""

from __future__ import annotations

from fastapi import APIRouter

from pulso.i18n import N_
from pulso.web.deps import Ctx
from pulso.web.pages import page_route, render, split_table, tiles, trend_chart

router = APIRouter()


@page_route(router, "/adoption", "adoption")
def adoption(ctx: Ctx):
    """The CRM adoption page."""
    ctx.require("adoption")

    def build():
        return {
            "title": ctx._("Adopción"),
            "sections": [
                tiles(ctx, N_("Uso del CRM"), ["active_user_rate", "records_per_user", "sales_calls_logged"],
                      missing=["usage_events", "users"]),
                trend_chart(ctx, "active_user_rate", grain="month", missing=["usage_events"]),
                trend_chart(ctx, "records_per_user", grain="month", missing=["usage_events"]),
                split_table(ctx, "owner", ["records_per_user", "sales_calls_logged"],
                            title=ctx._("Uso por persona"), missing=["usage_events"]),
            ],
        }

    return render(ctx, "adoption", ctx.cached("adoption", build))
