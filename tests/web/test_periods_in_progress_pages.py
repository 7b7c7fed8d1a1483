"""Periods in progress on screen (issue 16, item 1): on 5 December the overview compares 1–5
December with 1–5 November, says so, and colours a tile with a goal by its pace; per-day rates
divide by the elapsed days; charts stop at today. On DuckDB and PostgreSQL, a small workspace
whose every figure is worked out by hand below."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from conftest import sign_in  # noqa: E402
from pulso.config import Settings  # noqa: E402
from pulso.web.auth import set_password  # noqa: E402
from support import BACKENDS, make_store  # noqa: E402

TODAY = dt.date(2026, 12, 5)
PASSWORD = "correct horse battery"

# Revenue won (EUR): 1–5 Dec 2026 = 15,000; 1–5 Nov = 20,000 (all November 120,000);
# 1–5 Dec 2025 = 4,000 (all December 2025 34,000).
WON = [(10_000, "2026-12-02T10:00:00"), (5_000, "2026-12-05T10:00:00"),
       (20_000, "2026-11-03T10:00:00"), (100_000, "2026-11-20T10:00:00"),
       (4_000, "2025-12-04T10:00:00"), (30_000, "2025-12-15T10:00:00")]


def _seed(store) -> None:
    from pulso.engine import engine_for
    from pulso.goals import create_goal

    store.upsert_many({
        "users": [{"id": "u1", "name": "Ada Admin", "email": "u1@example.com", "role": "admin", "created_at": "2025-01-01"}],
        "stages": [{"id": "w", "pipeline": "default", "name": "Ganado", "position": 1, "kind": "won", "probability": 1.0}],
        "deals": [{"id": f"d{i}", "owner_id": "u1", "title": f"Trato {i}", "amount": amount, "currency": "EUR",
                   "stage_id": "w", "status": "won", "kind": "new", "created_at": "2025-11-01T10:00:00",
                   "closed_at": closed} for i, (amount, closed) in enumerate(WON)],
        # Three cases closed on 1, 2 and 3 December: 3 ÷ 5 elapsed days = 0.6 a day (not 3 ÷ 31).
        "tickets": [{"id": f"k{i}", "owner_id": "u1", "priority": "low", "status": "resolved",
                     "opened_at": "2026-11-30T09:00:00", "resolved_at": f"2026-12-0{i + 1}T12:00:00"} for i in range(3)],
    })
    set_password(store, "u1", PASSWORD)
    # December's revenue goal: 60,000. By 5 Dec: progress 15,000 ÷ 60,000 = 25 %, pace 5 ÷ 31 = 16 %:
    # on track; at this pace 15,000 ÷ (5/31) = 93,000 by the end of the month.
    create_goal(store, engine_for(store), kpi="revenue_won", target=60_000, scope="company",
                start="2026-12-01", deadline="2027-01-01", today=dt.date(2026, 12, 1))


@pytest.fixture(scope="module", params=BACKENDS)
def client(request, tmp_path_factory):
    from pulso.web import WebSettings, create_app

    store = make_store(request.param, tmp_path_factory.mktemp("inprogress"), request, timezone="Europe/Madrid")
    _seed(store)
    url = store.url
    store.close()
    app = create_app(WebSettings(store=Settings(url), secret_key="in-progress", strict_i18n=True, today=TODAY))
    c = TestClient(app, client=("10.9.0.1", 5000))
    assert sign_in(c, "u1@example.com", PASSWORD).status_code == 303
    yield c
    app.state.services.close()


def _tile(body: dict, key: str) -> dict:
    return next(t for s in body["sections"] if s["type"] == "tiles" for t in s["tiles"] if t["key"] == key)


def test_the_overview_compares_1_to_5_december_with_1_to_5_november(client):
    body = client.get("/index.json").json()
    t = _tile(body, "revenue_won")
    assert (t["value"], t["previous"], t["previous_full"]) == (15_000, 20_000, 120_000)
    assert (t["year_ago"], t["year_ago_full"]) == (4_000, 34_000)
    assert t["compared"]["previous"] == {"from": "2026-11-01", "to": "2026-11-05"}
    assert t["compared_text"] == "1–5 dic frente a 1–5 nov"
    assert "25" in t["change"] and "87" not in t["change"]  # −25 %, not −87.5 % against all November
    html = client.get("/").text
    assert "1–5 dic frente a 1–5 nov" in html


def test_a_tile_with_a_goal_is_coloured_by_pace_and_agrees_with_the_goals_page(client):
    t = _tile(client.get("/index.json").json(), "revenue_won")
    # The change against 1–5 Nov is bad (−25 %), but the goal is on track: the tile is good.
    assert t["goal"]["status"] == "on_track" and t["judge"] == "good"
    assert t["goal"]["forecast"] == pytest.approx(93_000)
    assert t["goal"]["pace_text"] == "a este ritmo: 93.000\u00a0€ a fin de mes"
    assert "en camino · a este ritmo: 93.000\u00a0€ a fin de mes" in client.get("/").text
    goals = client.get("/goals.json").json()["goals"]
    [g] = [g for g in goals if g["kpi"] == "revenue_won"]
    assert g["status"] == t["goal"]["status"] and g["status_text"] == "en camino"


def test_rates_per_day_divide_by_the_elapsed_days(client):
    t = _tile(client.get("/service.json").json(), "tickets_resolved_per_day")
    assert t["value"] == pytest.approx(3 / 5)


def test_charts_stop_at_today(client):
    body = client.get("/kpi/tickets_resolved_per_day.json", params={"grain": "day"}).json()
    [chart] = [s for s in body["sections"] if s["type"] == "chart" and "spec" in s][:1]
    days = sorted(p["period"] for p in chart["spec"]["data"]["values"])
    assert days == ["2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04", "2026-12-05"]
