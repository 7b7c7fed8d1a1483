"""Marketing: lead sources by volume and quality, campaigns and their return, CAC by channel, web."""

from __future__ import annotations

from fastapi import APIRouter

from pulso.web.deps import Ctx
from pulso.web.pages import page_route, render, split_bars, split_table, tiles, trend_chart

router = APIRouter()

TILES = ["website_visitors", "avg_time_on_site_seconds", "visitor_to_lead_rate", "leads_created",
         "campaigns_running", "customer_acquisition_cost"]


@page_route(router, "/marketing", "marketing")
def marketing(ctx: Ctx):
    """The marketing page."""
    ctx.require("marketing")

    def build():
        return {
            "title": ctx._("Marketing"),
            "sections": [
                tiles(ctx, "Marketing", TILES, missing=["web_sessions", "leads", "spend"]),
                split_table(ctx, "source", ["leads_created", "lead_conversion_rate", "revenue_won"],
                            title=ctx._("Origen de leads: volumen y calidad"), missing=["leads"]),
                split_table(ctx, "campaign", ["campaign_responses", "campaign_revenue", "campaign_roi"],
                            title=ctx._("Campañas: respuestas, ingresos y ROI"), missing=["campaigns", "leads"]),
                split_bars(ctx, "customer_acquisition_cost", "channel", title=ctx._("CAC por canal"),
                           missing=["spend", "accounts"]),
                trend_chart(ctx, "website_visitors", grain="month", missing=["web_sessions"]),
                trend_chart(ctx, "avg_time_on_site_seconds", grain="month", missing=["web_sessions"]),
            ],
        }

    return render(ctx, "marketing", ctx.cached("marketing", build))
