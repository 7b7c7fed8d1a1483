"""The statistics of small samples (pulso.engine.intervals), against the published formulas.

Wilson score interval (Wilson 1927; Newcombe 1998, Statistics in Medicine 17, table I), z = 1.96:
  1/1  -> [0.2065, 1]       (centre (1 + 1.9208)/4.8416 = 0.6033, half 0.4048 · 0.98 = 0.3967)
  7/10 -> [0.3968, 0.8922]  (Newcombe's z = 1.95996; with z = 1.96: 0.39676 / 0.89224)
  0/5  -> [0, 0.4345]       (centre = half = 0.38416/1.76832 = 0.21725)
NPS: var = (pP + pD) − (pP − pD)², se = √(var/n), NPS ± 1.96 se in points.
"""

from __future__ import annotations

import math

import pytest

from pulso.catalog import load_catalog
from pulso.engine import intervals


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


@pytest.mark.parametrize("k, n, low, high", [(1, 1, 0.2065, 1.0), (7, 10, 0.3968, 0.8922), (0, 5, 0.0, 0.4345)])
def test_wilson_matches_the_published_values(k, n, low, high):
    lo, hi = intervals.wilson(k, n)
    assert lo == pytest.approx(low, abs=6e-4) and hi == pytest.approx(high, abs=6e-4)


def test_wilson_refuses_what_is_not_a_proportion():
    assert intervals.wilson(0, 0) is None and intervals.wilson(3, 2) is None


def test_nps_interval_by_the_variance_formula():
    # 10 answers: 5 promoters, 3 passives, 2 detractors: NPS 30; var = 0.7 − 0.3² = 0.61;
    # se = √0.061 = 0.24698; 1.96 se = 0.48409 -> 48.41 points.
    lo, hi = intervals.nps_interval(5, 2, 10)
    assert lo == pytest.approx(30 - 48.409, abs=0.01) and hi == pytest.approx(30 + 48.409, abs=0.01)
    # 4 answers, 1 promoter, 1 detractor: NPS 0, var = 0.5, se = √0.125 = 0.35355, ±69.30 points.
    lo, hi = intervals.nps_interval(1, 1, 4)
    assert lo == pytest.approx(-69.30, abs=0.01) and hi == pytest.approx(69.30, abs=0.01)
    # 2 answers, both detractors: NPS −100 with no spread; the interval stays within −100..100.
    assert intervals.nps_interval(0, 2, 2) == (-100.0, -100.0)


def test_n_is_the_count_a_ratio_divides_by(catalog):
    close = catalog["close_rate"]
    row = {"value": 1.0, "numerator": 1.0, "denominator": 1.0, "previous": 0.5}
    s = intervals.sample(close, row)
    assert s["n"] == 1 and s["small"] and s["noise"]
    assert s["interval"][0] == pytest.approx(0.2065, abs=6e-4) and s["interval"][1] == 1.0
    assert intervals.n_of(catalog["revenue_won"], {"value": 5.0, "numerator": 5.0, "denominator": None}) is None
    assert intervals.n_of(catalog["campaign_roi"], {"value": 0.2, "numerator": 20.0, "denominator": 100.0}) is None
    assert intervals.n_of(catalog["average_deal_value"], {"value": 5.0, "numerator": 10.0, "denominator": 2.0}) == 2


def test_which_kpis_get_an_interval(catalog):
    kinds = {kpi.key: intervals.kind(kpi) for kpi in catalog}
    assert kinds["nps"] == "nps" and kinds["close_rate"] == "proportion" and kinds["csat"] == "proportion"
    assert kinds["average_deal_value"] == "mean" and kinds["customer_acquisition_cost"] == "count_ratio"
    assert kinds["campaign_roi"] == "" and kinds["quota_attainment"] == "" and kinds["revenue_won"] == ""


def test_a_large_sample_moves_out_of_noise(catalog):
    close = catalog["close_rate"]
    # 60 of 120: Wilson [0.4114, 0.5886]; 0.30 before lies outside, 0.45 inside.
    row = {"value": 0.5, "numerator": 60.0, "denominator": 120.0}
    assert not intervals.within_noise(close, row, 0.30)
    assert intervals.within_noise(close, row, 0.45)
    assert not intervals.sample(close, row)["small"]


def test_a_team_nps_of_zero_on_four_answers_is_noise_against_25(catalog):
    nps = catalog["nps"]
    row = {"value": 0.0, "numerator": 0.0, "denominator": 4.0, "promoters": 1.0, "detractors": 1.0, "previous": 25.0}
    s = intervals.sample(nps, row)
    assert s["n"] == 4 and s["noise"] and math.isclose(s["interval"][1], 69.30, abs_tol=0.01)


def test_a_mean_over_few_records_has_no_interval_and_is_noise(catalog):
    mean = catalog["average_deal_value"]
    s = intervals.sample(mean, {"value": 900.0, "numerator": 1800.0, "denominator": 2.0, "previous": 500.0})
    assert s["interval"] is None and s["noise"] and s["n"] == 2
    assert not intervals.sample(mean, {"value": 900.0, "numerator": 90000.0, "denominator": 100.0, "previous": 500.0})["noise"]
