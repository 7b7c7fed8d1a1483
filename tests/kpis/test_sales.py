"""Sales and conversion KPIs (KPIS.md, first table), March 2026 in a UTC workspace."""

from __future__ import annotations

import pytest

from kpis.builders import Kpis, activity, account, covers, deal, lead, quota, seed_deals, stage, user

approx = pytest.approx


@covers("lead_conversion_rate")
def test_lead_conversion_rate_seed_000_example(store):
    # Seed 000: 100 leads created in the period, 20 of them became customers → 20 %.
    leads = [lead(f"L{i:03}", f"2026-03-{1 + i % 28:02}T10:00:00",
                  converted=f"2026-03-{1 + i % 28:02}T18:00:00" if i < 20 else None) for i in range(100)]
    # Noise: leads created in February (converted in March) and in April are outside the cohort.
    leads += [lead(f"F{i}", "2026-02-10T00:00:00", converted="2026-03-05T00:00:00") for i in range(5)]
    leads += [lead(f"A{i}", "2026-04-01T00:00:00", converted="2026-04-02T00:00:00") for i in range(3)]
    store.upsert_many({"leads": leads})
    row = Kpis(store).one("lead_conversion_rate")
    assert row["value"] == approx(20 / 100) == approx(0.20)
    assert row["numerator"] == 20
    assert row["denominator"] == 100


@covers("lead_conversion_rate", "lead_to_mql_rate", "mql_to_sql_rate", "sql_to_customer_rate", "leads_created")
def test_lead_funnel_cohorts(store):
    store.upsert_many({"leads": [
        lead("L1", "2026-03-02T00:00:00", mql="2026-03-03T00:00:00", sql="2026-03-05T00:00:00",
             converted="2026-03-10T00:00:00"),
        lead("L2", "2026-03-04T00:00:00", mql="2026-03-06T00:00:00", sql="2026-03-08T00:00:00"),
        lead("L3", "2026-03-06T00:00:00", mql="2026-03-09T00:00:00"),
        lead("L4", "2026-03-10T00:00:00"),
        lead("L5", "2026-03-20T00:00:00", converted="2026-03-25T00:00:00"),  # bought without MQL/SQL
        lead("L6", "2026-02-20T00:00:00", mql="2026-03-02T00:00:00", sql="2026-03-04T00:00:00",
             converted="2026-03-06T00:00:00"),
        lead("L7", "2026-02-10T00:00:00", mql="2026-02-15T00:00:00", sql="2026-03-12T00:00:00"),
        # Created and MQL in March; SQL and sale in April: "have become customers" / "later SQL"
        # are read literally (converted_at set / sql_at after mql_at, whenever that happened).
        lead("L8", "2026-03-25T00:00:00", mql="2026-03-28T00:00:00", sql="2026-04-02T00:00:00",
             converted="2026-04-10T00:00:00"),
        lead("L9", "2026-04-01T00:00:00", mql="2026-04-01T00:00:00"),
    ]})
    k = Kpis(store)
    # Created in March: L1 L2 L3 L4 L5 L8.
    assert k.value("leads_created") == 6
    # Of those, converted: L1 L5 L8.
    row = k.one("lead_conversion_rate")
    assert (row["value"], row["numerator"], row["denominator"]) == (approx(3 / 6), 3, 6)
    # Of those, reached MQL: L1 L2 L3 L8.
    assert k.value("lead_to_mql_rate") == approx(4 / 6)
    # MQL in March: L1 L2 L3 L6 L8; later SQL: L1 L2 L6 L8.
    row = k.one("mql_to_sql_rate")
    assert (row["value"], row["numerator"], row["denominator"]) == (approx(4 / 5), 4, 5)
    # SQL in March: L1 L2 L6 L7; later converted: L1 L6.
    row = k.one("sql_to_customer_rate")
    assert (row["value"], row["numerator"], row["denominator"]) == (approx(2 / 4), 2, 4)


@covers("close_rate", "average_deal_value", "revenue_won", "sales_cycle_days", "sales_velocity")
def test_closed_deal_kpis(store):
    seed_deals(store)
    k = Kpis(store)
    # Closed in March: won D1 D2 D3, lost D4 D5 D6 (D7 closed in February, D8 in April).
    row = k.one("close_rate")
    assert (row["value"], row["numerator"], row["denominator"]) == (approx(3 / 6), 3, 6)
    assert k.value("revenue_won") == approx(1000 + 3000 + 8000)
    row = k.one("average_deal_value")
    assert row["value"] == approx((1000 + 3000 + 8000) / 3)
    assert row["median"] == approx(3000)
    row = k.one("sales_cycle_days")
    assert row["value"] == approx((10 + 30 + 1.5) / 3)
    assert row["numerator"] == approx(10 + 30 + 1.5)
    assert row["denominator"] == 3
    assert row["median"] == approx(10)
    # open at the end of March: D8 D9 D10 (3) × close rate × average deal value ÷ cycle days.
    assert k.value("open_opportunities") == 3
    assert k.value("sales_velocity") == approx(3 * (3 / 6) * ((1000 + 3000 + 8000) / 3) / ((10 + 30 + 1.5) / 3))


