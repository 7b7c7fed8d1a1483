"""Retention and loyalty KPIs (KPIS.md, second table), March 2026 in a UTC workspace."""

from __future__ import annotations

import datetime as dt

import pytest

from kpis.builders import Kpis, account, covers, order, spend, subscription

approx = pytest.approx
# "Scaled to a year" and "monthly churn rate" do not say whether March is 1/12 of a year (one
# month) or 31/365 of one (31 days of an average 365/12-day month): accept both (they differ by
# 1.9 % for March), nothing wider.
CALENDAR = 0.025


def seed_customers(store) -> None:
    """Accounts around March 2026, their orders and the spend of the month.

    at start (acquired < 1 Mar, not churned before it): C1 C2 C3 C7 C9 C12          → 6
    at end   (acquired < 1 Apr, not churned before it): C1 C5 C7 C9 C10 C11        → 6
    new in March: C5 C10 C11 → 3;  churned in March: C2 C3 C12 → 3;  retained: C1 C7 C9 → 3
    """
    store.upsert_many({
        "accounts": [
            account("C1", acquired="2025-06-01T00:00:00"),
            account("C2", acquired="2025-07-01T00:00:00", churned="2026-03-10T00:00:00"),
            account("C3", acquired="2025-08-01T00:00:00", churned="2026-03-01T00:00:00"),  # = start: counted at start
            account("C4", acquired="2025-09-01T00:00:00", churned="2026-02-20T00:00:00"),
            account("C5", acquired="2026-03-05T00:00:00"),
            account("C7", acquired="2025-10-01T00:00:00", churned="2026-04-01T00:00:00"),  # = end: active at end
            account("C8", acquired="2026-04-01T00:00:00"),  # acquired at the end: April's
            account("C9", acquired="2026-02-28T23:59:59"),  # a second before the start: not new
            account("C10", acquired="2026-03-15T00:00:00"),
            account("C11", acquired="2026-03-01T00:00:00"),  # at the start: new
            account("C12", acquired="2025-05-01T00:00:00", churned="2026-03-31T23:59:59"),
            account("P1"),  # a prospect, never acquired
        ],
        "orders": [
            order("o1", "C1", 100, "2026-03-02T00:00:00"), order("o2", "C1", 250, "2026-03-20T00:00:00"),
            order("o3", "C5", 40, "2026-03-06T00:00:00"),
            order("o4", "C9", 10, "2026-03-01T00:00:00"), order("o5", "C9", 20, "2026-03-11T00:00:00"),
            order("o6", "C9", 30, "2026-03-31T23:59:59"),
            order("o7", "C2", 999, "2026-02-27T00:00:00"), order("o8", "C1", 5000, "2026-04-01T00:00:00"),
        ],
        "spend": [
            spend("s1", "marketing", "2026-03-01", "2026-03-31", 1000, channel="ads"),
            spend("s2", "sales", "2026-03-01", "2026-03-31", 500),
            spend("s3", "retention", "2026-03-01", "2026-03-31", 300),
            spend("s4", "marketing", "2026-02-01", "2026-02-28", 700),
            spend("s5", "marketing", "2026-04-01", "2026-04-30", 900),
        ],
    })


@covers("customer_retention_rate", "churn_rate", "new_customers", "customer_lifetime_months",
        "repeat_purchase_rate", "average_order_value", "purchase_frequency", "customer_lifetime_value",
        "customer_acquisition_cost", "clv_to_cac_ratio", "retention_cost_per_customer")
