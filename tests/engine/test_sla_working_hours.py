"""Issue 17 item 4: the SLA KPIs (`first_response_sla_rate`, `resolution_sla_rate`) count working
hours once the workspace sets its working week, as the `unanswered` alerts do; clock hours otherwise.

Tiny hand-made workspaces on both backends; every expected figure is worked out by hand here.
"""

from __future__ import annotations

import datetime as dt

import pytest

from pulso import alerts
from pulso.engine import Engine, engine_for
from pulso.store.settings import save

UTC = dt.timezone.utc
D = dt.date
NOV = dict(start=D(2026, 11, 1), end=D(2026, 12, 1))
OCT = dict(start=D(2026, 10, 1), end=D(2026, 11, 1))
WEEK = {"working_days": "1,2,3,4,5", "working_hours": "09:00-18:00"}
USER = {"id": "u1", "name": "Ana", "email": "a@x.es", "role": "rep", "created_at": "2025-01-01"}


def ticket(id_: str, priority: str, opened: str, first: str | None, resolved: str | None = None) -> dict:
    return {"id": id_, "owner_id": "u1", "channel": "email", "priority": priority, "opened_at": opened,
            "first_response_at": first, "first_response_automated": False if first else None,
            "resolved_at": resolved, "status": "resolved" if resolved else "open"}


def one(engine: Engine, key: str, period: dict) -> dict:
    rows = engine.query(key, **period).rows
    assert len(rows) == 1
    return rows[0]


def late_alerts(store, engine, now: dt.datetime) -> set[str]:
    """The tickets the starter-style rule 'ticket without first response beyond its SLA' flags at `now`."""
    rule = alerts.create_rule(store, engine, kind="unanswered", params={"record": "ticket", "hours": "sla"})
    return {f.detail["id"] for f in alerts.records.unanswered(store, rule, now)}


def missed(engine: Engine, key: str, period: dict) -> set[str]:
    """Tickets counted as due (denominator) but not within (numerator): the SLAs the KPI says were missed."""
    ids = {part: {r["id"] for r in engine.drill(key, **period, part=part)} for part in ("numerator", "denominator")}
    return ids["denominator"] - ids["numerator"]


# Friday 2026-11-06, Saturday 11-07, Monday 11-09, Tuesday 11-10 (UTC workspace), high priority:
# first response within 4 h, resolution within 24 h (the defaults).
FRIDAY_TICKETS = [
    # first response: Friday 17–18 + Monday 9–10 = 2 working hours (65 clock hours): within 4
    # resolution: Friday 1 + Monday 9 + Tuesday 9–12 3 = 13 working hours (91 clock hours): within 24
    ticket("T1", "high", "2026-11-06T17:00:00", "2026-11-09T10:00:00", "2026-11-10T12:00:00"),
    # first response: 1 + Monday 9–13 4 = 5 working hours (68 clock): missed either way
    # resolution: 1 + five whole days (Mon 9 – Fri 13) 45 + Monday 16th 9–17 8 = 54 working hours: missed
    ticket("T2", "high", "2026-11-06T17:00:00", "2026-11-09T13:00:00", "2026-11-16T17:00:00"),
    # opened on Saturday (outside working hours): the clock starts on Monday at 09:00
    # first response Monday 09:30 = 0.5 working hours (47.5 clock): within; resolved Monday 17:00 = 8 (55 clock)
    ticket("T3", "high", "2026-11-07T10:00:00", "2026-11-09T09:30:00", "2026-11-09T17:00:00"),
]


def test_friday_to_monday_is_within_the_sla_with_a_working_week_and_missed_without(store):
    store.upsert_many({"users": [USER], "tickets": FRIDAY_TICKETS})
    engine = engine_for(store)
    for key in ("first_response_sla_rate", "resolution_sla_rate"):  # clock hours: every ticket is past its hours
        row = one(engine, key, NOV)
        assert (row["numerator"], row["denominator"], row["value"]) == (0.0, 3.0, 0.0), key
    save(store, WEEK)
    for key in ("first_response_sla_rate", "resolution_sla_rate"):  # working hours: T1 and T3 within
        row = one(engine, key, NOV)
        assert (row["numerator"], row["denominator"]) == (2.0, 3.0), key
        assert row["value"] == pytest.approx(2 / 3) and row["pending"] == 0.0
        assert missed(engine, key, NOV) == {"T2"}
    both = engine.query_many(["first_response_sla_rate", "resolution_sla_rate"], **NOV)  # the report's path
    assert [r["numerator"] for k in both for r in both[k].rows] == [2.0, 2.0]
    # the alert agrees: only T2 was answered later than its 4 hours
    assert late_alerts(store, engine, dt.datetime(2026, 11, 12, 12, tzinfo=UTC)) == {"T2"}
    # the service times stay clock hours (how long a customer waited): (65 + 68 + 47.5) / 3
    assert one(engine, "first_response_time_hours", NOV)["value"] == pytest.approx(180.5 / 3)


