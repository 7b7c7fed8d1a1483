"""Marketing KPIs (KPIS.md, fifth table), March 2026 in a UTC workspace."""

from __future__ import annotations

import datetime as dt

import pytest

from kpis.builders import Kpis, campaign, covers, deal, lead, session

approx = pytest.approx


@covers("website_visitors", "avg_time_on_site_seconds", "visitor_to_lead_rate", "visitor_purchase_rate")
def test_web_visitor_kpis(store):
    store.upsert_many({
        "web_sessions": [
            session("s1", "v1", "2026-03-02T10:00:00", 60), session("s2", "v1", "2026-03-15T10:00:00", 120),
            session("s3", "v2", "2026-03-03T10:00:00", 30), session("s4", "v3", "2026-03-04T10:00:00", 300),
            session("s5", "v4", "2026-03-31T23:59:00", 90),
            session("s6", "v5", "2026-02-27T10:00:00", 1000), session("s7", "v6", "2026-04-01T00:00:00", 10),
        ],
        "leads": [
            lead("Lv1", "2026-03-02T10:05:00", visitor="v1", converted="2026-03-10T00:00:00"),
            lead("Lv1b", "2026-03-15T10:05:00", visitor="v1", converted="2026-03-20T00:00:00"),
            lead("Lv2", "2026-03-03T10:05:00", visitor="v2"),
            lead("Lv4", "2026-03-31T23:59:30", visitor="v4"),
            lead("Lv5", "2026-02-27T10:05:00", visitor="v5", converted="2026-03-02T00:00:00"),
        ],
    })
    k = Kpis(store)
    # Distinct visitors of March: v1 (two sessions) v2 v3 v4.
    assert k.value("website_visitors") == 4
    row = k.one("avg_time_on_site_seconds")
    assert row["value"] == approx((60 + 120 + 30 + 300 + 90) / 5)
    assert row["median"] == approx(90)
    # Became a lead: v1 v2 v4; whose lead became a customer: v1 (counted once).
    row = k.one("visitor_to_lead_rate")
    assert (row["value"], row["numerator"], row["denominator"]) == (approx(3 / 4), 3, 4)
    row = k.one("visitor_purchase_rate")
    assert (row["value"], row["numerator"], row["denominator"]) == (approx(1 / 4), 1, 4)


@covers("leads_by_source")
def test_leads_by_source(store):
    store.upsert_many({
        "leads": [
            lead("W1", "2026-03-02T00:00:00", source="web", converted="2026-03-05T00:00:00"),
            lead("W2", "2026-03-03T00:00:00", source="web"), lead("W3", "2026-03-31T23:00:00", source="web"),
            lead("R1", "2026-03-04T00:00:00", source="referral", converted="2026-03-06T00:00:00"),
            lead("R2", "2026-03-05T00:00:00", source="referral", converted="2026-03-07T00:00:00"),
            lead("A1", "2026-03-06T00:00:00", source="ads"),
            lead("Wx", "2026-02-20T00:00:00", source="web"), lead("Ax", "2026-04-01T00:00:00", source="ads"),
        ],
        "deals": [
            deal("D1", "2026-03-05T00:00:00", "won", closed="2026-03-10T00:00:00", amount=1000, lead="W1"),
            deal("D2", "2026-03-06T00:00:00", "won", closed="2026-03-11T00:00:00", amount=3000, lead="R1"),
        ],
    })
    k = Kpis(store)
    parts = k.by("leads_by_source", "source")
    assert {s: r["value"] for s, r in parts.items()} == {"web": 3, "referral": 2, "ads": 1}
    # "with each source's conversion rate and won revenue" (the engine names them as extras).
    assert (parts["web"]["conversion_rate"], parts["web"]["won_revenue"]) == (approx(1 / 3), approx(1000))
    assert (parts["referral"]["conversion_rate"], parts["referral"]["won_revenue"]) == (approx(2 / 2), approx(3000))
    assert parts["ads"]["conversion_rate"] == approx(0 / 1)
    assert k.value("leads_by_source") == 3 + 2 + 1


