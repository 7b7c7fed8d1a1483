"""What every KPI shares: period edges in the workspace time zone, comparisons, splits, scopes,
zero denominators (KPIS.md's conventions and the engine contract)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from pulso.errors import ScopeError

from kpis.builders import (
    APR, FEB, MAR, Kpis, account, activity, covers, deal, lead, seed_deals, session, spend, user,
)

approx = pytest.approx
MADRID = ZoneInfo("Europe/Madrid")


@covers("revenue_won", "leads_created")
def test_periods_are_cut_in_the_workspace_time_zone(store_factory):
    store = store_factory(timezone="Europe/Madrid")
    store.upsert_many({
        "deals": [
            # 23:30 local on 31 March (21:30 UTC; summer time began on 29 March): March.
            deal("D1", "2026-03-20T00:00:00", "won", closed="2026-03-31T23:30:00", amount=1000),
            # 00:30 local on 1 April, given as UTC (22:30 UTC on 31 March): April.
            deal("D2", "2026-03-20T00:00:00", "won", closed="2026-03-31T22:30:00+00:00", amount=2000),
            # 00:30 local on 1 March is still February in UTC: March here.
            deal("D3", "2026-02-20T00:00:00", "won", closed=dt.datetime(2026, 3, 1, 0, 30, tzinfo=MADRID), amount=400),
            # 23:30 local on 30 April: April.
            deal("D4", "2026-04-20T00:00:00", "won", closed="2026-04-30T23:30:00", amount=80),
        ],
        "leads": [lead("L1", "2026-03-08T23:30:00"),   # Sunday night: the week of Monday 2 March
                  lead("L2", "2026-03-09T00:30:00")],  # Monday: the next week
    })
    k = Kpis(store)
    rows = k.rows("revenue_won", start=MAR, end=dt.date(2026, 5, 1), grain="month")
    assert [(r["period_start"], r["period_end"], r["value"]) for r in rows] == [
        (MAR, APR, approx(1000 + 400)),
        (APR, dt.date(2026, 5, 1), approx(2000 + 80)),
    ]
    assert k.value("revenue_won") == approx(1000 + 400)
    rows = k.rows("leads_created", start=dt.date(2026, 3, 2), end=dt.date(2026, 3, 16), grain="week")
    assert [(r["period_start"], r["value"]) for r in rows] == [(dt.date(2026, 3, 2), 1), (dt.date(2026, 3, 9), 1)]


@covers("revenue_won", "close_rate")
def test_previous_and_year_ago(store):
    def won(id, closed, amount):
        return deal(id, "2025-01-01T00:00:00", "won", closed=closed, amount=amount)

    def lost(id, closed):
        return deal(id, "2025-01-01T00:00:00", "lost", closed=closed, amount=1)

    store.upsert_many({"deals": [
        won("m1", "2026-03-05T00:00:00", 1000), won("m2", "2026-03-20T00:00:00", 2000), lost("m3", "2026-03-07T00:00:00"),
        won("f1", "2026-02-10T00:00:00", 500), lost("f2", "2026-02-11T00:00:00"), lost("f3", "2026-02-12T00:00:00"),
        won("y1", "2025-03-15T00:00:00", 700), lost("y2", "2025-03-16T00:00:00"),
        won("n1", "2025-02-15T00:00:00", 9), won("n2", "2026-01-20T00:00:00", 50), won("n3", "2026-04-01T00:00:00", 60),
    ]})
    k = Kpis(store)
    # The February figures are also those of the 31 days before 1 March; the year-ago ones are March 2025.
    for grain in (None, "month"):
        row = k.one("revenue_won", grain=grain)
        assert (row["value"], row["previous"], row["year_ago"]) == (approx(1000 + 2000), approx(500), approx(700))
        row = k.one("close_rate", grain=grain)
        assert (row["value"], row["previous"], row["year_ago"]) == (approx(2 / 3), approx(1 / 3), approx(1 / 2))
    feb, mar = k.rows("close_rate", start=FEB, end=APR, grain="month")
    assert mar["previous"] == approx(feb["value"]) == approx(1 / 3)


@covers("close_rate", "revenue_won", "open_opportunities")
def test_split_by_owner_sums_to_the_total(store):
    seed_deals(store)
    k = Kpis(store)
    parts = k.by("close_rate", "owner")
    assert (parts["u1"]["numerator"], parts["u1"]["denominator"]) == (2, 3)  # won D1 D3, lost D5
    assert (parts["u2"]["numerator"], parts["u2"]["denominator"]) == (1, 3)  # won D2, lost D4 D6
    assert parts["u1"]["value"] == approx(2 / 3)
    total = k.one("close_rate")
    assert sum(p["numerator"] or 0 for p in parts.values()) == total["numerator"] == 3
    assert sum(p["denominator"] or 0 for p in parts.values()) == total["denominator"] == 6
    revenue = k.by("revenue_won", "owner")
    assert revenue["u1"]["value"] == approx(1000 + 8000)
    assert sum(p["value"] or 0 for p in revenue.values()) == approx(k.value("revenue_won")) == approx(12000)
    open_ = k.by("open_opportunities", "owner")
    assert (open_["u1"]["value"], open_["u2"]["value"]) == (1, 2)  # D9 · D8 D10


@covers("close_rate", "revenue_won", "open_opportunities")
def test_scopes_return_only_the_owners_figures(store):
    from pulso.engine import Scope

    seed_deals(store)
    k = Kpis(store)
    for scope in (Scope.owners("u1"), Scope.team("t1")):  # t1 = u1 and u3, who owns nothing
        row = k.one("close_rate", scope=scope)
        assert (row["value"], row["numerator"], row["denominator"]) == (approx(2 / 3), 2, 3)
        assert k.value("revenue_won", scope=scope) == approx(1000 + 8000)
        assert k.value("open_opportunities", scope=scope) == 1
    row = k.one("close_rate", scope=Scope.owners("u2"))
    assert (row["numerator"], row["denominator"]) == (1, 3)
    assert k.value("close_rate", scope=Scope.owners("u1", "u2")) == approx(3 / 6)
    assert k.value("close_rate", scope=Scope.company()) == approx(3 / 6)


@covers("website_visitors", "customer_acquisition_cost")
def test_unowned_kpi_under_a_restricted_scope_raises(store):
    from pulso.engine import Scope

    store.upsert_many({
        "teams": [{"id": "t1", "name": "Norte", "manager_id": None}],
        "users": [user("u1", team="t1")],
        "web_sessions": [session("s1", "v1", "2026-03-02T00:00:00", 10)],
        "spend": [spend("sp1", "marketing", "2026-03-01", "2026-03-31", 100)],
    })
    k = Kpis(store)
    assert k.value("website_visitors", scope=Scope.company()) == 1
    for key in ("website_visitors", "customer_acquisition_cost"):
        for scope in (Scope.owners("u1"), Scope.team("t1")):
            with pytest.raises(ScopeError):
                k.rows(key, scope=scope)


RATIO_KPIS = (
    "lead_conversion_rate", "visitor_to_lead_rate", "lead_to_mql_rate", "mql_to_sql_rate", "sql_to_customer_rate",
    "close_rate", "average_deal_value", "average_order_value", "open_deal_age_days", "sales_cycle_days",
    "activities_per_won_deal", "lead_response_time_hours", "upsell_cross_sell_rate", "customer_retention_rate",
    "churn_rate", "renewal_rate", "repeat_purchase_rate", "customer_acquisition_cost",
    "retention_cost_per_customer", "nps", "ces", "csat", "first_response_time_hours", "resolution_time_hours",
    "automation_level", "avg_time_on_site_seconds", "visitor_purchase_rate", "active_user_rate",
    "quota_attainment", "purchase_frequency", "records_per_user", "duplicate_rate", "data_completeness",
    "campaign_roi",
    # Built on the ratios above: 1 ÷ churn rate, products and quotients of None are None.
    "customer_lifetime_months", "customer_lifetime_value", "clv_to_cac_ratio", "sales_velocity",
)


@covers(*RATIO_KPIS)
def test_zero_denominators_give_none(store):
    k = Kpis(store)
    for key in RATIO_KPIS:  # an empty workspace: every denominator is 0
        assert k.value(key) is None, key
    # Numerators without denominators: activities but no won deal, spend but no new or retained customer.
    store.upsert_many({
        "activities": [activity("a1", "call", "2026-03-02T00:00:00"), activity("a2", "email", "2026-03-03T00:00:00")],
        "spend": [spend("m", "marketing", "2026-03-01", "2026-03-31", 1000),
                  spend("r", "retention", "2026-03-01", "2026-03-31", 300)],
        "deals": [deal("D1", "2026-03-01T00:00:00", "lost", closed="2026-03-02T00:00:00", amount=5)],
    })
    k = Kpis(store)
    numerators = {"activities_per_won_deal": 2, "customer_acquisition_cost": 1000, "retention_cost_per_customer": 300}
    for key, numerator in numerators.items():
        row = k.one(key)
        assert (row["value"], row["numerator"]) == (None, approx(numerator)), key
    row = k.one("close_rate")
    assert (row["value"], row["numerator"], row["denominator"]) == (approx(0), 0, 1)  # 0 of 1 is 0, not None
    # A customer who stays: churn rate 0 of 1, so the expected lifetime 1 ÷ 0 is None.
    store.upsert_many({"accounts": [account("A1", acquired="2025-01-01T00:00:00")]})
    k = Kpis(store)
    assert k.value("churn_rate") == approx(0 / 1)
    assert k.value("customer_lifetime_months") is None