@covers("open_opportunities", "pipeline_value", "open_deal_age_days")
def test_open_pipeline_snapshot_at_period_end(store):
    store.upsert_many({"deals": [
        deal("O1", "2026-03-10T00:00:00", amount=1000),  # open: 22 days old on 1 April
        deal("O2", "2026-02-01T00:00:00", amount=2000),  # open: 28 + 31 = 59 days old
        # Closed exactly at the period end: still open at that end (closed_at >= end); 17 days old.
        deal("O3", "2026-03-15T00:00:00", "won", closed="2026-04-01T00:00:00", amount=4000),
        # Closed a second before the end: not open.
        deal("O4", "2026-03-05T00:00:00", "lost", closed="2026-03-31T23:59:59", amount=8000),
        deal("O5", "2026-04-01T00:00:00", amount=16000),  # created at the end: not before it
        deal("O6", "2026-04-05T00:00:00", amount=32000),
        deal("O7", "2026-01-05T00:00:00", "won", closed="2026-02-05T00:00:00", amount=64000),
    ]})
    k = Kpis(store)
    row = k.one("open_opportunities")
    assert row["value"] == 3  # O1 O2 O3
    assert row["denominator"] is None
    assert k.value("pipeline_value") == approx(1000 + 2000 + 4000)
    row = k.one("open_deal_age_days")
    assert row["value"] == approx((22 + 59 + 17) / 3)
    assert row["median"] == approx(22)


@covers("weighted_pipeline")
def test_weighted_pipeline(store):
    store.upsert_many({
        "stages": [stage("S1", "open", 0.25, 1), stage("S2", "open", 0.5, 2),
                   stage("SW", "won", 1.0, 3), stage("SL", "lost", 0.0, 4)],
        "deals": [
            deal("W1", "2026-03-02T00:00:00", amount=1000, stage="S1"),
            deal("W2", "2026-01-02T00:00:00", amount=2000, stage="S2"),
            deal("W3", "2026-04-02T00:00:00", amount=4000, stage="S2"),  # created after the end
            deal("W4", "2026-03-02T00:00:00", "won", closed="2026-03-20T00:00:00", amount=8000, stage="SW"),
            deal("W5", "2026-03-02T00:00:00", "lost", closed="2026-03-21T00:00:00", amount=16000, stage="SL"),
        ],
    })
    assert Kpis(store).value("weighted_pipeline") == approx(1000 * 0.25 + 2000 * 0.5)


@covers("quota_attainment")
def test_quota_attainment_per_rep(store):
    store.upsert_many({
        "users": [user("u1"), user("u2")],
        # Quota periods are DATEs with an inclusive end.
        "quotas": [quota("q1", "2026-03-01", "2026-03-31", 10000, owner="u1"),
                   quota("q2", "2026-03-01", "2026-03-31", 5000, owner="u2"),
                   quota("q3", "2026-02-01", "2026-02-28", 1000, owner="u1"),
                   quota("q4", "2026-04-01", "2026-04-30", 99999, owner="u1")],
        "deals": [
            deal("D1", "2026-03-01T00:00:00", "won", closed="2026-03-10T00:00:00", amount=4000, owner="u1"),
            deal("D2", "2026-03-01T00:00:00", "won", closed="2026-03-31T23:00:00", amount=2000, owner="u1"),
            deal("D3", "2026-03-01T00:00:00", "won", closed="2026-03-12T00:00:00", amount=6000, owner="u2"),
            deal("D4", "2026-02-01T00:00:00", "won", closed="2026-02-12T00:00:00", amount=777, owner="u1"),
            deal("D5", "2026-03-01T00:00:00", "lost", closed="2026-03-12T00:00:00", amount=5555, owner="u2"),
        ],
    })
    k = Kpis(store)
    parts = k.by("quota_attainment", "owner")
    assert parts["u1"]["value"] == approx((4000 + 2000) / 10000)
    assert parts["u2"]["value"] == approx(6000 / 5000)
    # No team or company quota exists: the company figure is the sum of the parts (KPIS.md: a
    # split never changes the total).
    assert k.value("quota_attainment") == approx((4000 + 2000 + 6000) / (10000 + 5000))


