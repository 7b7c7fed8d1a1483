"""Operational efficiency (service) KPIs (KPIS.md, fourth table), March 2026 in a UTC workspace."""

from __future__ import annotations

import pytest

from kpis.builders import HOUR, Kpis, activity, covers, ticket

approx = pytest.approx


def seed_tickets(store) -> None:
    """Tickets around March 2026 (first response → hours, resolution → hours)."""
    store.upsert_many({"tickets": [
        ticket("T1", "2026-03-02T08:00:00", first_response="2026-03-02T10:00:00", automated=True,   # 2 h
               resolved="2026-03-03T08:00:00"),                                                   # 24 h
        ticket("T2", "2026-03-03T00:00:00", first_response="2026-03-04T00:00:00", automated=False,  # 24 h
               resolved="2026-03-05T00:00:00"),                                                   # 48 h
        ticket("T3", "2026-03-05T12:00:00", first_response="2026-03-05T12:30:00", automated=True),  # 0.5 h
        ticket("T4", "2026-03-20T00:00:00"),                                                      # unanswered
        # Resolved exactly at the period end: still in the backlog at that end.
        ticket("T5", "2026-03-30T00:00:00", first_response="2026-03-30T02:00:00", automated=False,  # 2 h
               resolved="2026-04-01T00:00:00"),
        # Opened in February, resolved in March: 48 h to 1 March + 6 h = 54 h.
        ticket("T6", "2026-02-27T00:00:00", first_response="2026-02-27T01:00:00", automated=True,
               resolved="2026-03-01T06:00:00"),
        # Resolved a second before the period end: not in the backlog; 4 h − 1 s.
        ticket("T7", "2026-03-31T20:00:00", first_response="2026-03-31T21:00:00", automated=False,  # 1 h
               resolved="2026-03-31T23:59:59"),
        ticket("T8", "2026-01-15T00:00:00"),                                                      # old, open
        ticket("T9", "2026-04-01T00:00:00"),                                                      # April
        ticket("T10", "2026-03-10T00:00:00"),                                                     # unanswered
    ]})


@covers("first_response_time_hours", "resolution_time_hours", "tickets_resolved_per_day", "tickets_opened",
        "ticket_backlog", "automation_level")
def test_ticket_kpis(store):
    seed_tickets(store)
    k = Kpis(store)
    # Opened in March: T1 T2 T3 T4 T5 T7 T10.
    assert k.value("tickets_opened") == 7
    row = k.one("first_response_time_hours")
    assert row["value"] == approx((2 + 24 + 0.5 + 2 + 1) / 5)
    assert row["numerator"] == approx(2 + 24 + 0.5 + 2 + 1)
    assert row["denominator"] == 5
    assert row["median"] == approx(2)
    assert row["unanswered"] == 2  # T4 T10, never silently dropped
    # Resolved in March: T1 24 h, T2 48 h, T6 54 h, T7 4 h − 1 s.
    t7 = (4 * HOUR - 1) / HOUR
    row = k.one("resolution_time_hours")
    assert row["value"] == approx((24 + 48 + 54 + t7) / 4)
    assert row["median"] == approx((24 + 48) / 2)
    assert k.value("tickets_resolved_per_day") == approx(4 / 31)
    # Open at 1 April 00:00: T3 T4 T5 T8 T10 (T5 resolved exactly then, T7 a second before).
    row = k.one("ticket_backlog")
    assert row["value"] == 5
    assert row["denominator"] is None

    # Automation: ticket replies of March (T1 T2 T3 T5 T7, automated: T1 T3) and activities
    # of March (4, automated: 1).
    store.upsert_many({"activities": [
        activity("a1", "email", "2026-03-02T00:00:00", automated=True),
        activity("a2", "email", "2026-03-03T00:00:00"),
        activity("a3", "call", "2026-03-04T00:00:00"),
        activity("a4", "meeting", "2026-03-05T00:00:00"),
        activity("a5", "email", "2026-04-02T00:00:00", automated=True),
    ]})
    row = Kpis(store).one("automation_level")
    assert (row["value"], row["numerator"], row["denominator"]) == (approx((1 + 2) / (4 + 5)), 1 + 2, 4 + 5)
