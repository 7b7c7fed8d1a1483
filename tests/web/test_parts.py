"""The web layer's small parts: periods from URLs, Babel formats, translations, the cache."""

from __future__ import annotations

import datetime as dt
import re
import threading
from pathlib import Path

import pytest

from pulso import formatting as f
from pulso.web.cache import ResultCache
from pulso.web.i18n import MissingTranslation, translate
from pulso.i18n import catalog
from pulso.web.periods import PeriodError, parse_period

WEB = Path(__file__).resolve().parents[2] / "src" / "pulso" / "web"
TODAY = dt.date(2026, 3, 15)


def test_the_default_period_is_the_current_month():
    p = parse_period({}, TODAY)
    assert (p.kind, p.start, p.end, p.grain) == ("month", dt.date(2026, 3, 1), dt.date(2026, 4, 1), "month")


@pytest.mark.parametrize("kind, at, start, end", [
    ("quarter", "2026-05-20", dt.date(2026, 4, 1), dt.date(2026, 7, 1)),
    ("year", "2026-05-20", dt.date(2026, 1, 1), dt.date(2027, 1, 1)),
    ("month", "2025-12", dt.date(2025, 12, 1), dt.date(2026, 1, 1)),
])
def test_periods_contain_their_anchor(kind, at, start, end):
    p = parse_period({"period": kind, "at": at}, TODAY)
    assert (p.start, p.end) == (start, end)


def test_custom_periods_have_an_inclusive_end_in_the_url():
    p = parse_period({"period": "custom", "from": "2026-01-10", "to": "2026-02-09"}, TODAY)
    assert (p.start, p.end, p.last_day) == (dt.date(2026, 1, 10), dt.date(2026, 2, 10), dt.date(2026, 2, 9))
    assert p.params() == {"period": "custom", "from": "2026-01-10", "to": "2026-02-09"}
    assert p.shifted(-1).end == p.start


def test_shifting_and_trends():
    p = parse_period({"period": "quarter", "at": "2026-01-01"}, TODAY)
    assert p.shifted(-1).start == dt.date(2025, 10, 1)
    assert p.trend_start() == dt.date(2024, 4, 1)  # eight quarters ending with this one
    assert p.trend_start("week") == p.start  # a finer grain looks inside the period


@pytest.mark.parametrize("params", [{"period": "week"}, {"grain": "hour"}, {"at": "March"},
                                    {"period": "custom", "from": "2026-03-01", "to": "2026-02-01"}])
def test_bad_periods_say_what_is_wrong(params):
    with pytest.raises(PeriodError):
        parse_period(params, TODAY)


def test_numbers_money_and_dates_follow_the_locale():
    assert f.fmt_money(1234567.4, "EUR", "es") == "1.234.567\xa0€"
    assert f.fmt_money(1234567.4, "EUR", "en") == "€1,234,567"
    assert f.fmt_percent(0.2, "es") == "20,0%" and f.fmt_percent(0.2, "en") == "20.0%"
    assert f.fmt_value(12.25, "hours", "es", "EUR") == "12,2 h"
    assert f.fmt_value(None, "%", "es", "EUR") == "—"
    assert f.fmt_period("month", dt.date(2026, 3, 1), dt.date(2026, 3, 31), "es") == "Marzo 2026"
    assert f.fmt_period("quarter", dt.date(2026, 4, 1), dt.date(2026, 6, 30), "en") == "Q2 2026"


def test_changes_are_judged_by_the_kpi_direction():
    assert f.judge(0.3, 0.2, "up") == "good" and f.judge(0.3, 0.2, "down") == "bad"
    assert f.judge(5, 8, "down") == "good" and f.judge(5, 5, "up") == "flat"
    assert f.judge(None, 5, "up") == "" and f.judge(3, 5, "none") == ""
    assert f.fmt_change(0.25, 0.2, "%", "en") == "+5.0 pp"
    assert f.fmt_change(90, 100, "count", "es") == "-10,0%"


def visible_strings() -> set[str]:
    """Every literal passed to _() in the web package's code and templates."""
    found: set[str] = set()
    pattern = re.compile(r"""_\(\s*(?:"((?:[^"\\]|\\.)+)"|'((?:[^'\\]|\\.)+)')""")
    for path in [*WEB.rglob("*.py"), *WEB.rglob("*.html")]:
        text = path.read_text()
        text = re.sub(r'"\s*\n\s*"', "", text)  # join implicitly concatenated literals
        for a, b in pattern.findall(text):
            found.add((a or b).encode().decode("unicode_escape").encode("latin-1").decode("utf-8"))
    return found


def test_every_visible_string_has_english():
    missing = sorted(s for s in visible_strings() if (None, s) not in catalog("en"))
    assert not missing, f"add these to pulso/locale/en/LC_MESSAGES/pulso.po: {missing}"


def test_strict_translation_refuses_unknown_strings():
    assert translate("Ventas", "en", strict=True) == "Sales"
    with pytest.raises(MissingTranslation):
        translate("Cadena sin traducir", "en", strict=True)
    assert translate("Ventas", "es", strict=True) == "Ventas"


def test_the_cache_computes_a_key_once_under_concurrency():
    cache = ResultCache(10)
    calls = []
    gate = threading.Event()

    def slow():
        gate.wait(2)
        calls.append(1)
        return 42

    threads = [threading.Thread(target=lambda: cache.get_or_compute(("v1", "k"), slow)) for _ in range(8)]
    for t in threads:
        t.start()
    gate.set()
    for t in threads:
        t.join()
    assert calls == [1]
    assert cache.get_or_compute(("v2", "k"), lambda: 7) == 7  # a new data version is a new key


def test_the_cache_evicts_the_oldest_entries():
    cache = ResultCache(2)
    for i in range(3):
        cache.get_or_compute(i, lambda i=i: i)
    assert cache.get_or_compute(0, lambda: "again") == "again"


def test_cohort_rows_count_who_is_still_a_customer():
    from pulso.web.kpis import cohort_rows

    at = lambda y, m, d: dt.datetime(y, m, d, 12)  # noqa: E731
    acquired = [{"id": "a", "at": at(2026, 1, 5)}, {"id": "b", "at": at(2026, 1, 20)},
                {"id": "c", "at": at(2026, 1, 25)}, {"id": "d", "at": at(2026, 2, 2)}]
    churned = [{"id": "a", "at": at(2026, 2, 10)}, {"id": "d", "at": at(2026, 3, 1)},
               {"id": "old", "at": at(2026, 1, 3)}]  # acquired before the window: not in any cohort
    rows = cohort_rows(dt.date(2026, 1, 1), dt.date(2026, 3, 1), acquired, churned)
    assert [r["size"] for r in rows] == [3, 1, 0]
    assert rows[0]["retained"] == [1.0, 2 / 3, 2 / 3]
    assert rows[1]["retained"] == [1.0, 0.0]
    assert rows[2]["retained"] == [None]