def test_customer_base_kpis(store):
    seed_customers(store)
    k = Kpis(store)
    assert k.value("new_customers") == 3
    row = k.one("customer_retention_rate")
    assert (row["value"], row["numerator"], row["denominator"]) == (approx((6 - 3) / 6), 6 - 3, 6)
    row = k.one("churn_rate")
    assert (row["value"], row["numerator"], row["denominator"]) == (approx(3 / 6), 3, 6)
    # March is one month: its churn rate is the monthly churn rate (within CALENDAR).
    lifetime_months = 1 / (3 / 6)
    row = k.one("customer_lifetime_months")
    assert row["value"] == approx(lifetime_months, rel=CALENDAR)
    # Also reported: the observed mean tenure of the customers who churned in March, in months of
    # 365/12 days (within CALENDAR): C2 252 days, C3 212 days, C12 335 days less a second.
    tenure_days = (252 + 212 + (335 - 1 / 86400)) / 3
    assert row["observed_tenure_months"] == approx(tenure_days / (365 / 12), rel=CALENDAR)

    # Orders in March: C1 100 250 · C5 40 · C9 10 20 30.
    row = k.one("repeat_purchase_rate")
    assert (row["value"], row["numerator"], row["denominator"]) == (approx(2 / 3), 2, 3)
    aov = (100 + 250 + 40 + 10 + 20 + 30) / 6
    row = k.one("average_order_value")
    assert row["value"] == approx(aov)
    assert row["median"] == approx((30 + 40) / 2)
    frequency = 6 / 3 * 12  # orders per ordering customer in one month, times 12 months
    assert k.value("purchase_frequency") == approx(frequency, rel=CALENDAR)
    clv = aov * frequency * (lifetime_months / 12)
    assert k.value("customer_lifetime_value") == approx(clv, rel=CALENDAR)

    # Marketing + sales spend of March ÷ new customers; retention spend ÷ retained customers.
    cac = (1000 + 500) / 3
    assert k.value("customer_acquisition_cost") == approx(cac)
    assert k.value("clv_to_cac_ratio") == approx(clv / cac, rel=CALENDAR)
    row = k.one("retention_cost_per_customer")
    assert (row["value"], row["numerator"], row["denominator"]) == (approx(300 / 3), approx(300), 3)
    # "shown beside the average revenue per retained customer": March orders of C1 C7 C9.
    assert row["revenue_per_retained_customer"] == approx((100 + 250 + 10 + 20 + 30) / 3)


@covers("customer_retention_rate", "churn_rate")
def test_customer_acquired_and_lost_within_the_period(store):
    store.upsert_many({"accounts": [
        account("C1", acquired="2025-06-01T00:00:00"),
        account("C2", acquired="2025-07-01T00:00:00", churned="2026-03-10T00:00:00"),
        account("C6", acquired="2026-03-05T00:00:00", churned="2026-03-20T00:00:00"),
    ]})
    k = Kpis(store)
    # Start: C1 C2 (2). End: C1 (1). New: C6 (1). Churned in March: C2 C6 (2).
    # Read literally, KPIS.md's formulas do not restrict the new or churned customers to those
    # counted at the start: retention = (end − new) ÷ start; churn = churned in period ÷ start.
    assert k.value("customer_retention_rate") == approx((1 - 1) / 2)
    assert k.value("churn_rate") == approx(2 / 2)


@covers("purchase_frequency")
def test_purchase_frequency_over_a_whole_year(store):
    store.upsert_many({
        "accounts": [account("A1", acquired="2024-01-01T00:00:00"), account("A2", acquired="2024-01-01T00:00:00")],
        "orders": [order("o1", "A1", 1, "2025-01-01T00:00:00"), order("o2", "A1", 1, "2025-04-01T00:00:00"),
                   order("o3", "A1", 1, "2025-08-01T00:00:00"), order("o4", "A1", 1, "2025-12-31T23:59:59"),
                   order("o5", "A2", 1, "2025-06-01T00:00:00"), order("o6", "A2", 1, "2025-07-01T00:00:00"),
                   order("o7", "A2", 1, "2026-01-01T00:00:00")],
    })
    # A year-long period needs no scaling: 6 orders ÷ 2 customers.
    value = Kpis(store).value("purchase_frequency", start=dt.date(2025, 1, 1), end=dt.date(2026, 1, 1))
    assert value == approx(6 / 2, rel=1e-3)


@covers("renewal_rate")
def test_renewal_rate(store):
    store.upsert_many({"subscriptions": [
        subscription("S1", term_end="2026-03-10T00:00:00", renewed=True),
        subscription("S2", term_end="2026-03-20T00:00:00", renewed=False),
        subscription("S3", term_end="2026-03-31T23:00:00", renewed=False),
        subscription("S6", term_end="2026-03-01T00:00:00", renewed=True),
        subscription("S4", term_end="2026-04-05T00:00:00", renewed=True),
        subscription("S5", term_end="2026-02-28T00:00:00", renewed=True),
        subscription("S7", term_end="2026-04-01T00:00:00", renewed=True),  # ends at the period end: April's
    ]})
    # Terms ending in March: S1 S2 S3 S6; renewed: S1 S6.
    row = Kpis(store).one("renewal_rate")
    assert (row["value"], row["numerator"], row["denominator"]) == (approx(2 / 4), 2, 4)
