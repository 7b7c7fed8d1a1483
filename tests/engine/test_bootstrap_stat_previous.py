"""Issue 16 items 3, 6 and 1 in the engine: the bootstrap interval of a mean (or median) figure,
`stat` through query_many, and one figure's like-for-like `previous` with its span
(pulso.engine.bootstrap.figure, which the API and `pulso kpi show` answer with). Both backends;
every expected figure is worked out by hand here, the bootstrap recomputed with numpy."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from pulso.engine import Engine, bootstrap, intervals

D = dt.date
JAN = dict(start=D(2025, 1, 1), end=D(2025, 2, 1))
FEB = dict(start=D(2025, 2, 1), end=D(2025, 3, 1))
CYCLES = [3, 5, 8, 12, 20, 30, 45, 90]  # won in January 2025: mean 213 ÷ 8 = 26.625, median (12 + 20) ÷ 2 = 16


def deal(i: str, days: int, closed: str, amount: float = 1.0) -> dict:
    close = dt.datetime.fromisoformat(closed).replace(tzinfo=dt.timezone.utc)
    return {"id": i, "status": "won", "amount": amount, "currency": "EUR",
            "created_at": (close - dt.timedelta(days=days)).isoformat(), "closed_at": close.isoformat()}


def by_hand(x: list[float], stat=None) -> tuple[float, float]:
    """The percentile bootstrap as docs/engine.md states it: seed 16, 2,000 resamples, 2.5–97.5 %."""
    x = np.asarray(sorted(x), dtype=float)
    idx = np.random.default_rng(16).integers(0, len(x), size=(2000, len(x)))
    stats = x[idx].mean(axis=1) if stat is None else np.quantile(x[idx], stat, axis=1)
    low, high = np.percentile(stats, [2.5, 97.5])
    return float(low), float(high)


@pytest.fixture
def cycles(store):
    # January: 8 won deals with known cycle days (closed on the 10th, in shuffled order);
    # February: one won deal (cycle 7 days); December 2024: one of 100 days (the previous month).
    order = [30, 3, 90, 12, 5, 45, 8, 20]
    store.upsert_many({"deals": [deal(f"j{i}", d, f"2025-01-{10 + i:02d}T12:00:00") for i, d in enumerate(order)]
                      + [deal("f1", 7, "2025-02-10T12:00:00"), deal("x1", 100, "2024-12-10T12:00:00")]})
    return Engine(store)


def test_the_values_of_one_figure_are_exactly_its_records(cycles):
    assert cycles.values("sales_cycle_days", **JAN) == pytest.approx(sorted(CYCLES))
    assert cycles.values("sales_cycle_days", **FEB) == pytest.approx([7.0])


def test_a_mean_figure_gets_the_percentile_bootstrap_interval_of_its_own_values(cycles):
    row = bootstrap.figure(cycles, "sales_cycle_days", **JAN, today=D(2025, 6, 1))[0]
    assert row["value"] == pytest.approx(26.625)
    assert row["n"] == 8
    low, high = row["interval"]
    assert (low, high) == pytest.approx(by_hand(CYCLES))
    assert low < 26.625 < high
    # recomputed, the same interval (a fixed seed), and so is the module's own call
    assert bootstrap.interval(CYCLES) == pytest.approx(by_hand(CYCLES))
    # the previous month's 100 days lie outside it: a change, not noise (n = 8 < 30 was noise before)
    assert row["previous"] == pytest.approx(100.0)
    s = intervals.sample(cycles.kpi("sales_cycle_days"), row)
    assert s["interval"] == pytest.approx([low, high]) and s["small"] and not s["noise"]
    # a previous value inside the interval is noise
    assert intervals.within_noise(cycles.kpi("sales_cycle_days"), row, 25.0)


def test_a_median_figure_gets_the_bootstrap_of_the_median(cycles):
    row = bootstrap.figure(cycles, "sales_cycle_days", **JAN, today=D(2025, 6, 1), stat="median")[0]
    assert row["value"] == pytest.approx(16.0)
    assert row["interval"] == pytest.approx(list(by_hand(CYCLES, 0.5)))


def test_a_period_with_one_value_has_no_interval(cycles):
    row = bootstrap.figure(cycles, "sales_cycle_days", **FEB, today=D(2025, 6, 1))[0]
    assert row["value"] == pytest.approx(7.0) and row["n"] == 1 and row["interval"] is None
    assert bootstrap.interval([7.0]) is None and bootstrap.interval([]) is None


def test_query_many_takes_a_stat(store):
    # first response and resolution hours 1, 2, 3, 4, 10. Continuous (linear) percentiles, position
    # p × (n − 1): p90 at 3.6 → 4 + 0.6 × 6 = 7.6 (the "lower" or "nearest" definitions give 4,
    # "higher" 10); p50 → 3; p35 at 1.4 → 2 + 0.4 × 1 = 2.4.
    t0 = dt.datetime(2025, 1, 10, 9, tzinfo=dt.timezone.utc)
    at = lambda h: (t0 + dt.timedelta(hours=h)).isoformat()  # noqa: E731
    store.upsert_many({"tickets": [{"id": f"t{i}", "opened_at": at(0), "first_response_at": at(h), "resolved_at": at(h),
                                    "status": "resolved"} for i, h in enumerate((1, 2, 3, 4, 10))]})
    engine = Engine(store)
    keys = ["first_response_time_hours", "resolution_time_hours"]
    for stat, expected in (("p90", 7.6), ("median", 3.0), ("p35", 2.4), ("mean", 4.0), (None, 4.0)):
        got = engine.query_many(keys, **JAN, stat=stat)
        assert [got[k].rows[0]["value"] for k in keys] == pytest.approx([expected, expected]), stat


def test_one_figure_of_a_month_in_progress_compares_like_for_like(store):
    # Revenue won: 2 March 100; 3 February 200, 20 February 400. On 5 March 2025, March so far
    # (1–5 March) = 100 against 1–5 February = 200; the whole of February = 600.
    store.upsert_many({"deals": [deal("m", 1, "2025-03-02T12:00:00", 100), deal("a", 1, "2025-02-03T12:00:00", 200),
                                 deal("b", 1, "2025-02-20T12:00:00", 400)]})
    engine = Engine(store)
    row = bootstrap.figure(engine, "revenue_won", start=D(2025, 3, 1), end=D(2025, 4, 1), today=D(2025, 3, 5))[0]
    assert (row["value"], row["previous"], row["previous_full"]) == (100.0, 200.0, 600.0)
    assert row["previous_span"] == {"start": "2025-02-01", "end": "2025-02-05"}
    assert row["previous_full_span"] == {"start": "2025-02-01", "end": "2025-02-28"}
    assert row["period_end"] == D(2025, 3, 6)
    assert "interval" not in row  # a total has none
    # an ended month: whole against whole, both spans the whole of February
    done = bootstrap.figure(engine, "revenue_won", start=D(2025, 3, 1), end=D(2025, 4, 1), today=D(2025, 4, 10))[0]
    assert (done["previous"], done["previous_full"]) == (600.0, 600.0)
    assert done["previous_span"] == done["previous_full_span"] == {"start": "2025-02-01", "end": "2025-02-28"}
