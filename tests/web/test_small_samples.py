"""Small samples on screen (issue 16, item 3): a close rate on one deal shows n = 1, its interval,
and no colour ("muestra pequeña"); a large sample still colours. DuckDB and PostgreSQL.

November 2026 (a whole past month) against October:
- Bea (u2, the weak rep): November 1 won of 1 closed (100 %), October 1 won of 2 (50 %).
  Wilson 95 % for 1/1: [0.2065, 1]; 50 % lies inside: within noise.
- Carlos (u3): November 60 won of 120 (50 %), October 30 won of 120 (25 %).
- The company: November 61/121 = 50.4 %, Wilson [0.416, 0.592]; October 31/122 = 25.4 %
  lies outside: a real rise, green.
"""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from conftest import sign_in  # noqa: E402
from pulso.config import Settings  # noqa: E402
from pulso.web.auth import set_password  # noqa: E402
from support import BACKENDS, make_store  # noqa: E402

PASSWORD = "correct horse battery"
NOV = "period=month&at=2026-11-15"


def _deal(i: int, owner: str, won: bool, closed: str) -> dict:
    return {"id": f"d{i}", "owner_id": owner, "title": f"Trato {i}", "amount": 1000, "currency": "EUR",
            "stage_id": "w" if won else "l", "status": "won" if won else "lost", "kind": "new",
            "created_at": "2026-09-01T10:00:00", "closed_at": closed}


def _seed(store) -> None:
    closes = ([("u2", True, "2026-11-10T10:00:00"), ("u2", True, "2026-10-10T10:00:00"), ("u2", False, "2026-10-11T10:00:00")]
              + [("u3", k < 60, "2026-11-12T10:00:00") for k in range(120)]
              + [("u3", k < 30, "2026-10-12T10:00:00") for k in range(120)])
    store.upsert_many({
        "teams": [{"id": "t1", "name": "Norte", "manager_id": "u1"}],
        "users": [{"id": u, "name": n, "email": f"{u}@example.com", "role": r, "team_id": "t1", "created_at": "2025-01-01"}
                  for u, n, r in (("u1", "Ada Admin", "admin"), ("u2", "Bea Rep", "rep"), ("u3", "Carlos Rep", "rep"))],
        "stages": [{"id": "w", "pipeline": "default", "name": "Ganado", "position": 1, "kind": "won", "probability": 1.0},
                   {"id": "l", "pipeline": "default", "name": "Perdido", "position": 2, "kind": "lost", "probability": 0.0}],
        "deals": [_deal(i, *c) for i, c in enumerate(closes)],
        "accounts": [{"id": "a1", "name": "Cliente Uno", "owner_id": "u2", "created_at": "2025-01-01T10:00:00"}],
        # NPS answers of Bea's customer: November 10, 0, 8, 7 (1 promoter, 1 detractor of 4: NPS 0);
        # October 10, 9, 0, 8 (2 promoters, 1 detractor of 4: NPS 25).
        "survey_responses": [{"id": f"s{i}", "account_id": "a1", "kind": "nps", "score": score, "scale_min": 0,
                              "scale_max": 10, "answered_at": at}
                             for i, (score, at) in enumerate([(10, "2026-11-03T10:00:00"), (0, "2026-11-04T10:00:00"),
                                                              (8, "2026-11-05T10:00:00"), (7, "2026-11-06T10:00:00"),
                                                              (10, "2026-10-03T10:00:00"), (9, "2026-10-04T10:00:00"),
                                                              (0, "2026-10-05T10:00:00"), (8, "2026-10-06T10:00:00")])],
    })
    for u in ("u1", "u2"):
        set_password(store, u, PASSWORD)


@pytest.fixture(scope="module", params=BACKENDS)
def workspace(request, tmp_path_factory):
    """The seeded workspace's URL and November's scorecard for the company and for Bea (built
    before the web app holds the workspace)."""
    from pulso.engine import engine_for
    from pulso.reports import scorecard

    store = make_store(request.param, tmp_path_factory.mktemp("samples"), request)
    _seed(store)
    engine = engine_for(store)
    reports = {scope: scorecard.build(store, engine, period="2026-11", scope=scope, today=dt.date(2026, 12, 20))
               for scope in ("company", "rep:u2")}
    url = store.url
    store.close()
    return {"url": url, "reports": reports}


