"""Retención: retention, churn, renewal, lifetime, CLV, CAC, and monthly cohorts."""

from __future__ import annotations

from fastapi import APIRouter

from pulso.i18n import N_
from pulso.web.deps import Ctx
from pulso.web.pages import page_route, render, split_table, tiles, trend_chart
from pulso.web.routes.cohorts import cohort_table, lead_cohort_table

router = APIRouter()

TILES = ["customer_retention_rate", "churn_rate", "renewal_rate", "customer_lifetime_months",
         "customer_lifetime_value", "customer_acquisition_cost", "clv_to_cac_ratio", "repeat_purchase_rate"]


@page_route(router, "/retention", "retention")
def retention(ctx: Ctx):
    """The retention page."""
    ctx.require("retention")

    def build():
        return {
            "title": ctx._("Retención"),
            "sections": [
                tiles(ctx, N_("Retención y lealtad"), TILES, missing=["accounts", "subscriptions", "orders"]),
                trend_chart(ctx, "churn_rate", grain="month", missing=["accounts"]),
                trend_chart(ctx, "customer_retention_rate", grain="month", missing=["accounts"]),
                split_table(ctx, "segment", ["churn_rate", "customer_retention_rate", "renewal_rate"],
                            title=ctx._("Retención por segmento"), missing=["accounts"]),
                cohort_table(ctx),
                lead_cohort_table(ctx),
            ],
        }

    return render(ctx, "retention", ctx.cached("retention", build))
