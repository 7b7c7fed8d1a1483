"""The fiscal year (issue 17 item 4): with the workspace's fiscal year starting in month M, a
quarter and a year start on the fiscal boundaries in the engine's periods, the engine's series,
the comparisons of a period in progress and the names people read. Boundaries worked out by hand
on a calendar for M = 1, 4 and 10; a KPI by quarter on a tiny store on both backends."""

from __future__ import annotations

import datetime as dt

import pytest

from pulso.engine import engine_for
from pulso.engine import periods as P
from pulso.engine.elapsed import comparison
from pulso.formatting import fmt_bucket, fmt_period
from pulso.store.settings import save

D = dt.date


@pytest.mark.parametrize("fiscal, day, quarter, year", [
    (1, D(2026, 5, 15), (D(2026, 4, 1), D(2026, 7, 1)), (D(2026, 1, 1), D(2027, 1, 1))),
    # M = 4: 15 May 2026 is in Q1 2026-27 = 1 Apr–30 Jun 2026; the year is 1 Apr 2026 – 31 Mar 2027
    (4, D(2026, 5, 15), (D(2026, 4, 1), D(2026, 7, 1)), (D(2026, 4, 1), D(2027, 4, 1))),
    (4, D(2026, 3, 31), (D(2026, 1, 1), D(2026, 4, 1)), (D(2025, 4, 1), D(2026, 4, 1))),  # Q4 2025-26
    # M = 10: 15 May 2026 is in Q3 2025-26 = 1 Apr – 30 Jun; the year is 1 Oct 2025 – 30 Sep 2026
    (10, D(2026, 5, 15), (D(2026, 4, 1), D(2026, 7, 1)), (D(2025, 10, 1), D(2026, 10, 1))),
    (10, D(2026, 11, 2), (D(2026, 10, 1), D(2027, 1, 1)), (D(2026, 10, 1), D(2027, 10, 1))),
    # M = 2: quarters are Feb–Apr, May–Jul, Aug–Oct, Nov–Jan
    (2, D(2027, 1, 20), (D(2026, 11, 1), D(2027, 2, 1)), (D(2026, 2, 1), D(2027, 2, 1))),
    (2, D(2026, 5, 1), (D(2026, 5, 1), D(2026, 8, 1)), (D(2026, 2, 1), D(2027, 2, 1))),
])
def test_quarters_and_years_start_on_the_fiscal_boundaries(fiscal, day, quarter, year):
    assert (P.floor(day, "quarter", fiscal), P.add(P.floor(day, "quarter", fiscal), "quarter")) == quarter
    assert (P.floor(day, "year", fiscal), P.add(P.floor(day, "year", fiscal), "year")) == year
    assert P.floor(day, "month", fiscal) == D(day.year, day.month, 1)  # months and weeks do not move


def test_a_series_is_cut_at_fiscal_quarters_and_compared_with_the_fiscal_quarter_before():
    # M = 2, 1 Jan – 1 Jun 2026: Nov–Jan (clipped to January), Feb–Apr, May (clipped)
    assert P.split(D(2026, 1, 1), D(2026, 6, 1), "quarter", fiscal=2) == [
        P.Period(D(2026, 1, 1), D(2026, 2, 1)), P.Period(D(2026, 2, 1), D(2026, 5, 1)),
        P.Period(D(2026, 5, 1), D(2026, 6, 1))]
    q = P.Period(D(2026, 2, 1), D(2026, 5, 1))
    assert P.previous(q, "quarter", fiscal=2) == P.Period(D(2025, 11, 1), D(2026, 2, 1))
    assert P.plan(D(2026, 4, 1), D(2027, 4, 1), "year", fiscal=4).main == [P.Period(D(2026, 4, 1), D(2027, 4, 1))]
    assert P.plan(D(2026, 1, 1), D(2027, 1, 1), "year", fiscal=4).main == [
        P.Period(D(2026, 1, 1), D(2026, 4, 1)), P.Period(D(2026, 4, 1), D(2027, 1, 1))]