@pytest.fixture(scope="module")
def app(workspace):
    from pulso.web import WebSettings, create_app

    url = workspace["url"]
    app = create_app(WebSettings(store=Settings(url), secret_key="small-samples", strict_i18n=True,
                                 today=dt.date(2026, 12, 20)))
    yield app
    app.state.services.close()


def _client(app, email: str) -> TestClient:
    c = TestClient(app, client=("10.9.0.2", 5000))
    assert sign_in(c, email, PASSWORD).status_code == 303
    return c


@pytest.fixture(scope="module")
def rep(app):
    return _client(app, "u2@example.com")


@pytest.fixture(scope="module")
def admin(app):
    return _client(app, "u1@example.com")


def _tile(body: dict, key: str) -> dict:
    return next(t for s in body["sections"] if s["type"] == "tiles" for t in s["tiles"] if t["key"] == key)


def test_one_won_deal_shows_n_1_and_no_green(rep):
    t = _tile(rep.get(f"/index.json?{NOV}").json(), "close_rate")
    assert (t["value"], t["previous"]) == (1.0, 0.5)
    assert t["n"] == 1 and t["small"] and t["noise"]
    assert t["judge"] == ""
    assert t["interval"][0] == pytest.approx(0.2065, abs=6e-4) and t["interval"][1] == 1.0
    assert t["sample_text"] == "muestra pequeña · n = 1"
    html = rep.get(f"/?{NOV}").text
    assert "muestra pequeña · n = 1" in html


def test_the_detail_page_and_its_twin_give_the_interval(rep):
    # A team NPS of 0 on four answers against 25 the month before: var = (1/4 + 1/4) − 0² = 0.5,
    # se = √(0.5/4) = 0.35355, 1.96 se = 69.30 points; 25 lies inside: no ▼ −25 pts in red.
    body = rep.get(f"/kpi/nps.json?{NOV}").json()
    t = _tile(body, "nps")
    assert (t["value"], t["previous"], t["n"], t["judge"]) == (0.0, 25.0, 4, "")
    assert t["interval"] == [pytest.approx(-69.30, abs=0.01), pytest.approx(69.30, abs=0.01)]
    assert t["sample_text"] == "muestra pequeña · n = 4"
    html = rep.get(f"/kpi/nps?{NOV}").text.replace("\xa0", " ")
    assert "IC 95 %: -69,3 – 69,3" in html and "muestra pequeña · n = 4" in html
    assert "IC 95 %" not in rep.get(f"/?{NOV}").text.replace("\xa0", " ")  # tiles elsewhere keep it in their twin


def test_a_large_sample_still_colours(admin):
    t = _tile(admin.get(f"/index.json?{NOV}").json(), "close_rate")
    assert (t["n"], t["small"], t["noise"], t["judge"]) == (121, False, False, "good")
    assert t["interval"][0] == pytest.approx(0.4158, abs=2e-3) and t["interval"][1] == pytest.approx(0.5916, abs=2e-3)
    assert t["sample_text"] == ""


def test_the_team_comparison_does_not_colour_one_deal(admin):
    body = admin.get(f"/team.json?{NOV}").json()
    table = next(s for s in body["sections"] if s["type"] == "table" and any(
        c["label"] == "Tasa de cierre" for c in s["columns"]) and s["rows"] and s["rows"][-1][0]["text"] == "Total del alcance")
    col = next(i for i, c in enumerate(table["columns"]) if c["label"] == "Tasa de cierre")
    bea = next(r for r in table["rows"] if r[0]["text"] == "Bea Rep")
    assert bea[col]["judge"] == "" and bea[col]["n"] == 1 and bea[col]["note"] == "muestra pequeña · n = 1"
    html = admin.get(f"/team?{NOV}").text
    assert "muestra pequeña · n = 1" in html


def test_the_report_movers_ignore_a_change_within_noise(workspace):
    company, bea = workspace["reports"]["company"], workspace["reports"]["rep:u2"]
    # The company's close rate rose from 25.4 % to 50.4 %, outside its interval: a mover, green.
    close = next(k for k in company["kpis"] if k["key"] == "close_rate")
    assert close["judge"] == "good" and "close_rate" in [m["key"] for m in company["movers"]]
    # Bea's 50 % -> 100 % on one deal: within noise, neither coloured nor a mover.
    close = next(k for k in bea["kpis"] if k["key"] == "close_rate")
    assert (close["value"], close["previous"], close["judge"]) == (1.0, 0.5, "")
    assert "close_rate" not in [m["key"] for m in bea["movers"]]
