"""`pulso kpi show` and `pulso kpi drill` print their tables in the reader's language, as `pulso
status` does (pulso.formatting's fmt_value, fmt_number, fmt_date, fmt_time): '1.235 €', '66,7%',
'1 ene 2025' in Spanish; '€1,235', '66.7%', 'Jan 1, 2025' in English. --format csv and json stay
plain and parseable, the same in every language. Both backends."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from pulso.cli import app, common

runner = CliRunner()
NBSP = "\xa0"  # Babel's space between a Spanish figure and its sign

# UTC workspace, euros. December 2024: one deal won, 500.50. January 2025: two won (1,000 and
# 234.75, each 10.5 days from created to closed) and one lost. February 2025: one won, 150.50.
DEALS = [
    {"id": "p1", "status": "won", "amount": 500.5, "created_at": "2024-12-01", "closed_at": "2024-12-11 12:00"},
    {"id": "w1", "status": "won", "amount": 1000, "created_at": "2025-01-01", "closed_at": "2025-01-11 12:00"},
    {"id": "w2", "status": "won", "amount": 234.75, "created_at": "2025-01-05", "closed_at": "2025-01-15 12:00"},
    {"id": "l1", "status": "lost", "amount": 40, "created_at": "2025-01-02", "closed_at": "2025-01-20"},
    {"id": "w3", "status": "won", "amount": 150.5, "created_at": "2025-02-01", "closed_at": "2025-02-11 12:00"},
]
JANUARY = ["--from", "2025-01-01", "--to", "2025-02-01", "--today", "2025-03-01"]

# What a reader sees, worked out by hand from DEALS with pulso.formatting's rules (money of a
# thousand or more without cents; percentages with one decimal; other numbers grouped, two decimals
# unless whole; Spanish groups with '.' and writes the decimal with ',').
EXPECTED = {
    "es": {
        # revenue_won in January: 1,000 + 234.75 = 1,234.75 -> 1.235 € (its numerator keeps the cents)
        "revenue": [f"1.235{NBSP}€", "1.234,75", f"500,50{NBSP}€", "1 dic 2024 – 31 dic 2024", "1 ene 2025"],
        # close_rate: 2 won of 3 closed = 66.67 %; December 1 of 1 = 100 %
        "close": ["66,7%", "100,0%"],
        # sales_cycle_days: both January wins took 10.5 days: mean, median and the 95 % interval
        "cycle": ["10,5 días – 10,5 días", "10,5 días"],
        # by month: February's 150.50 with cents (under a thousand), its period as a date
        "months": ["1 feb 2025", f"150,50{NBSP}€"],
        # the records: closed at 12:00 UTC (the workspace's zone), each deal's amount
        "drill": ["11 ene 2025, 12:00", "1.000", "234,75", "150,50"],
    },
    "en": {
        "revenue": ["€1,235", "1,234.75", "€500.50", "Dec 1, 2024 – Dec 31, 2024", "Jan 1, 2025"],
        "close": ["66.7%", "100.0%"],
        "cycle": ["10.5 days – 10.5 days", "10.5 days"],
        "months": ["Feb 1, 2025", "€150.50"],
        "drill": ["Jan 11, 2025, 12:00\u202fPM", "1,000", "234.75", "150.50"],
    },
}
# What the command printed before, in no language.
PLAIN = ["1,234.75 EUR", "500.50 EUR", "66.7 %", "2024-12-01/2024-12-31", "2025-01-01 ", "10.50 – 10.50"]


@pytest.fixture
def url(store):
    store.set_setting("currency", "EUR")
    store.upsert_many({
        "users": [{"id": "u1", "name": "Ana", "email": "ana@example.com", "role": "rep", "created_at": "2024-01-01"}],
        "deals": [{"owner_id": "u1", "currency": "EUR", "kind": "new", **d} for d in DEALS],
    })
    store.engine.dispose()  # a DuckDB file admits one holder at a time
    return store.url


def pulso(lang: str, *args: str) -> str:
    # The CLI's consoles read COLUMNS once, at import: widen them for the run so no cell wraps.
    wide = [(c, c._width) for c in (common.console, common.err)]
    for c, _ in wide:
        c.width = 250
    try:
        result = runner.invoke(app, list(args), env={"COLUMNS": "250", "PULSO_LANG": lang})
    finally:
        for c, width in wide:
            c._width = width
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout


def test_kpi_tables_are_written_in_the_reader_s_language(url):
    for lang in ("es", "en"):
        check_tables(url, lang)


def check_tables(url: str, lang: str) -> None:
    expected = EXPECTED[lang]
    printed = {
        "revenue": pulso(lang, "kpi", "show", "revenue_won", *JANUARY, "--db", url),
        "close": pulso(lang, "kpi", "show", "close_rate", *JANUARY, "--db", url),
        "cycle": pulso(lang, "kpi", "show", "sales_cycle_days", *JANUARY, "--db", url),
        "months": pulso(lang, "kpi", "show", "revenue_won", "--from", "2025-01-01", "--to", "2025-03-01",
                        "--grain", "month", "--db", url),
        "drill": pulso(lang, "kpi", "drill", "revenue_won", "--from", "2025-01-01", "--to", "2025-03-01", "--db", url),
    }
    for name, texts in expected.items():
        for text in texts:
            assert text in printed[name], (name, text, printed[name])
        for plain in PLAIN:
            assert plain not in printed[name], (name, plain, printed[name])
    other = EXPECTED["en" if lang == "es" else "es"]
    assert other["close"][0] not in printed["close"] and other["revenue"][3] not in printed["revenue"]


def test_csv_and_json_stay_plain_in_every_language(url):
    args = ["kpi", "show", "revenue_won", *JANUARY, "--db", url]
    rows_csv = {lang: pulso(lang, *args, "--format", "csv") for lang in ("es", "en")}
    rows_json = {lang: pulso(lang, *args, "--format", "json") for lang in ("es", "en")}
    assert rows_csv["es"] == rows_csv["en"] and rows_json["es"] == rows_json["en"]
    row = next(csv.DictReader(io.StringIO(rows_csv["es"])))
    assert (row["period_start"], row["value"], row["previous"], row["previous_span"]) == (
        "2025-01-01", "1234.75", "500.5", "2024-12-01/2024-12-31")
    data = json.loads(rows_json["es"])[0]
    assert (data["value"], data["previous"], data["previous_span"]) == (
        1234.75, 500.5, {"start": "2024-12-01", "end": "2024-12-31"})
    drill = ["kpi", "drill", "revenue_won", "--from", "2025-01-01", "--to", "2025-02-01", "--db", url]
    records = json.loads(pulso("es", *drill, "--format", "json"))
    assert [(r["id"], r["contribution"]) for r in records] == [("w1", 1000.0), ("w2", 234.75)]
    assert records[0]["at"].startswith("2025-01-11T12:00:00")
    assert pulso("es", *drill, "--format", "csv") == pulso("en", *drill, "--format", "csv")


def test_extras_are_written_in_their_own_unit(url):
    """sales_velocity in January carries its four factors as extras (catalog.model.EXTRA_UNITS):
    close rate 2 won of 3 closed = 66.7 %; average deal value (1,000 + 234.75) / 2 = 617.375 ->
    617,38 €; sales cycle 10.5 days (both wins); open opportunities at the end of January: none
    (every deal created by then had closed; w3 is created on 1 February)."""
    expected = {"es": ["66,7%", f"617,38{NBSP}€", "10,5 días"], "en": ["66.7%", "€617.38", "10.5 days"]}
    for lang, texts in expected.items():
        printed = pulso(lang, "kpi", "show", "sales_velocity", *JANUARY, "--db", url)
        for text in texts:
            assert text in printed, (lang, text, printed)
        assert "0.67" not in printed and "0,67" not in printed and "617.375" not in printed
    row = json.loads(pulso("es", "kpi", "show", "sales_velocity", *JANUARY, "--db", url, "--format", "json"))[0]
    assert (row["open_opportunities"], row["close_rate"], row["average_deal_value"], row["sales_cycle_days"]) == (
        0, pytest.approx(2 / 3), pytest.approx(617.375), pytest.approx(10.5))


def test_every_extra_of_the_catalog_has_a_unit_the_formatter_knows():
    from pulso.catalog import load_catalog
    from pulso.catalog.model import UNITS
    from pulso.formatting import _UNIT_SUFFIX, fmt_value

    known = {"%", "currency", "count", "ratio", "score", *_UNIT_SUFFIX}  # what fmt_value writes
    catalog = load_catalog()
    for kpi in catalog:
        for extra in kpi.extras:
            assert kpi.unit_of(extra) in known and kpi.unit_of(extra) in UNITS, (kpi.key, extra, kpi.unit_of(extra))
    assert catalog.kpi("ces").unit_of("median") == "score" and catalog.kpi("close_rate").unit_of("numerator") is None
    assert catalog.kpi("nps").unit_of("promoters") == "count" and catalog.kpi("campaign_roi").unit_of("cost") == "currency"
    assert catalog.kpi("customer_lifetime_value").unit_of("customer_lifetime_years") == "years"
    assert (fmt_value(2.5, "years", "es", "EUR"), fmt_value(2.5, "years", "en", "EUR")) == ("2,5 años", "2.5 years")
