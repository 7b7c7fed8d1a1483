"""User adoption and data quality KPIs (KPIS.md, last two tables), March 2026 in a UTC workspace."""

from __future__ import annotations

import pytest

from kpis.builders import Kpis, account, covers, flag_duplicates, lead, usage, user

approx = pytest.approx


@covers("active_user_rate", "records_per_user")
def test_active_users_and_records_per_user(store):
    store.upsert_many({
        "users": [user("U1"), user("U2"), user("U3"), user("U4"),
                  user("U5", active=False),                  # deactivated: not a CRM user of March
                  user("U6", created="2026-04-05T00:00:00")],  # created after the period
        "usage_events": [
            usage("e1", "U1", "login", "2026-03-02T00:00:00"), usage("e2", "U1", "login", "2026-03-03T00:00:00"),
            usage("e3", "U1", "create", "2026-03-04T00:00:00"),
            usage("e4", "U2", "create", "2026-03-05T00:00:00"), usage("e5", "U2", "update", "2026-03-06T00:00:00"),
            usage("e6", "U3", "login", "2026-02-20T00:00:00"),   # February
            usage("e7", "U1", "update", "2026-04-02T00:00:00"),  # April
        ],
    })
    # Users with a usage event in March: U1 U2, of the CRM users active in March: U1 U2 U3 U4.
    row = Kpis(store).one("active_user_rate")
    assert (row["value"], row["numerator"], row["denominator"]) == (approx(2 / 4), 2, 4)

    # Now every active user has events in March, so both readings of "active users" (with a usage
    # event / active CRM users) give 4.
    store.upsert_many({"usage_events": [
        usage("e8", "U3", "view", "2026-03-10T00:00:00"), usage("e9", "U3", "update", "2026-03-11T00:00:00"),
        usage("e10", "U4", "create", "2026-03-12T00:00:00"), usage("e11", "U4", "delete", "2026-03-13T00:00:00"),
    ]})
    k = Kpis(store)
    assert k.value("active_user_rate") == approx(4 / 4)
    # Created or updated in March: U1 1, U2 2, U3 1, U4 1 (logins, views and deletes are not).
    row = k.one("records_per_user")
    assert row["value"] == approx((1 + 2 + 1 + 1) / 4)


@covers("duplicate_rate")
def test_duplicate_rate(store):
    store.upsert_many({
        "accounts": [account(f"A{i}", created="2026-03-02T00:00:00") for i in range(1, 5)],
        "leads": [lead(f"L{i}", "2026-03-03T00:00:00") for i in range(1, 7)],
    })
    found = "2026-03-10T00:00:00+00:00"
    flag_duplicates(store, [
        {"id": "c1", "table_name": "accounts", "record_id": "A2", "duplicate_of": "A1", "probability": 0.9,
         "status": "pending", "found_at": found},
        {"id": "c2", "table_name": "leads", "record_id": "L3", "duplicate_of": "L1", "probability": 0.95,
         "status": "confirmed", "found_at": found},
        {"id": "c3", "table_name": "leads", "record_id": "L3", "duplicate_of": "L2", "probability": 0.8,
         "status": "pending", "found_at": found},   # the same record flagged twice counts once
        {"id": "c4", "table_name": "leads", "record_id": "L5", "duplicate_of": "L4", "probability": 0.7,
         "status": "dismissed", "found_at": found},  # a person said no: not a probable duplicate
    ])
    # Flagged: A2 L3, of 4 accounts + 6 leads.
    assert Kpis(store).value("duplicate_rate") == approx(2 / (4 + 6))


@covers("data_completeness")
def test_data_completeness(store):
    store.upsert_many({
        "users": [user("u1")],
        "leads": [
            lead("Q1", "2026-03-02T00:00:00", email="q1@example.com", owner="u1", source="web"),  # 4 of 4
            lead("Q2", "2026-03-02T00:00:00", source="web"),                                     # 2: source, dates
        ],
        "accounts": [
            account("Q3", created="2026-03-02T00:00:00", phone="+34 600 000 000", owner="u1"),    # 3: no source
            account("Q4", created="2026-03-02T00:00:00", email="not-an-email", owner="u1",
                    source="referral"),                                                          # 3: e-mail invalid
        ],
    })
    # Four checks per record (contact, owner, source, consistent dates): 4 + 2 + 3 + 3 of 4 × 4.
    assert Kpis(store).value("data_completeness") == approx((4 + 2 + 3 + 3) / (4 * 4))
