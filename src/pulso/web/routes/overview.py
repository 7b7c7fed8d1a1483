"""Resumen: are we on track this period? Headline tiles, each a link to its detail."""

from __future__ import annotations

from fastapi import APIRouter

from pulso.web.deps import Ctx
from pulso.web.pages import page_route, render, tiles

router = APIRouter()

SALES = ["revenue_won", "close_rate", "pipeline_value", "open_opportunities", "new_customers", "lead_conversion_rate"]
CUSTOMERS = ["nps", "csat", "churn_rate", "customer_retention_rate"]
SERVICE = ["first_response_time_hours", "resolution_time_hours", "ticket_backlog"]
TILES = SALES + CUSTOMERS + SERVICE  # compiled when the server starts (Services._warm)


@page_route(router, "/", "overview")
def overview(ctx: Ctx):
    """Headline KPIs of the period with their change since the previous one."""
    ctx.require("overview")

    def build():
        return {
            "title": ctx._("Resumen"),
            "intro": ctx._("Cada cifra se compara con el periodo anterior: verde si mejora, rojo si empeora. Toca una para ver por qué."),
            "sections": [
                tiles(ctx, "Ventas", SALES, missing=["deals", "leads"]),
                tiles(ctx, "Clientes", CUSTOMERS, missing=["survey_responses", "accounts"]),
                tiles(ctx, "Servicio", SERVICE, missing=["tickets"]),
            ],
        }

    return render(ctx, "overview", ctx.cached("overview", build))