def test_a_fiscal_quarter_in_progress_is_compared_with_the_same_part_of_the_fiscal_quarter_before():
    # M = 4, 15 May 2026: Q1 2026-27 (1 Apr – 30 Jun) elapsed 1 Apr – 15 May, against 1 Jan – 15 Feb
    start = P.floor(D(2026, 5, 15), "quarter", 4)
    c = comparison(start, P.add(start, "quarter"), today=D(2026, 5, 15))
    assert c.current == P.Period(D(2026, 4, 1), D(2026, 5, 16))
    assert c.previous == P.Period(D(2026, 1, 1), D(2026, 2, 16))
    # M = 10 year in progress on 15 May 2026: 1 Oct 2025 – 15 May 2026 against 1 Oct 2024 – 15 May 2025
    start = P.floor(D(2026, 5, 15), "year", 10)
    c = comparison(start, P.add(start, "year"), today=D(2026, 5, 15))
    assert c.current == P.Period(D(2025, 10, 1), D(2026, 5, 16))
    assert c.previous == P.Period(D(2024, 10, 1), D(2025, 5, 16)) == c.year_ago


def test_names_say_the_fiscal_year_when_it_does_not_start_in_january():
    assert fmt_period("quarter", D(2026, 4, 1), D(2026, 6, 30), "es") == "T2 2026"
    assert fmt_period("year", D(2026, 1, 1), D(2026, 12, 31), "en") == "2026"
    assert fmt_period("quarter", D(2026, 4, 1), D(2026, 6, 30), "es", fiscal=4) == "T1 del ejercicio 2026-27"
    assert fmt_period("quarter", D(2026, 4, 1), D(2026, 6, 30), "en", fiscal=4) == "Q1 FY2026-27"
    assert fmt_period("quarter", D(2026, 1, 1), D(2026, 3, 31), "es", fiscal=4) == "T4 del ejercicio 2025-26"
    assert fmt_period("quarter", D(2026, 4, 1), D(2026, 6, 30), "en", fiscal=10) == "Q3 FY2025-26"
    assert fmt_period("year", D(2025, 10, 1), D(2026, 9, 30), "es", fiscal=10) == "Ejercicio 2025-26"
    assert fmt_period("year", D(2025, 10, 1), D(2026, 9, 30), "en", fiscal=10) == "FY2025-26"
    assert fmt_period("year", D(2099, 10, 1), D(2100, 9, 30), "en", fiscal=10) == "FY2099-00"
    assert fmt_bucket(D(2026, 4, 1), "quarter", "en", fiscal=4) == "Q1 FY2026-27"


def test_revenue_by_quarter_follows_the_fiscal_year_setting(store):
    """Won revenue by quarter over April 2026 – March 2027, by hand: calendar quarters Q2..Q1,
    then with M = 2 the quarters Feb–Apr (April only), May–Jul, Aug–Oct, Nov–Jan, Feb–Mar."""
    store.upsert_many({
        "users": [{"id": "u1", "name": "Ana", "email": "a@x.es", "role": "rep", "created_at": "2025-01-01"}],
        "stages": [{"id": "w", "pipeline": "p", "name": "Ganado", "position": 1, "kind": "won", "probability": 1.0}],
        "deals": [{"id": f"d{i}", "owner_id": "u1", "title": "t", "amount": amount, "currency": "EUR", "stage_id": "w",
                   "status": "won", "kind": "new", "created_at": "2026-01-01T08:00:00", "closed_at": closed}
                  for i, (amount, closed) in enumerate([
                      (100, "2026-04-10T10:00:00"), (200, "2026-05-10T10:00:00"), (400, "2026-07-10T10:00:00"),
                      (800, "2026-11-10T10:00:00"), (1600, "2027-01-10T10:00:00"), (3200, "2027-02-10T10:00:00")])],
    })
    engine = engine_for(store)

    def by_quarter():
        rows = engine.query("revenue_won", start=D(2026, 4, 1), end=D(2027, 4, 1), grain="quarter").rows
        return [(r["period_start"], r["value"]) for r in rows]

    assert by_quarter() == [(D(2026, 4, 1), 300), (D(2026, 7, 1), 400), (D(2026, 10, 1), 800), (D(2027, 1, 1), 4800)]
    save(store, {"fiscal_year_start": "2"})
    assert by_quarter() == [(D(2026, 4, 1), 100), (D(2026, 5, 1), 600), (D(2026, 8, 1), 0),
                            (D(2026, 11, 1), 2400), (D(2027, 2, 1), 3200)]
    assert engine.fiscal_start() == 2


