"""Periods in progress compare like-for-like (issue 16, item 1): the rule of pulso.engine.elapsed,
spans worked out by hand on a calendar, and the figures it gives through the real engine on
DuckDB and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from pulso.engine import engine_for
from pulso.engine.elapsed import comparison, figures, words, year_ago_words
from pulso.engine.periods import Period

D = dt.date


def test_the_5th_of_december_is_compared_with_1_to_5_november_and_1_to_5_december_a_year_earlier():
    c = comparison(D(2026, 12, 1), D(2027, 1, 1), today=D(2026, 12, 5))
    assert c.partial
    assert c.current == Period(D(2026, 12, 1), D(2026, 12, 6))  # 1–5 Dec, today included
    assert c.previous == Period(D(2026, 11, 1), D(2026, 11, 6))  # 1–5 Nov
    assert c.previous_full == Period(D(2026, 11, 1), D(2026, 12, 1))
    assert c.year_ago == Period(D(2025, 12, 1), D(2025, 12, 6))
    assert c.year_ago_full == Period(D(2025, 12, 1), D(2026, 1, 1))
    assert c.elapsed_share == 5 / 31
    assert words(c, "es") == "1–5 dic frente a 1–5 nov"
    assert words(c, "en") == "Dec 1 – 5 vs Nov 1 – 5"
    assert year_ago_words(c, "es") == "frente a 1–5 dic 2025"


def test_the_end_of_a_31_day_month_meets_the_whole_of_february():
    # 30 March: day 1..30 against day 1..min(30, 28) of February 2026 and 1..min(30, 29) of 2024.
    c = comparison(D(2026, 3, 1), D(2026, 4, 1), today=D(2026, 3, 30))
    assert c.previous == Period(D(2026, 2, 1), D(2026, 3, 1))
    c = comparison(D(2024, 3, 1), D(2024, 4, 1), today=D(2024, 3, 30))
    assert c.previous == Period(D(2024, 2, 1), D(2024, 3, 1))  # 29 days
    # 29 February 2024 in progress in a quarter? No: the month. A year earlier has no 29th.
    c = comparison(D(2024, 2, 1), D(2024, 3, 1), today=D(2024, 2, 28))
    assert c.previous == Period(D(2024, 1, 1), D(2024, 1, 29))
    assert c.year_ago == Period(D(2023, 2, 1), D(2023, 3, 1))  # 1–28 Feb 2023: all of it
    # On 31 March the elapsed part is the whole month: whole against whole, no words.
    c = comparison(D(2026, 3, 1), D(2026, 4, 1), today=D(2026, 3, 31))
    assert not c.partial and c.previous == Period(D(2026, 2, 1), D(2026, 3, 1)) and words(c, "es") == ""


def test_a_quarter_and_a_year_in_progress_end_on_the_same_day_of_the_same_month():
    c = comparison(D(2026, 4, 1), D(2026, 7, 1), today=D(2026, 5, 31))  # Q2, second month, day 31
    assert c.current == Period(D(2026, 4, 1), D(2026, 6, 1))
    assert c.previous == Period(D(2026, 1, 1), D(2026, 3, 1))  # Q1 up to 28 February
    assert c.year_ago == Period(D(2025, 4, 1), D(2025, 6, 1))
    assert words(c, "es") == "1 abr – 31 may frente a 1 ene – 28 feb"
    c = comparison(D(2026, 1, 1), D(2027, 1, 1), today=D(2026, 3, 5))
    assert c.previous == Period(D(2025, 1, 1), D(2025, 3, 6)) == c.year_ago
    assert words(c, "es") == "1 ene – 5 mar 2026 frente a 1 ene – 5 mar 2025"


def test_a_custom_period_ending_after_today_compares_its_first_days_with_the_first_days_before_it():
    # 10–23 Nov (14 days) on 13 Nov: 10–13 Nov against 27–30 Oct (the 14 days before start on 27 Oct).
    c = comparison(D(2026, 11, 10), D(2026, 11, 24), today=D(2026, 11, 13))
    assert c.previous_full == Period(D(2026, 10, 27), D(2026, 11, 10))
    assert c.previous == Period(D(2026, 10, 27), D(2026, 10, 31))
    assert c.year_ago == Period(D(2025, 11, 10), D(2025, 11, 14))
    assert words(c, "en") == "Nov 10 – 13 vs Oct 27 – 30"
    # A period not yet begun, or over, is compared whole with whole.
    assert not comparison(D(2026, 12, 1), D(2027, 1, 1), today=D(2026, 11, 30)).partial
    assert not comparison(D(2026, 10, 1), D(2026, 11, 1), today=D(2026, 11, 30)).partial


def test_figures_over_the_elapsed_part_through_the_engine(store):
    """Revenue won 1–5 Dec against 1–5 Nov (not all of November) and 1–5 Dec 2025, tickets
    resolved per day over the 5 elapsed days, on both backends."""
    store.upsert_many({
        "users": [{"id": "u1", "name": "Ana", "email": "a@x.es", "role": "rep", "created_at": "2025-01-01"}],
        "stages": [{"id": "w", "pipeline": "p", "name": "Ganado", "position": 1, "kind": "won", "probability": 1.0}],
        "deals": [{"id": f"d{i}", "owner_id": "u1", "title": "t", "amount": amount, "currency": "EUR", "stage_id": "w",
                   "status": "won", "kind": "new", "created_at": "2025-11-01T08:00:00", "closed_at": closed}
                  for i, (amount, closed) in enumerate([
                      (1000, "2026-12-02T10:00:00"), (500, "2026-12-05T18:00:00"),  # 1–5 Dec: 1,500
                      (800, "2026-11-03T10:00:00"), (9000, "2026-11-20T10:00:00"),  # 1–5 Nov: 800; Nov: 9,800
                      (400, "2025-12-04T10:00:00"), (3000, "2025-12-15T10:00:00")])],  # 1–5 Dec 2025: 400
        "tickets": [{"id": f"k{i}", "owner_id": "u1", "priority": "low", "status": "resolved",
                     "opened_at": "2026-12-01T08:00:00", "resolved_at": f"2026-12-0{i + 1}T12:00:00"} for i in range(3)],
    })
    engine = engine_for(store)
    c = comparison(D(2026, 12, 1), D(2027, 1, 1), today=D(2026, 12, 5))
    [row] = figures(lambda a, b: engine.query("revenue_won", start=a, end=b).rows, c)
    assert (row["value"], row["previous"], row["year_ago"]) == (1500, 800, 400)
    assert (row["previous_full"], row["year_ago_full"]) == (9800, 3400)
    assert row["compared"]["previous"] == {"from": "2026-11-01", "to": "2026-11-05"}
    [row] = figures(lambda a, b: engine.query("tickets_resolved_per_day", start=a, end=b).rows, c)
    assert row["value"] == 3 / 5  # three closed over five elapsed days, not 31

    # The monthly report of December on the 5th: the same like-for-like figures, and it says which.
    from pulso.reports import scorecard

    report = scorecard.build(store, engine, period="2026-12", today=D(2026, 12, 5))
    [won] = [k for k in report["kpis"] if k["key"] == "revenue_won"]
    assert (won["value"], won["previous"], won["previous_full"]) == (1500, 800, 9800)
    assert report["compared_text"] == "1–5 dic frente a 1–5 nov"
    assert "1–5 dic frente a 1–5 nov" in scorecard_html(report)

    # An alert on the current month so far: its breakdown compares each rep with 1–5 November.
    from pulso.alerts.detect import threshold

    rule = {"kpi": "revenue_won", "scope_kind": "company", "scope_id": None,
            "params": {"grain": "month", "period": "current", "op": "above", "threshold": 1000}}
    [found] = threshold(engine, rule, D(2026, 12, 5))
    assert found.detail["value"] == 1500
    assert [(r["value"], r["figure"], r["previous"]) for r in found.detail["breakdown"]] == [("u1", 1500, 800)]
    assert found.detail["compared"]["previous"] == ["2026-11-01", "2026-11-06"]


def scorecard_html(report) -> str:
    from pulso.reports.render import to_html

    return to_html(report)