@covers("campaigns_running", "campaign_responses", "campaign_revenue", "campaign_roi")
def test_campaign_kpis(store):
    store.upsert_many({
        "campaigns": [
            campaign("K1", "2026-03-01T00:00:00", "2026-03-20T00:00:00", cost=2000, channel="email"),
            campaign("K2", "2026-03-05T00:00:00", "2026-03-25T00:00:00", cost=4000, channel="ads"),
            campaign("K3", "2026-01-01T00:00:00", "2026-02-28T23:00:00", cost=100),  # over before March
            campaign("K4", "2026-04-01T00:00:00", None, cost=100),                  # starts at the end
            campaign("K5", "2026-02-01T00:00:00", "2026-04-30T00:00:00"),            # spans March
            campaign("K6", "2026-02-15T00:00:00", None),                            # still running
        ],
        "leads": [
            lead("LK1a", "2026-03-02T00:00:00", campaign="K1"), lead("LK1b", "2026-03-03T00:00:00", campaign="K1"),
            lead("LK2a", "2026-03-06T00:00:00", campaign="K2"), lead("LK2b", "2026-03-07T00:00:00", campaign="K2"),
            lead("LK2c", "2026-03-08T00:00:00", campaign="K2"),
        ],
        "deals": [
            deal("DK1", "2026-03-04T00:00:00", "won", closed="2026-03-12T00:00:00", amount=5000, lead="LK1a", campaign="K1"),
            deal("DK2", "2026-03-07T00:00:00", "won", closed="2026-03-15T00:00:00", amount=2000, lead="LK2a", campaign="K2"),
            deal("DK3", "2026-03-08T00:00:00", "won", closed="2026-03-20T00:00:00", amount=1000, lead="LK2b", campaign="K2"),
            deal("DK4", "2026-03-04T00:00:00", "lost", closed="2026-03-18T00:00:00", amount=9000, lead="LK1b", campaign="K1"),
            deal("DK5", "2026-03-04T00:00:00", "won", closed="2026-04-05T00:00:00", amount=700, lead="LK1b", campaign="K1"),
        ],
    })
    k = Kpis(store)
    # Dates overlapping [1 Mar, 1 Apr): K1 K2 K5 K6 (K3 ended before, K4 starts at the end).
    assert k.value("campaigns_running") == 4
    responses = k.by("campaign_responses", "campaign")
    assert {c: r["value"] for c, r in responses.items()} == {"K1": 2, "K2": 3}
    assert k.value("campaign_responses") == 2 + 3
    # Won in March from leads of K1: DK1; of K2: DK2 DK3 (DK4 lost, DK5 won in April).
    revenue = k.by("campaign_revenue", "campaign")
    assert revenue["K1"]["value"] == approx(5000)
    assert revenue["K2"]["value"] == approx(2000 + 1000)
    assert k.value("campaign_revenue") == approx(5000 + 2000 + 1000)
    # ROI = (campaign revenue − cost) ÷ cost, campaign revenue being the KPI above: won in March.
    roi = k.by("campaign_roi", "campaign")
    assert roi["K2"]["value"] == approx((2000 + 1000 - 4000) / 4000)
    assert roi["K1"]["value"] == approx((5000 - 2000) / 2000)  # DK5, won in April, is not March's


@covers("incremental_revenue")
def test_incremental_revenue_against_a_chosen_baseline(store):
    store.upsert_many({
        # Ten days of campaign: 1 March 00:00 to 11 March 00:00.
        "campaigns": [campaign("K1", "2026-03-01T00:00:00", "2026-03-11T00:00:00", cost=1000)],
        "deals": [
            deal("B1", "2026-01-01T00:00:00", "won", closed="2026-01-10T00:00:00", amount=1550),  # reference
            deal("B2", "2026-01-01T00:00:00", "won", closed="2026-01-20T00:00:00", amount=1550),  # reference
            deal("C1", "2026-02-01T00:00:00", "won", closed="2026-03-02T00:00:00", amount=3000),  # during
            deal("C2", "2026-02-01T00:00:00", "won", closed="2026-03-10T00:00:00", amount=2000),  # during
            deal("C3", "2026-02-01T00:00:00", "lost", closed="2026-03-05T00:00:00", amount=7000),
            deal("C4", "2026-02-01T00:00:00", "won", closed="2026-03-15T00:00:00", amount=999),   # after
        ],
    })
    # The user-chosen reference period is January 2026 (31 days, no campaign): 3100 ÷ 31 = 100 a day.
    # The contract has no argument for it; the engine takes `params={"baseline": [(start, end)]}`.
    baseline = [(dt.date(2026, 1, 1), dt.date(2026, 2, 1))]
    row = Kpis(store).one("incremental_revenue", params={"baseline": baseline})
    assert row["value"] == approx((3000 + 2000) - (1550 + 1550) / 31 * 10 - 1000)
