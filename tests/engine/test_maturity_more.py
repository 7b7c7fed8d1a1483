"""Issue 16, what was left of items 2, 5 and 6 (the engine's side), on DuckDB and PostgreSQL
(the `store` fixture). Values worked out by hand in each test.

- Item 6: every KPI that can be cut by product offers `product`, campaign revenue included.
- Item 2: visitor rates (visitor → lead, visitor → customer) get a maturity and a conversion window.
- Item 5: the reference periods of incremental revenue are stored through the settings door.
"""

from __future__ import annotations

import datetime as dt

from pytest import approx

from kpis.builders import APR, MAR, Kpis, campaign, deal, lead, session

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


# -- item 2: visitor rates mature like the lead cohort rates ----------------------------------------

TODAY = dt.date(2026, 12, 5)


def _session(id: str, visitor: str, at: dt.datetime) -> dict:
    return session(id, visitor, at.isoformat(), 60)


def _visitor_store(store):
    """Visitors first seen at 10:00 on a day, their lead created (and converted) some days later:
    - v1..v4 first seen 1 June, leads after 5, 10, 20, 40 days; v3 converted 30 days after its visit;
    - v5, v6 first seen 1 December, no lead yet; v1 comes back on 2 December (already a lead).
    History of lags (days) to a lead: 5, 10, 20, 40; to a customer: 30."""
    june, dec = dt.datetime(2026, 6, 1, 10), dt.datetime(2026, 12, 1, 10)
    sessions = [_session(f"s{i}", f"v{i}", june) for i in range(1, 5)]
    sessions += [_session("s5", "v5", dec), _session("s6", "v6", dec),
                 _session("s7", "v1", dec + dt.timedelta(days=1))]
    leads = [lead(f"L{i}", (june + dt.timedelta(days=lag)).isoformat(), visitor=f"v{i}",
                  converted=(june + dt.timedelta(days=30)).isoformat() if i == 3 else None)
             for i, lag in zip(range(1, 5), (5, 10, 20, 40))]
    store.upsert_many({"web_sessions": sessions, "leads": leads})


def test_visitor_rates_are_cohort_rates_with_the_workspaces_own_lags(store):
    from pulso.engine import maturity as M

    _visitor_store(store)
    assert M.is_cohort_rate("visitor_to_lead_rate") and M.is_cohort_rate("visitor_purchase_rate")
    assert M.lags(store, "visitor_to_lead_rate", TODAY) == approx([5, 10, 20, 40])
    assert M.lags(store, "visitor_purchase_rate", TODAY) == approx([30])
    # December's visitors (1–5 December: 4, 3, 2, 1 and 0 days old): F = 0 each day → 0 %, maturing.
    dec = M.maturity(store, "visitor_to_lead_rate", dt.date(2026, 12, 1), dt.date(2027, 1, 1), TODAY)
    assert dec.share == approx(0.0) and dec.maturing
    # 1–30 June's cohort, 187..158 days old: every lag seen → 100 %.
    june = M.maturity(store, "visitor_to_lead_rate", dt.date(2026, 6, 1), dt.date(2026, 7, 1), TODAY)
    assert june.share == approx(1.0) and not june.maturing


def test_visitor_rates_within_a_conversion_window(store):
    from pulso.engine import maturity as M

    _visitor_store(store)
    june = dt.date(2026, 6, 1), dt.date(2026, 7, 1)
    # June's four visitors became leads after 5, 10, 20 and 40 days: within 30 days, 3 of 4.
    r30 = M.window_rate(store, "visitor_to_lead_rate", *june, 30, TODAY)
    assert (r30.reached, r30.leads, r30.complete) == (3, 4, True)
    assert M.window_rate(store, "visitor_to_lead_rate", *june, 90, TODAY).reached == 4
    assert M.window_rate(store, "visitor_to_lead_rate", *june, None, TODAY).value == approx(1.0)
    # Within 30 days, one customer (v3, 30 days after its visit) of four.
    assert M.window_rate(store, "visitor_purchase_rate", *june, 30, TODAY).reached == 1
    # December: v5, v6 and v1 (back on 2 December, a lead since June: already reached). Whenever:
    # 1 of 3 as the KPI counts it; within 30 days also 1 of 3, and incomplete (31 Dec + 30 > today).
    dec = dt.date(2026, 12, 1), dt.date(2027, 1, 1)
    r = M.window_rate(store, "visitor_to_lead_rate", *dec, 30, TODAY)
    assert (r.reached, r.leads, r.complete) == (1, 3, False)
    assert Kpis(store).value("visitor_to_lead_rate", *dec) == approx(1 / 3)