# -- working hours (issue 17 item 4): the SLA alerts count working hours when the workspace sets them ---

UTC = dt.timezone.utc


def test_working_hours_between_two_moments_by_hand():
    from zoneinfo import ZoneInfo

    from pulso.alerts.sla import Week, working_hours

    week = Week(frozenset({1, 2, 3, 4, 5}), dt.time(9), dt.time(18), ZoneInfo("UTC"))
    fri_17, mon_10 = dt.datetime(2026, 11, 6, 17, tzinfo=UTC), dt.datetime(2026, 11, 9, 10, tzinfo=UTC)
    assert working_hours(fri_17, mon_10, week) == 2  # Friday 17–18, Monday 9–10
    assert working_hours(dt.datetime(2026, 11, 7, 8, tzinfo=UTC), mon_10, week) == 1  # Saturday counts nothing
    assert working_hours(dt.datetime(2026, 11, 9, 8, tzinfo=UTC), dt.datetime(2026, 11, 10, 20, tzinfo=UTC), week) == 18
    # in Madrid (UTC+1 in November), 16:00 UTC Friday is 17:00 local: the same 2 working hours
    madrid = Week(week.days, week.opens, week.closes, ZoneInfo("Europe/Madrid"))
    assert working_hours(dt.datetime(2026, 11, 6, 16, tzinfo=UTC), dt.datetime(2026, 11, 9, 9, tzinfo=UTC), madrid) == 2


def test_the_ticket_sla_alert_counts_working_hours_once_the_workspace_sets_them(store):
    from pulso import alerts

    store.upsert_many({
        "users": [{"id": "u1", "name": "Ana", "email": "a@x.es", "role": "rep", "created_at": "2025-01-01"}],
        "tickets": [
            # high priority: 4 h. Opened Friday 17:00, answered Monday 10:00: 65 clock hours, 2 working hours
            {"id": "T1", "owner_id": "u1", "channel": "email", "priority": "high", "status": "open",
             "opened_at": "2026-11-06T17:00:00", "first_response_at": "2026-11-09T10:00:00", "first_response_automated": False},
            # answered Monday 13:00: 5 working hours, late either way
            {"id": "T2", "owner_id": "u1", "channel": "email", "priority": "high", "status": "open",
             "opened_at": "2026-11-06T17:00:00", "first_response_at": "2026-11-09T13:00:00", "first_response_automated": False},
        ],
    })
    engine = engine_for(store)
    rule = alerts.create_rule(store, engine, kind="unanswered", params={"record": "ticket", "hours": "sla"})
    now = dt.datetime(2026, 11, 10, 12, tzinfo=UTC)

    def late():
        found = alerts.records.unanswered(store, {**rule, "params": rule["params"]}, now)
        return {f.detail["id"]: f.detail["waited_hours"] for f in found}

    assert late() == {"T1": 65.0, "T2": 68.0}  # nothing set: clock hours, as before
    save(store, {"working_days": "1,2,3,4,5", "working_hours": "09:00-18:00"})
    assert late() == {"T2": 5.0}
