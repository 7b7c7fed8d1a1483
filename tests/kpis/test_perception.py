"""Customer perception KPIs: NPS, CES, CSAT (KPIS.md, third table)."""

from __future__ import annotations

import datetime as dt

import pytest

from kpis.builders import Kpis, covers, survey

approx = pytest.approx


@covers("nps")
def test_nps_boundaries_month_by_month(store):
    months = {
        "2026-01-15T10:00:00": [9, 10],               # all promoters
        "2026-02-15T10:00:00": [6, 0, 5, 6],          # all detractors: 6 is a detractor
        "2026-03-15T10:00:00": [10, 9, 8, 7, 6, 0, 9],  # 3 promoters, 2 passives, 2 detractors
        "2026-04-15T10:00:00": [7, 8, 9],             # passives count in the denominator only
    }
    answers = [survey(f"n{at[5:7]}{i}", "nps", score, at) for at, scores in months.items()
               for i, score in enumerate(scores)]
    answers += [survey("csat1", "csat", 1, "2026-03-15T10:00:00", scale=(1, 5)),
                survey("ces1", "ces", 0, "2026-03-15T10:00:00")]  # other kinds are not NPS answers
    store.upsert_many({"survey_responses": answers})
    rows = Kpis(store).rows("nps", start=dt.date(2026, 1, 1), end=dt.date(2026, 5, 1), grain="month")
    assert [r["period_start"] for r in rows] == [dt.date(2026, m, 1) for m in (1, 2, 3, 4)]
    jan, feb, mar, apr = rows
    assert jan["value"] == approx(100 * (2 - 0) / 2) == approx(100)
    assert feb["value"] == approx(100 * (0 - 4) / 4) == approx(-100)
    assert (mar["value"], mar["numerator"], mar["denominator"]) == (approx(100 * (3 - 2) / 7), 3 - 2, 7)
    assert (apr["value"], apr["numerator"], apr["denominator"]) == (approx(100 * (1 - 0) / 3), 1, 3)


@covers("ces")
def test_ces_rescales_each_answer_from_its_own_scale(store):
    store.upsert_many({"survey_responses": [
        survey("a", "ces", 5, "2026-03-02T00:00:00", scale=(1, 7)),    # 100 × (5 − 1) / 6
        survey("b", "ces", 7, "2026-03-03T00:00:00", scale=(0, 10)),   # 100 × 7 / 10 = 70
        survey("c", "ces", 40, "2026-03-04T00:00:00", scale=(0, 100)),  # 40
        # A scale where a high answer means "hard": 100 − 100 × (2 − 1) / 4 = 75.
        survey("d", "ces", 2, "2026-03-05T00:00:00", scale=(1, 5), high_is_good=False),
        survey("e", "ces", 1, "2026-04-01T00:00:00", scale=(1, 7)),    # April
        survey("f", "nps", 10, "2026-03-05T00:00:00"),                 # not a CES answer
    ]})
    a, b, c, d = 100 * (5 - 1) / 6, 100 * 7 / 10, 40.0, 100 - 100 * (2 - 1) / 4
    row = Kpis(store).one("ces")
    assert row["value"] == approx((a + b + c + d) / 4)
    assert row["numerator"] == approx(a + b + c + d)
    assert row["denominator"] == 4
    assert row["median"] == approx((a + b) / 2)  # sorted: 40, 66.7, 70, 75


@covers("csat")
def test_csat_top_two_box(store):
    store.upsert_many({"survey_responses": [
        survey("a", "csat", 5, "2026-03-02T00:00:00", scale=(1, 5)),   # satisfied
        survey("b", "csat", 4, "2026-03-02T00:00:00", scale=(1, 5)),   # satisfied
        survey("c", "csat", 3, "2026-03-02T00:00:00", scale=(1, 5)),
        survey("d", "csat", 1, "2026-03-02T00:00:00", scale=(1, 5)),
        survey("e", "csat", 9, "2026-03-02T00:00:00", scale=(1, 10)),  # satisfied: top two are 9–10
        survey("f", "csat", 8, "2026-03-02T00:00:00", scale=(1, 10)),
        survey("g", "csat", 6, "2026-03-02T00:00:00", scale=(1, 7)),   # satisfied: top two are 6–7
        survey("h", "csat", 5, "2026-02-28T23:59:59", scale=(1, 5)),   # February
        survey("i", "nps", 10, "2026-03-02T00:00:00"),                 # not a CSAT answer
    ]})
    row = Kpis(store).one("csat")
    assert (row["value"], row["numerator"], row["denominator"]) == (approx(4 / 7), 4, 7)
