"""Issue 16 items 1, 3 and 6 at the doors: the API's KPI answer and `pulso kpi show` compare a month
in progress like-for-like (`previous`, `previous_span`, `previous_full`), take `stat=` (a bad one is
a 422 in the reader's language), and a mean figure carries its bootstrap interval; the KPI detail
page offers mean / median / p90 and shows the interval. On DuckDB and PostgreSQL, a workspace
whose every figure is worked out by hand below (the bootstrap recomputed with numpy)."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner


from conftest import sign_in  # noqa: E402
from pulso.config import Settings  # noqa: E402
from pulso.web.auth import set_password  # noqa: E402
from support import BACKENDS, make_store  # noqa: E402

TODAY = dt.date(2026, 12, 5)
PASSWORD = "correct horse battery"
API = "/api/v1/kpis"

# Won deals (closed, cycle days, amount): 1–5 December: cycles 4, 10, 16 (mean 10), revenue 300;
# 1–5 November: one deal, cycle 20, 200; 20 November: cycle 40, 400 (all November: 600, mean 30).
DEALS = [("2026-12-01", 4, 50), ("2026-12-02", 10, 100), ("2026-12-03", 16, 150),
         ("2026-11-03", 20, 200), ("2026-11-20", 40, 400)]
# Tickets opened 2 December, first answered after 1, 2, 3, 4, 10 hours: mean 4; continuous
# percentiles at p × (n − 1): p50 = 3, p90 at 3.6 → 4 + 0.6 × 6 = 7.6 ("lower"/"nearest" give 4).
HOURS = [1, 2, 3, 4, 10]


def by_hand(x: list[float], stat=None) -> list[float]:
    """The documented percentile bootstrap: seed 16, 2,000 resamples, their 2.5th and 97.5th percentiles."""
    x = np.asarray(sorted(x), dtype=float)
    idx = np.random.default_rng(16).integers(0, len(x), size=(2000, len(x)))
    stats = x[idx].mean(axis=1) if stat is None else np.quantile(x[idx], stat, axis=1)
    return [float(v) for v in np.percentile(stats, [2.5, 97.5])]


def _seed(store) -> str:
    from pulso import tokens

    def deal(i, closed, days, amount):
        close = dt.datetime.fromisoformat(closed + "T12:00:00")
        return {"id": f"d{i}", "owner_id": "u1", "title": f"Trato {i}", "amount": amount, "currency": "EUR",
                "status": "won", "created_at": (close - dt.timedelta(days=days)).isoformat(), "closed_at": close.isoformat()}

    t0 = dt.datetime(2026, 12, 2, 9)
    store.upsert_many({
        "users": [{"id": "u1", "name": "Ada Admin", "email": "u1@example.com", "role": "admin", "created_at": "2025-01-01"}],
        "deals": [deal(i, *d) for i, d in enumerate(DEALS)],
        "tickets": [{"id": f"k{i}", "owner_id": "u1", "status": "open", "opened_at": t0.isoformat(),
                     "first_response_at": (t0 + dt.timedelta(hours=h)).isoformat()} for i, h in enumerate(HOURS)],
    })
    set_password(store, "u1", PASSWORD)
    return tokens.create(store, "stat test", role="admin").secret


@pytest.fixture(scope="module", params=BACKENDS)
def world(request, tmp_path_factory):
    from pulso.web import WebSettings, create_app

    store = make_store(request.param, tmp_path_factory.mktemp("kpistat"), request)
    secret = _seed(store)
    url = store.url
    store.close()
    app = create_app(WebSettings(store=Settings(url), secret_key="kpi-stat", strict_i18n=True, today=TODAY))
    page = TestClient(app, client=("10.9.1.1", 5000))
    assert sign_in(page, "u1@example.com", PASSWORD).status_code == 303
    api = TestClient(app, headers={"Authorization": f"Bearer {secret}"}, client=("10.9.1.2", 5000))
    yield {"page": page, "api": api, "url": url}
    app.state.services.close()


def _one(body: dict) -> dict:
    assert len(body["rows"]) == 1
    return body["rows"][0]


def test_the_api_compares_this_month_so_far_like_for_like(world):
    body = world["api"].get(f"{API}/revenue_won/values").json()
    row = _one(body)
    assert (row["value"], row["previous"], row["previous_full"]) == (300.0, 200.0, 600.0)
    assert row["previous_span"] == {"start": "2026-11-01", "end": "2026-11-05"}
    assert row["previous_full_span"] == {"start": "2026-11-01", "end": "2026-11-30"}
    assert body["to"] == "2026-12-05" and "previous_span" in body["columns"]
    # the whole of December asked for: the same elapsed part, the same comparison
    row = _one(world["api"].get(f"{API}/revenue_won/values", params={"from": "2026-12-01", "to": "2026-12-31"}).json())
    assert (row["value"], row["previous"], row["previous_full"]) == (300.0, 200.0, 600.0)
    # an ended month: whole against whole
    row = _one(world["api"].get(f"{API}/revenue_won/values", params={"from": "2026-11-01", "to": "2026-11-30"}).json())
    assert row["value"] == 600.0 and row["previous_span"] == row["previous_full_span"] == {"start": "2026-10-01", "end": "2026-10-31"}


def test_the_api_gives_a_mean_its_bootstrap_interval_and_takes_a_stat(world):
    row = _one(world["api"].get(f"{API}/sales_cycle_days/values").json())
    assert row["value"] == pytest.approx(10.0) and row["n"] == 3
    assert row["interval"] == pytest.approx(by_hand([4, 10, 16]))
    assert row["previous"] == pytest.approx(20.0) and row["previous_full"] == pytest.approx(30.0)
    for stat, expected in (("p90", 7.6), ("p50", 3.0), ("mean", 4.0)):
        row = _one(world["api"].get(f"{API}/first_response_time_hours/values", params={"stat": stat}).json())
        assert row["value"] == pytest.approx(expected), stat
    row = _one(world["api"].get(f"{API}/first_response_time_hours/values", params={"stat": "p90"}).json())
    assert row["interval"] == pytest.approx(by_hand(HOURS, 0.9)) and row["n"] == 5
    # with a grain too
    rows = world["api"].get(f"{API}/first_response_time_hours/values",
                            params={"stat": "p90", "grain": "month", "from": "2026-12-01", "to": "2026-12-05"}).json()["rows"]
    assert [r["value"] for r in rows] == pytest.approx([7.6])


def test_a_bad_stat_is_a_422_in_the_readers_language(world):
    r = world["api"].get(f"{API}/first_response_time_hours/values", params={"stat": "p100"})
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "invalid_stat" and error["field"] == "stat" and "p90" in error["message"]
    assert "unknown" in error["message"].lower()
    r = world["api"].get(f"{API}/first_response_time_hours/values", params={"stat": "max", "lang": "es"})
    assert r.status_code == 422 and "estadístico desconocido 'max'" in r.json()["error"]["message"]
    r = world["api"].get(f"{API}/revenue_won/values", params={"stat": "p90", "lang": "es"})
    assert r.status_code == 422 and "revenue_won" in r.json()["error"]["message"]
    assert "solo la media" in r.json()["error"]["message"]


def test_the_detail_page_offers_mean_median_and_p90_and_shows_the_interval(world):
    page = world["page"]
    body = page.get("/kpi/first_response_time_hours.json", params={"period": "month"}).json()
    head = body["sections"][0]["tiles"][0]
    assert head["value"] == pytest.approx(4.0) and body["stat"] == "mean"
    assert [s["stat"] for s in body["stats"]] == ["mean", "median", "p90"]
    p90 = next(s for s in body["stats"] if s["stat"] == "p90")
    assert "stat=p90" in p90["href"]
    body = page.get("/kpi/first_response_time_hours.json", params={"stat": "p90"}).json()
    head = body["sections"][0]["tiles"][0]
    assert body["stat"] == "p90" and head["value"] == pytest.approx(7.6) and head["stat"] == "p90"
    assert head["interval"] == pytest.approx(by_hand(HOURS, 0.9))
    assert page.get("/kpi/first_response_time_hours.json", params={"stat": "p100"}).json()["stat"] == "mean"
    assert page.get("/kpi/revenue_won.json").json()["stats"] == []
    cycle = page.get("/kpi/sales_cycle_days.json").json()["sections"][0]["tiles"][0]
    assert cycle["interval"] == pytest.approx(by_hand([4, 10, 16])) and cycle["interval_text"]
    html = page.get("/kpi/first_response_time_hours", params={"stat": "median"}).text
    assert 'data-testid="stats"' in html and "Mediana" in html and 'data-testid="interval"' in html


def test_pulso_kpi_show_compares_like_for_like_and_takes_a_stat(world):
    from pulso.cli import app

    runner = CliRunner()
    args = ["kpi", "show", "revenue_won", "--from", "2026-12-01", "--to", "2027-01-01", "--today", "2026-12-05",
            "--format", "json", "--db", world["url"]]
    row = json.loads(runner.invoke(app, args).stdout)[0]
    assert (row["value"], row["previous"], row["previous_full"]) == (300.0, 200.0, 600.0)
    assert row["previous_span"] == {"start": "2026-11-01", "end": "2026-11-05"}
    args = ["kpi", "show", "first_response_time_hours", "--from", "2026-12-01", "--to", "2027-01-01",
            "--today", "2026-12-05", "--stat", "p90", "--format", "json", "--db", world["url"]]
    row = json.loads(runner.invoke(app, args).stdout)[0]
    assert row["value"] == pytest.approx(7.6) and row["interval"] == pytest.approx(by_hand(HOURS, 0.9))
