"""Maturing cohorts (issue 16 item 2): maturity from the workspace's own lags, and the rate within
a conversion window; numbers worked out by hand, on DuckDB and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from pulso.access import Scope
from pulso.engine import maturity as M

D = dt.date
TODAY = D(2026, 12, 5)


def _at(day: dt.date, days: int = 0) -> str:
    return (dt.datetime.combine(day, dt.time(10)) + dt.timedelta(days=days)).strftime("%Y-%m-%d %H:%M")


def seed(store):
    store.upsert_many({"teams": [{"id": "t1", "name": "Norte"}],
                       "users": [{"id": u, "name": u.upper(), "email": f"{u}@x.test", "role": "rep", "team_id": "t1",
                                  "created_at": "2020-01-01"} for u in ("u1", "u2")]})
    past = D(2026, 6, 1)
    leads = [  # four past leads of u1 converted after 5, 10, 20 and 40 days; one never converted
        {"id": f"p{lag}", "owner_id": "u1", "created_at": _at(past), "converted_at": _at(past, lag)}
        for lag in (5, 10, 20, 40)]
    leads.append({"id": "p0", "owner_id": "u1", "created_at": _at(past)})
    # u2: a lead converted after 100 days, outside u1's scope
    leads.append({"id": "q1", "owner_id": "u2", "created_at": _at(D(2026, 3, 1)), "converted_at": _at(D(2026, 3, 1), 100)})
    store.upsert_many({"leads": leads})


def test_a_15_day_old_cohort_is_half_mature(store):
    seed(store)
    day = TODAY - dt.timedelta(days=15)
    mine = M.maturity(store, "lead_conversion_rate", day, day + dt.timedelta(days=1), TODAY, Scope.owners("u1"))
    assert mine.share == 0.5  # lags 5 and 10 of 5, 10, 20, 40 are within 15 days
    assert mine.maturing
    # company-wide the 100-day lag counts too: 2 of 5
    company = M.maturity(store, "lead_conversion_rate", day, day + dt.timedelta(days=1), TODAY)
    assert company.share == 0.4
    old = M.maturity(store, "lead_conversion_rate", D(2026, 1, 1), D(2026, 1, 2), TODAY, Scope.owners("u1"))
    assert old.share == 1.0 and not old.maturing


def test_a_month_cohort_averages_its_days():
    history = [5.0, 10.0, 20.0, 40.0]
    # days 1..5 December as of 5 December are 4, 3, 2, 1, 0 days old: none of the lags yet
    assert M.cohort_maturity(history, D(2026, 12, 1), D(2027, 1, 1), TODAY).share == 0.0
    # 10 and 11 November as of 21 November: 11 days old (5, 10 seen: 1/2) and 10 days old (1/2)
    assert M.cohort_maturity(history, D(2026, 11, 10), D(2026, 11, 12), D(2026, 11, 21)).share == 0.5
    # 15 and 16 November on 21 November: 6 days (1/4) and 5 days (1/4)
    assert M.cohort_maturity(history, D(2026, 11, 15), D(2026, 11, 17), D(2026, 11, 21)).share == 0.25
    assert M.cohort_maturity([], D(2026, 11, 15), D(2026, 11, 17), TODAY).share is None


def test_window_rate_counts_only_conversions_within_the_window(store):
    seed(store)
    start, end = D(2026, 6, 1), D(2026, 6, 2)
    # five leads on 1 June, converted after 5, 10, 20, 40 days and never
    assert M.window_rate(store, "lead_conversion_rate", start, end, 30, TODAY).as_dict() == {
        "value": 3 / 5, "numerator": 3, "denominator": 5, "window_days": 30, "complete": True}
    assert M.window_rate(store, "lead_conversion_rate", start, end, 10, TODAY).reached == 2
    assert M.window_rate(store, "lead_conversion_rate", start, end, None, TODAY).value == 4 / 5
    # a cohort of 20 November is not yet 30 days old on 5 December: incomplete
    young = M.window_rate(store, "lead_conversion_rate", D(2026, 11, 20), D(2026, 11, 21), 30, TODAY)
    assert (young.leads, young.complete) == (0, False)
