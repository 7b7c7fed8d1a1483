"""Maturing cohorts on screen (issue 16, item 2), on DuckDB and PostgreSQL. Today is 5 December 2026.

Leads (all of Ana, u1):
- 1 June: 10 leads, 4 converted after 5, 10, 20 and 40 days;
- 1 November: 10 leads, 4 converted after 3 days;
- 1 December: 10 leads, none converted yet.
History of lags (days): 3, 3, 3, 3, 5, 10, 20, 40 (8 conversions).
- December's cohort (days 1–5, 4, 3, 2, 1 and 0 days old): F = 4/8, 4/8, 0, 0, 0 → 1/5 = 20 %:
  "en maduración (20 %)". Its rate 0/10 against 1–5 November's 4/10 (−40 pp, outside the Wilson
  interval of 0/10, [0, 0.278]) would be red; maturing, it is not coloured.
- November's cohort (days 1–30, 34..5 days old): 5 days at F = 5/8, 10 at 6/8, 15 at 7/8 →
  (25 + 60 + 105) / 240 = 79.2 %: maturing too. Within 30 days it converted 4 of 10 (40 %),
  incomplete (30 November + 30 days is after today).
"""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from conftest import sign_in  # noqa: E402
from pulso.config import Settings  # noqa: E402
from pulso.formatting import fmt_percent  # noqa: E402
from pulso.web.auth import set_password  # noqa: E402
from support import BACKENDS, make_store  # noqa: E402

PASSWORD = "correct horse battery"
DEC = "period=month&at=2026-12-05"
TODAY = dt.date(2026, 12, 5)
MATURING_20 = f"en maduración ({fmt_percent(0.2, 'es', 0)})"  # 20 % in Spanish digits


def _leads(prefix: str, day: dt.date, lags: list[int | None]) -> list[dict]:
    at = dt.datetime.combine(day, dt.time(10))
    return [{"id": f"{prefix}{i}", "owner_id": "u1", "created_at": at.isoformat(),
             "converted_at": (at + dt.timedelta(days=lag)).isoformat() if lag is not None else None}
            for i, lag in enumerate(lags)]


@pytest.fixture(scope="module", params=BACKENDS)
def app(request, tmp_path_factory):
    from pulso.web import WebSettings, create_app

    store = make_store(request.param, tmp_path_factory.mktemp("maturing"), request)
    store.upsert_many({
        "teams": [{"id": "t1", "name": "Norte", "manager_id": "u1"}],
        "users": [{"id": "u1", "name": "Ana Admin", "email": "u1@example.com", "role": "admin", "team_id": "t1",
                   "created_at": "2025-01-01"}],
        "leads": (_leads("j", dt.date(2026, 6, 1), [5, 10, 20, 40] + [None] * 6)
                  + _leads("n", dt.date(2026, 11, 1), [3] * 4 + [None] * 6)
                  + _leads("d", dt.date(2026, 12, 1), [None] * 10)),
    })
    set_password(store, "u1", PASSWORD)
    from pulso.engine import engine_for
    from pulso.reports import scorecard

    report = scorecard.build(store, engine_for(store), period="2026-12", scope="company", today=TODAY)
    url = store.url
    store.close()
    app = create_app(WebSettings(store=Settings(url), secret_key="maturing", strict_i18n=True, today=TODAY))
    app.state.maturing_report = report
    yield app
    app.state.services.close()


@pytest.fixture(scope="module")
def admin(app):
    c = TestClient(app, client=("10.9.0.3", 5000))
    assert sign_in(c, "u1@example.com", PASSWORD).status_code == 303
    return c


def _tile(body: dict, key: str) -> dict:
    return next(t for s in body["sections"] if s["type"] == "tiles" for t in s["tiles"] if t["key"] == key)


def test_a_young_cohort_tile_is_marked_and_its_fall_not_coloured(admin):
    t = _tile(admin.get(f"/index.json?{DEC}").json(), "lead_conversion_rate")
    assert (t["value"], t["previous"]) == (0.0, 0.4)
    assert t["maturity"] == {"share": pytest.approx(0.2), "maturing": True, "threshold": 0.8}
    assert t["maturity_text"] == MATURING_20
    assert t["judge"] == ""
    html = admin.get(f"/?{DEC}").text
    assert MATURING_20 in html


def test_a_whole_old_cohort_is_mature(admin):
    t = _tile(admin.get("/index.json?period=month&at=2026-06-15").json(), "lead_conversion_rate")
    assert t["maturity"]["share"] == 1.0 and not t["maturity"]["maturing"] and t["maturity_text"] == ""


def _cohorts(body: dict) -> dict:
    return next(s for s in body["sections"] if s.get("title") == "Conversión de leads por cohorte")


def test_the_cohort_table_gives_the_window_rate_and_maturity(admin):
    section = _cohorts(admin.get(f"/retention.json?{DEC}&ventana=30").json())
    rows = {r["cohort"]: r for r in section["maturity"]}
    assert list(rows) == ["2026-07-01", "2026-08-01", "2026-09-01", "2026-10-01", "2026-11-01", "2026-12-01"]
    nov, dec = rows["2026-11-01"], rows["2026-12-01"]
    assert (nov["numerator"], nov["denominator"], nov["window_days"], nov["complete"]) == (4, 10, 30, False)
    assert nov["maturity"]["share"] == pytest.approx(190 / 240)
    assert (dec["numerator"], dec["denominator"]) == (0, 10)
    assert dec["maturity"]["share"] == pytest.approx(0.2) and dec["maturity"]["maturing"]
    assert section["columns"][2]["label"] == "Convertidos en 30 días"
    last = section["rows"][-1]
    assert last[3]["note"] == MATURING_20
    assert last[4]["text"] and last[4]["judge"] == ""  # −40 pp, not coloured
    assert [c["current"] for c in section["choices"]] == [True, False, False, False]


def test_the_cohort_page_offers_the_windows(admin):
    html = admin.get(f"/retention?{DEC}").text
    assert "Convertidos en 90 días" in html
    for words in ("30 días", "60 días", "sin límite", "en maduración (20"):
        assert words in html
    body = admin.get(f"/retention.json?{DEC}&ventana=0").json()
    dec = _cohorts(body)["maturity"][-1]
    assert dec["window_days"] is None and dec["complete"]


def test_the_monthly_report_marks_the_young_cohort_and_lists_it_as_no_mover(app):
    report = app.state.maturing_report
    entry = next(k for k in report["kpis"] if k["key"] == "lead_conversion_rate")
    assert (entry["value"], entry["previous"]) == (0.0, 0.4)
    assert entry["judge"] == "" and entry["maturity"]["maturing"]
    assert entry["change"].endswith(MATURING_20)
    assert "lead_conversion_rate" not in [m["key"] for m in report["movers"]]
