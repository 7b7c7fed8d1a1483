"""Money in its currency (issue 13, item 3): amounts converted at their date's rate into the
reporting currency, a clear refusal when a rate is missing, rates imported from the ECB's file,
and exact sums. March 2026 in a UTC workspace; rates written by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kpis.builders import APR, MAR, Kpis, covers, deal
from pulso import rates
from pulso.engine.money import MissingRatesError

approx = pytest.approx


def money_deal(id: str, created: str, status: str = "open", *, closed: str | None = None,
               amount: float, currency: str) -> dict:
    return {**deal(id, created, status, closed=closed, amount=amount), "currency": currency}


def rate_rows(*rows: tuple[str, str, str]) -> list[dict]:
    return [{"id": f"{c}:{d}", "currency": c, "rate_date": dt.date.fromisoformat(d), "rate": r, "source": "test"}
            for c, d, r in rows]


DEALS = [
    # won in March: EUR 1000, USD 1100 on 10 March (rate 1.10 from 9 March: 1000 EUR),
    # MXN 40000 on 20 March (rate 20 from 1 March, 25 from 21 March: 40000 / 20 = 2000 EUR)
    money_deal("W1", "2026-02-01T00:00:00", "won", closed="2026-03-05T10:00:00", amount=1000, currency="EUR"),
    money_deal("W2", "2026-02-01T00:00:00", "won", closed="2026-03-10T10:00:00", amount=1100, currency="USD"),
    money_deal("W3", "2026-02-01T00:00:00", "won", closed="2026-03-20T10:00:00", amount=40000, currency="MXN"),
    # open at the end of March, converted at creation: USD 500 created 2 March (rate 1.25 → 400 EUR),
    # MXN 10000 created 22 March (rate 25 → 400 EUR), EUR 300.
    money_deal("O1", "2026-03-02T00:00:00", amount=500, currency="USD"),
    money_deal("O2", "2026-03-22T00:00:00", amount=10000, currency="MXN"),
    money_deal("O3", "2026-03-03T00:00:00", amount=300, currency="EUR"),
]
RATES = rate_rows(("USD", "2026-03-01", "1.25"), ("USD", "2026-03-09", "1.10"),
                  ("MXN", "2026-03-01", "20"), ("MXN", "2026-03-21", "25"))


@covers("revenue_won", "pipeline_value")
def test_amounts_converted_at_their_date(store):
    store.upsert_many({"deals": DEALS})
    rates.write(store, RATES)
    k = Kpis(store)
    assert k.value("revenue_won") == approx(1000 + 1100 / 1.10 + 40000 / 20)  # 4000 EUR
    assert k.value("average_deal_value") == approx((1000 + 1000 + 2000) / 3)
    assert k.value("pipeline_value") == approx(500 / 1.25 + 10000 / 25 + 300)  # 1100 EUR
    by_kpi = k.engine.query_many(["revenue_won", "pipeline_value", "close_rate"], start=MAR, end=APR)
    assert by_kpi["revenue_won"].rows[0]["value"] == approx(4000)
    assert by_kpi["pipeline_value"].rows[0]["value"] == approx(1100)
    drilled = k.engine.drill("revenue_won", start=MAR, end=APR)
    assert sorted(r["contribution"] for r in drilled) == [1000, 1000, 2000]


def test_missing_rate_is_refused_not_summed(store):
    store.upsert_many({"deals": DEALS})
    rates.write(store, [r for r in RATES if r["currency"] != "MXN"])
    k = Kpis(store)
    with pytest.raises(MissingRatesError) as caught:
        k.value("revenue_won")
    # every MXN deal amount the period touches is named (the won one and the open one)
    assert caught.value.missing == [("MXN", dt.date(2026, 3, 20)), ("MXN", dt.date(2026, 3, 22))]
    assert "MXN on 2026-03-20" in str(caught.value) and "EUR" in str(caught.value)
    with pytest.raises(MissingRatesError) as caught:
        k.value("pipeline_value")
    # O2 is open at the end of March; W3 was open at the end of February (the previous period)
    assert caught.value.missing == [("MXN", dt.date(2026, 3, 20)), ("MXN", dt.date(2026, 3, 22))]
    assert k.value("close_rate") == approx(3 / 3)  # no money read: no rate needed
    # a rate in force after the amount's date does not serve it
    rates.write(store, rate_rows(("MXN", "2026-03-21", "25")))
    with pytest.raises(MissingRatesError) as caught:
        Kpis(store).value("pipeline_value", MAR, dt.date(2026, 3, 21))
    assert caught.value.missing == [("MXN", dt.date(2026, 3, 20))]


def test_single_currency_reads_no_rates(store):
    store.upsert_many({"deals": [d for d in DEALS if d["currency"] == "EUR"]})
    engine = Kpis(store).engine
    assert engine.query("revenue_won", start=MAR, end=APR).rows[0]["value"] == 1000
    assert "exchange_rates" not in engine.explain("revenue_won").sql


@covers("pipeline_value")
def test_nothing_open_reads_exact_zero(store):
    amounts = [0.1, 0.2, 0.7, 1234.57, 0.03, 19.99, 333.33]
    store.upsert_many({"deals": [
        deal(f"D{i}", "2026-01-05T00:00:00", "won", closed="2026-02-10T00:00:00", amount=a)
        for i, a in enumerate(amounts)]})
    row = Kpis(store).one("pipeline_value")
    assert row["value"] == 0.0 and row["numerator"] == 0.0
    assert repr(row["value"]) == "0.0"
    # open during January: the sum of the amounts, in cents
    jan = Kpis(store).one("pipeline_value", dt.date(2026, 1, 1), FEB_1)
    assert jan["value"] == 1588.92  # 0.1 + 0.2 + 0.7 + 1234.57 + 0.03 + 19.99 + 333.33


FEB_1 = dt.date(2026, 2, 1)

# A small file built to the ECB's format: newest day first, N/A for a currency without a rate,
# and the trailing comma on every line (an empty last column).
ECB = (
    "Date,USD,JPY,BGN,CYP,MXN,\n"
    "2026-03-10,1.10,160.5,1.9558,N/A,21.00,\n"
    "2026-03-09,1.08,N/A,1.9558,N/A,20.50,\n"
    "2026-03-02,1.25,158.0,1.9558,N/A,N/A,\n"
)


def test_ecb_file_import(store, tmp_path: Path):
    path = tmp_path / "eurofxref-hist.csv"
    path.write_text(ECB)
    result = rates.import_file(store, path)
    assert (result.format, result.base, result.reporting) == ("ecb", "EUR", "EUR")
    assert result.currencies == {"USD": 3, "JPY": 2, "BGN": 3, "MXN": 2}
    stored = {(r["currency"], r["rate_date"].isoformat()): float(r["rate"]) for r in rates.list_rates(store)}
    assert stored[("USD", "2026-03-09")] == 1.08 and ("JPY", "2026-03-09") not in stored
    assert [r["rate_date"].isoformat() for r in rates.list_rates(store, "MXN")] == ["2026-03-09", "2026-03-10"]
    # importing again replaces, never duplicates
    rates.import_file(store, path)
    assert len(rates.list_rates(store)) == 10


def test_plain_table_and_bad_lines(store, tmp_path: Path):
    good = tmp_path / "rates.csv"
    good.write_text("currency,date,rate\nusd,2026-03-01,1.2\nMXN,2026-03-01,20\n")
    assert rates.import_file(store, good).currencies == {"USD": 1, "MXN": 1}
    bad = tmp_path / "bad.csv"
    bad.write_text("currency,date,rate\nUSD,2026-03-02,0\nEURO,2026-03-02,1\nGBP,2026-13-01,0.8\n")
    with pytest.raises(Exception) as caught:
        rates.import_file(store, bad)
    text = str(caught.value)
    assert "3 errors" in text and "bad.csv line 2" in text and "above 0" in text
    assert "bad.csv line 3" in text and "bad.csv line 4" in text
    assert len(rates.list_rates(store)) == 2  # nothing of the refused file was written


def test_reporting_currency_usd_through_cross_rates(store, tmp_path: Path):
    store.set_setting("currency", "USD")
    path = tmp_path / "eurofxref-hist.csv"
    path.write_text(ECB)
    result = rates.import_file(store, path)
    assert result.reporting == "USD"
    stored = {(r["currency"], r["rate_date"].isoformat()): float(r["rate"]) for r in rates.list_rates(store)}
    assert "USD" not in {c for c, _ in stored}
    assert stored[("EUR", "2026-03-10")] == approx(1 / 1.10)       # EUR per USD
    assert stored[("MXN", "2026-03-10")] == approx(21.00 / 1.10)   # MXN per USD = MXN per EUR ÷ USD per EUR
    store.upsert_many({"deals": [
        money_deal("A", "2026-02-01T00:00:00", "won", closed="2026-03-10T12:00:00", amount=2100, currency="MXN"),
        money_deal("B", "2026-02-01T00:00:00", "won", closed="2026-03-11T12:00:00", amount=100, currency="EUR"),
        money_deal("C", "2026-02-01T00:00:00", "won", closed="2026-03-12T12:00:00", amount=50, currency="USD"),
    ]})
    # 2100 MXN at 21/1.10 MXN per USD = 110 USD; 100 EUR at 1/1.10 EUR per USD (10 March's, the latest) = 110 USD
    assert Kpis(store).value("revenue_won") == approx(110 + 110 + 50)


def test_cli_names_the_missing_rates(store, tmp_path: Path):
    from data.helpers import run_cli

    store.upsert_many({"deals": DEALS})
    path = tmp_path / "rates.csv"
    path.write_text("currency,date,rate\nUSD,2026-03-01,1.25\n")
    done = run_cli("rates", "import", str(path), store=store)
    assert done.returncode == 0, done.stderr
    assert "Imported 1 rates" in done.stdout
    done = run_cli("kpi", "show", "revenue_won", "--from", "2026-03-01", "--to", "2026-04-01", store=store)
    assert done.returncode == 1
    assert "MXN on 2026-03-20" in done.stderr and "pulso rates import" in done.stderr
    done = run_cli("rates", "list", "--currency", "USD", store=store)
    assert done.returncode == 0 and "2026-03-01" in done.stdout and "1.25" in done.stdout


def test_web_tile_shows_a_note_instead_of_a_wrong_sum(store):
    from fastapi.testclient import TestClient

    from pulso.config import Settings
    from pulso.web import WebSettings, create_app
    from pulso.web.auth import set_password
    from web.conftest import sign_in

    store.upsert_many({"users": [{"id": "u1", "name": "Ana", "email": "ana@example.com", "role": "admin",
                                  "active": True, "created_at": "2025-01-01T00:00:00"}], "deals": DEALS})
    rates.write(store, [r for r in RATES if r["currency"] != "MXN"])
    set_password(store, "u1", "a long enough password 1")
    app = create_app(WebSettings(store=Settings(store.url), secret_key="test-secret", strict_i18n=True,
                                 today=dt.date(2026, 3, 31)))
    try:
        client = TestClient(app)
        assert sign_in(client, "ana@example.com", "a long enough password 1").status_code == 303
        page = client.get("/", headers={"Accept": "application/json"}).json()  # this month: March 2026
        tiles = {t["key"]: t for s in page["sections"] if s.get("type") == "tiles" for t in s["tiles"]}
        assert tiles["revenue_won"]["text"] == "—"
        assert tiles["revenue_won"]["note"] == "Falta el tipo de cambio a EUR de MXN"
        assert tiles["close_rate"]["available"] and tiles["close_rate"]["value"] == approx(1.0)
        assert "Falta el tipo de cambio a EUR de MXN" in client.get("/").text
    finally:
        app.state.services.close()


@covers("average_order_value")
def test_orders_converted_too(store):
    store.upsert_many({"orders": [
        {"id": "R1", "account_id": None, "deal_id": None, "product": None, "amount": 100, "currency": "EUR",
         "ordered_at": "2026-03-03T10:00:00"},
        {"id": "R2", "account_id": None, "deal_id": None, "product": None, "amount": 220, "currency": "USD",
         "ordered_at": "2026-03-10T10:00:00"},
    ]})
    rates.write(store, RATES)
    assert Kpis(store).value("average_order_value") == approx((100 + 220 / 1.10) / 2)  # 150 EUR


def test_a_missing_day_is_named_once(store):
    """Three MXN deals won on one day (at 09:00, 12:00, 18:00) and one the next: two days to name."""
    won = [money_deal(f"M{i}", "2026-02-01T00:00:00", "won", closed=at, amount=100, currency="MXN")
           for i, at in enumerate(("2026-03-20T09:00:00", "2026-03-20T12:00:00", "2026-03-20T18:00:00",
                                   "2026-03-21T09:00:00"))]
    store.upsert_many({"deals": won})
    with pytest.raises(MissingRatesError) as caught:
        Kpis(store).value("revenue_won")
    assert caught.value.missing == [("MXN", dt.date(2026, 3, 20)), ("MXN", dt.date(2026, 3, 21))]
    assert str(caught.value).count("2026-03-20") == 1