@covers("activities_logged", "sales_calls_logged", "activities_per_won_deal")
def test_activities(store):
    march = [("call", "2026-03-02T09:00:00"), ("call", "2026-03-03T09:00:00"), ("call", "2026-03-31T23:59:00"),
             ("email", "2026-03-04T09:00:00"), ("email", "2026-03-05T09:00:00"),
             ("voicemail", "2026-03-06T09:00:00"), ("meeting", "2026-03-01T00:00:00")]
    store.upsert_many({
        "activities": [activity(f"a{i}", t, at) for i, (t, at) in enumerate(march)]
        + [activity("x1", "call", "2026-04-01T00:00:00"), activity("x2", "email", "2026-02-28T23:59:59")],
        "deals": [
            deal("D1", "2026-03-01T00:00:00", "won", closed="2026-03-10T00:00:00", amount=100),
            deal("D2", "2026-03-01T00:00:00", "won", closed="2026-03-20T00:00:00", amount=100),
            deal("D3", "2026-03-01T00:00:00", "lost", closed="2026-03-20T00:00:00", amount=100),
        ],
    })
    k = Kpis(store)
    assert k.value("activities_logged") == 3 + 2 + 1 + 1
    parts = k.by("activities_logged", "activity_type")
    assert {t: r["value"] for t, r in parts.items()} == {"call": 3, "email": 2, "voicemail": 1, "meeting": 1}
    assert k.value("sales_calls_logged") == 3
    row = k.one("activities_per_won_deal")
    assert (row["value"], row["numerator"], row["denominator"]) == (approx(7 / 2), 7, 2)

    # KPIS.md defines activity reach as "activities (calls, e-mails, voicemails, meetings)":
    # read literally, tasks and notes are not part of it.
    store.upsert_many({"activities": [activity("t1", "task", "2026-03-10T00:00:00"),
                                      activity("n1", "note", "2026-03-11T00:00:00")]})
    assert Kpis(store).value("activities_logged") == 3 + 2 + 1 + 1


@covers("lead_response_time_hours")
def test_lead_response_time_hours(store):
    store.upsert_many({
        "leads": [lead("R1", "2026-03-02T09:00:00"), lead("R2", "2026-03-03T10:00:00"),
                  lead("R3", "2026-03-05T00:00:00"),  # never contacted: no duration to average
                  lead("R4", "2026-02-27T00:00:00"),  # created in February
                  lead("R5", "2026-03-06T00:00:00"), lead("R6", "2026-03-31T20:00:00")],
        "activities": [
            activity("a1", "email", "2026-03-02T09:30:00", direction="inbound", lead="R1"),  # not outbound
            activity("a2", "call", "2026-03-02T11:00:00", direction="outbound", lead="R1"),  # first: 2 h
            activity("a3", "email", "2026-03-02T15:00:00", direction="outbound", lead="R1"),
            activity("a4", "email", "2026-03-04T10:00:00", direction="outbound", lead="R2"),  # 24 h
            activity("a5", "call", "2026-03-01T00:00:00", direction="outbound", lead="R4"),
            activity("a6", "call", "2026-03-06T06:00:00", direction="outbound", lead="R5"),  # 6 h
            # R6 is a March lead answered in April: its first outbound activity still counts, 6 h.
            activity("a7", "call", "2026-04-01T02:00:00", direction="outbound", lead="R6"),
        ],
    })
    row = Kpis(store).one("lead_response_time_hours")
    assert row["value"] == approx((2 + 24 + 6 + 6) / 4)
    assert row["median"] == approx(6)


@covers("upsell_cross_sell_rate")
def test_upsell_cross_sell_rate(store):
    store.upsert_many({
        "accounts": [
            account("A1", acquired="2026-01-05T00:00:00"), account("A2", acquired="2026-01-05T00:00:00"),
            account("A3", acquired="2026-01-05T00:00:00"), account("A4", acquired="2026-01-05T00:00:00"),
            account("A6", acquired="2026-01-05T00:00:00", churned="2026-02-10T00:00:00"),  # gone before
            account("A7", acquired="2026-01-05T00:00:00", churned="2026-03-01T00:00:00"),  # churned_at = start
            account("A8", acquired="2026-03-10T00:00:00"),  # acquired in the period
        ],
        "deals": [
            deal("D1", "2026-03-01T00:00:00", "won", closed="2026-03-05T00:00:00", amount=10, kind="upsell", account="A1"),
            deal("D2", "2026-03-01T00:00:00", "won", closed="2026-03-06T00:00:00", amount=10, kind="cross_sell", account="A1"),
            deal("D3", "2026-03-01T00:00:00", "won", closed="2026-03-07T00:00:00", amount=10, kind="cross_sell", account="A2"),
            deal("D4", "2026-03-01T00:00:00", "won", closed="2026-03-07T00:00:00", amount=10, kind="new", account="A3"),
            deal("D5", "2026-03-01T00:00:00", "lost", closed="2026-03-07T00:00:00", amount=10, kind="upsell", account="A4"),
            deal("D6", "2026-02-01T00:00:00", "won", closed="2026-02-07T00:00:00", amount=10, kind="upsell", account="A3"),
        ],
    })
    # Customers at start: A1 A2 A3 A4 A7 (churned_at >= start); with an upsell/cross-sell won: A1 A2.
    row = Kpis(store).one("upsell_cross_sell_rate")
    assert (row["value"], row["numerator"], row["denominator"]) == (approx(2 / 5), 2, 5)