def test_a_saturday_ticket_answered_monday_at_0930_waited_half_a_working_hour(store):
    store.set_setting("sla_first_response_hours", "urgent=0.5,high=0.4,normal=8")
    store.upsert_many({"users": [USER], "tickets": [
        ticket("S1", "urgent", "2026-11-07T10:00:00", "2026-11-09T09:30:00"),  # 0.5 ≤ 0.5: within
        ticket("S2", "high", "2026-11-07T10:00:00", "2026-11-09T09:30:00"),  # 0.5 > 0.4: missed
    ]})
    save(store, WEEK)
    engine = engine_for(store)
    row = one(engine, "first_response_sla_rate", NOV)
    assert (row["numerator"], row["denominator"]) == (1.0, 2.0)
    assert missed(engine, "first_response_sla_rate", NOV) == {"S2"}
    assert late_alerts(store, engine, dt.datetime(2026, 11, 12, tzinfo=UTC)) == {"S2"}


def test_working_hours_follow_the_daylight_saving_change_in_madrid(store):
    # Madrid leaves summer time on Sunday 2026-10-25: Friday 23rd is UTC+2, Monday 26th UTC+1.
    # Working week 09:00–18:00 local, Monday to Friday; high priority answered within 2 hours.
    store.set_setting("sla_first_response_hours", "high=2,normal=8")
    store.upsert_many({"users": [USER], "tickets": [
        # Friday 17:00 local (15:00Z) → Monday 10:00 local (09:00Z): 1 + 1 = 2 working hours, within.
        # (Monday opening at 07:00Z, Friday's offset, would make it 3.)
        ticket("A", "high", "2026-10-23T15:00:00+00:00", "2026-10-26T09:00:00+00:00"),
        # Friday 17:30 local (15:30Z) → Monday 10:30 local (09:30Z): 0.5 + 1.5 = 2, within.
        # (Friday closing at 17:00Z, Monday's offset, would make it 3.)
        ticket("B", "high", "2026-10-23T15:30:00+00:00", "2026-10-26T09:30:00+00:00"),
        # Sunday 25th, the change itself (a day off, 25 clock hours) → Monday 11:01 local (10:01Z): 2 h 1 min: missed
        ticket("C", "high", "2026-10-25T12:00:00+00:00", "2026-10-26T10:01:00+00:00"),
    ]})
    save(store, {"timezone": "Europe/Madrid", **WEEK})
    engine = engine_for(store)
    row = one(engine, "first_response_sla_rate", OCT)
    assert (row["numerator"], row["denominator"]) == (2.0, 3.0)
    assert missed(engine, "first_response_sla_rate", OCT) == {"C"}
    assert late_alerts(store, engine, dt.datetime(2026, 10, 28, 12, tzinfo=UTC)) == {"C"}


def test_an_unanswered_ticket_is_late_once_its_working_hours_have_passed_at_the_engines_now(store):
    # Every day works 00:00–12:00 UTC: any 24 hours hold exactly 12 working hours, so a ticket opened
    # 96 hours before now has waited 48 working hours, whatever the time the test runs at (the engine
    # reads its own clock a moment later: seconds, nowhere near the limits below).
    store.set_setting("sla_first_response_hours", "urgent=40,high=60,normal=8")
    now = dt.datetime.now(UTC).replace(microsecond=0)
    opened = (now - dt.timedelta(hours=96)).isoformat()
    store.upsert_many({"users": [USER], "tickets": [
        ticket("U", "urgent", opened, None),  # 48 > 40 working hours: missed
        ticket("H", "high", opened, None),  # 48 < 60: still pending (96 clock hours would have missed it)
    ]})
    period = dict(start=(now - dt.timedelta(days=10)).date(), end=now.date() + dt.timedelta(days=1))
    engine = engine_for(store)
    row = one(engine, "first_response_sla_rate", period)  # clock hours: both are 96 hours old
    assert (row["numerator"], row["denominator"], row["pending"]) == (0.0, 2.0, 0.0)
    save(store, {"working_days": "1,2,3,4,5,6,7", "working_hours": "00:00-12:00"})
    row = one(engine, "first_response_sla_rate", period)
    assert (row["numerator"], row["denominator"], row["pending"]) == (0.0, 1.0, 1.0)
    assert missed(engine, "first_response_sla_rate", period) == {"U"}
    assert late_alerts(store, engine, now) == {"U"}  # the alert, at the same moment, agrees
