"""Grains, dimensions and month arithmetic have one source (the engine's periods, the catalog's
dimensions) that the web and the API import, so their lists cannot drift apart again."""

from __future__ import annotations

import datetime as dt
import typing

from pulso import catalog
from pulso.engine import periods as engine_periods
from pulso.web import deps, periods as web_periods
from pulso.web.api import kpis as api_kpis

D = dt.date


def test_the_web_and_the_api_read_the_engines_grains_and_the_catalogs_dimensions():
    assert web_periods.GRAINS is engine_periods.GRAINS
    assert api_kpis.GRAINS is engine_periods.GRAINS
    assert deps.DIMENSIONS is catalog.DIMENSIONS
    # the API's `grain` parameter accepts exactly the engine's grains, in their order
    grain = typing.get_type_hints(api_kpis.values)["grain"]
    literal = next(a for a in typing.get_args(grain) if typing.get_origin(a) is typing.Literal)
    assert typing.get_args(literal) == engine_periods.GRAINS


def test_the_web_has_no_month_arithmetic_of_its_own():
    assert not hasattr(web_periods, "_add_months")
    assert not hasattr(web_periods, "_month_start")


def test_periods_of_a_kind_shift_by_calendar_months():
    # 15 November 2025 lies in the fourth quarter: 1 October 2025 – 1 January 2026
    q4 = web_periods.parse_period({"period": "quarter", "at": "2025-11-15"}, D(2025, 12, 1))
    assert (q4.start, q4.end) == (D(2025, 10, 1), D(2026, 1, 1))
    assert (q4.shifted(-3).start, q4.shifted(-3).end) == (D(2025, 1, 1), D(2025, 4, 1))  # three quarters back
    jan = web_periods.parse_period({"period": "month", "at": "2024-01"}, D(2025, 12, 1))
    assert (jan.shifted(1).start, jan.shifted(1).end) == (D(2024, 2, 1), D(2024, 3, 1))  # February of a leap year
    assert (jan.shifted(-1).start, jan.shifted(-1).end) == (D(2023, 12, 1), D(2024, 1, 1))
    year = web_periods.parse_period({"period": "year", "at": "2024-07-09"}, D(2025, 12, 1))
    assert (year.start, year.end) == (D(2024, 1, 1), D(2025, 1, 1))
    assert year.trend_start() == D(2022, 1, 1)  # three years ending with 2024
    # a custom span's trend covers the span only (issue 16: not months before it)
    custom = web_periods.parse_period({"period": "custom", "from": "2025-03-20", "to": "2025-04-10"}, D(2025, 12, 1))
    assert custom.trend_start() == D(2025, 3, 20)
    assert custom.trend_start("week") == D(2025, 3, 20)
    # no dates: the month of today; a custom period with no dates: this month so far
    assert web_periods.parse_period({}, D(2025, 2, 28)).start == D(2025, 2, 1)
    none = web_periods.parse_period({"period": "custom"}, D(2025, 2, 28))
    assert (none.start, none.end) == (D(2025, 2, 1), D(2025, 3, 1))
