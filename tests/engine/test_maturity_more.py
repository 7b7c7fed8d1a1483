"""Issue 16, what was left of items 2, 5 and 6 (the engine's side), on DuckDB and PostgreSQL
(the `store` fixture). Values worked out by hand in each test.

- Item 6: every KPI that can be cut by product offers `product`, campaign revenue included.
- Item 2: visitor rates (visitor → lead, visitor → customer) get a maturity and a conversion window.
- Item 5: the reference periods of incremental revenue are stored through the settings door.
"""

from __future__ import annotations

import datetime as dt

from pytest import approx

from kpis.builders import APR, MAR, Kpis, campaign, deal, lead

from pulso.catalog import load_catalog


def _with_product(row: dict, product: str | None) -> dict:
    return {**row, "product": product}


def test_every_kpi_that_can_be_cut_by_product_offers_it():
    catalog = load_catalog()
    for key in ("revenue_won", "close_rate", "average_deal_value", "pipeline_value", "weighted_pipeline",
                "open_opportunities", "sales_cycle_days", "average_order_value", "campaign_revenue"):
        assert "product" in catalog[key].dimensions, key


def test_campaign_revenue_by_product(store):
    # Two won deals attributed to campaign K1 in March (one through its lead), one without a product,
    # and one won deal with no campaign (not campaign revenue).
    store.upsert_many({
        "campaigns": [campaign("K1", "2026-02-01T00:00:00", "2026-04-30T00:00:00")],
        "leads": [lead("L1", "2026-02-10T00:00:00", campaign="K1")],
        "deals": [
            _with_product(deal("D1", "2026-02-11T00:00:00", "won", closed="2026-03-05T00:00:00", amount=1200,
                               lead="L1"), "Plan Pro"),
            _with_product(deal("D2", "2026-02-11T00:00:00", "won", closed="2026-03-06T00:00:00", amount=300,
                               campaign="K1"), "Plan Pro"),
            _with_product(deal("D3", "2026-02-11T00:00:00", "won", closed="2026-03-07T00:00:00", amount=50,
                               campaign="K1"), None),
            _with_product(deal("D4", "2026-02-11T00:00:00", "won", closed="2026-03-08T00:00:00", amount=999),
                          "Plan Pro"),
        ],
    })
    split = Kpis(store).by("campaign_revenue", "product", MAR, APR)
    assert split["Plan Pro"]["value"] == approx(1200 + 300)
    assert split[None]["value"] == approx(50)
