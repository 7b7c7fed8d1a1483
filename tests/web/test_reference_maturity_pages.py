"""Issue 16, what was left (pages): reference periods of incremental revenue chosen on its KPI page
(item 5), maturity and the conversion window on the KPI detail page and the tiles (item 2), the
product dimension on the KPI page (item 6). DuckDB and PostgreSQL; values worked out by hand.

The workspace (UTC), today 20 April 2026:
- campaign K1 ran 10 to 20 March (10 days), cost 0; deal C1 won on 12 March for 2000 (during it);
- deal B1 won on 10 January for 310 (10 a day over January's 31 days), B2 won on 10 February for
  560 (20 a day over February's 28 days), neither during a campaign;
- C1 carries campaign K1 and product "Plan Pro": campaign revenue by product in March is 2000 for it;
- so March's incremental revenue is 2000 − 10 × 10 = 1900 against January,
  2000 − 20 × 10 = 1800 against February, and by default (the 365 days before March, none with a
  campaign, 870 won) 2000 − 870 ÷ 365 × 10.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from pytest import approx

from conftest import sign_in  # noqa: E402
from kpis.builders import campaign, deal, lead, session  # noqa: E402
from pulso.config import Settings  # noqa: E402
from pulso.formatting import fmt_percent  # noqa: E402
from pulso.store.signin import set_locale  # noqa: E402
from pulso.web.auth import set_password  # noqa: E402
from support import BACKENDS, make_store  # noqa: E402

PASSWORD = "correct horse battery"
TODAY = dt.date(2026, 4, 20)
MARCH = "period=month&at=2026-03-15"
REF = "/kpi/incremental_revenue/reference?" + MARCH


def _leads(prefix: str, at: dt.datetime, lags: list[int | None]) -> list[dict]:
    return [lead(f"{prefix}{i}", at.isoformat(), converted=(at + dt.timedelta(days=d)).isoformat() if d else None)
            for i, d in enumerate(lags)]


@pytest.fixture(scope="module", params=BACKENDS)
def app(request, tmp_path_factory):
    from pulso.web import WebSettings, create_app

    store = make_store(request.param, tmp_path_factory.mktemp("refmat"), request)
    store.upsert_many({
        "users": [{"id": "u1", "name": "Ada Admin", "email": "u1@example.com", "role": "admin", "created_at": "2025-01-01"},
                  {"id": "u2", "name": "Ed Admin", "email": "u2@example.com", "role": "admin", "created_at": "2025-01-01"},
                  {"id": "u3", "name": "Rita Rep", "email": "u3@example.com", "role": "rep", "created_at": "2025-01-01"}],
        "campaigns": [campaign("K1", "2026-03-10T00:00:00", "2026-03-20T00:00:00")],
        "web_sessions": [session("s1", "v1", "2026-01-02T10:00:00", 60), session("s2", "v2", "2026-01-03T10:00:00", 60)],
        "leads": [{**r, "visitor_id": "v1" if r["id"] == "J0" else None}
                  for r in _leads("J", dt.datetime(2026, 1, 1, 10), [5, 10, 20, 40] + [None] * 6)]
                 + _leads("A", dt.datetime(2026, 4, 1, 10), [3, 3] + [None] * 8),
        "deals": [{**deal("C1", "2026-03-01T00:00:00", "won", closed="2026-03-12T00:00:00", amount=2000, campaign="K1"),
                   "product": "Plan Pro"},
                  {**deal("B1", "2026-01-01T00:00:00", "won", closed="2026-01-10T00:00:00", amount=310), "product": None},
                  {**deal("B2", "2026-02-01T00:00:00", "won", closed="2026-02-10T00:00:00", amount=560), "product": None}],
    })
    for uid in ("u1", "u2", "u3"):
        set_password(store, uid, PASSWORD)
    set_locale(store, "u2", "en")
    url = store.url
    store.close()
    app = create_app(WebSettings(store=Settings(url), secret_key="refmat", strict_i18n=True, today=TODAY))
    yield app
    app.state.services.close()


def _client(app, n: int) -> TestClient:
    c = TestClient(app, client=(f"10.9.1.{n}", 5000))
    assert sign_in(c, f"u{n}@example.com", PASSWORD).status_code == 303
    return c


@pytest.fixture(scope="module")
def admin(app):
    return _client(app, 1)


@pytest.fixture(scope="module")
def admin_en(app):
    return _client(app, 2)


def _csrf(c: TestClient) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', c.get(f"/kpi/incremental_revenue?{MARCH}").text).group(1)


def _choose(c: TestClient, rows: list[tuple[str, str]], remove: list[int] = ()):
    return c.post(REF, data={"start": [a for a, _ in rows], "end": [b for _, b in rows],
                             "remove": [str(i) for i in remove], "csrf_token": _csrf(c)}, follow_redirects=False)


def _figure(c: TestClient) -> float | None:
    body = c.get(f"/kpi/incremental_revenue.json?{MARCH}").json()
    return body["sections"][0]["tiles"][0]["value"]


def _text(c: TestClient, url: str) -> str:
    return c.get(url).text.replace("\xa0", " ")


def test_an_admin_chooses_the_reference_periods_and_the_figure_follows(app, admin):
    assert _choose(admin, [("2026-01-01", "2026-01-31")]).status_code == 303
    assert _figure(admin) == approx(2000 - 10 * 10)
    page = _text(admin, f"/kpi/incremental_revenue?{MARCH}")
    assert "Periodos de referencia elegidos: 1 ene 2026 – 31 ene 2026." in page
    assert "baseline_periods" not in page and "ajuste" not in page
    assert admin.get(f"/kpi/incremental_revenue.json?{MARCH}").json()["reference_periods"]["periods"] == [
        {"first": "2026-01-01", "last": "2026-01-31"}]
    # January and February given, January removed: February alone (20 a day).
    assert _choose(admin, [("2026-01-01", "2026-01-31"), ("2026-02-01", "2026-02-28")], remove=[0]).status_code == 303
    assert _figure(admin) == approx(2000 - 20 * 10)
    assert "Periodos de referencia elegidos: 1 feb 2026 – 28 feb 2026." in _text(admin, f"/kpi/incremental_revenue?{MARCH}")
    from pulso import audit

    services = app.state.services
    entries = services.run(lambda: audit.entries(services.store, actions=["settings.save"]))
    assert {"section": "reference", "baseline_periods": "2026-02-01/2026-03-01"} in [e["detail"] for e in entries]
    # Every period removed: the default reference again.
    assert _choose(admin, [("2026-02-01", "2026-02-28")], remove=[0]).status_code == 303
    assert _figure(admin) == approx(2000 - 870 / 365 * 10, abs=0.005)  # money to the cent
    assert "no se han elegido periodos de referencia" in _text(admin, f"/kpi/incremental_revenue?{MARCH}")


def test_a_period_that_ends_before_it_starts_or_overlaps_another_is_refused(app, admin, admin_en):
    assert _choose(admin, [("2026-01-01", "2026-01-31")]).status_code == 303
    refused = _choose(admin, [("2026-02-10", "2026-02-01")])
    assert refused.status_code == 422
    assert "Periodo 1: termina (1 feb 2026) antes de empezar (10 feb 2026)." in refused.text.replace("\xa0", " ")
    refused = _choose(admin_en, [("2026-01-01", "2026-01-31"), ("2026-01-20", "2026-02-10")])
    assert refused.status_code == 422
    assert "Periods 1 and 2 overlap: choose different days." in refused.text
    assert "Falta" not in refused.text and "solapan" not in refused.text
    assert _figure(admin) == approx(1900)  # nothing stored


def test_a_period_with_campaign_days_is_kept_and_warned_about(admin, admin_en):
    assert _choose(admin, [("2026-03-01", "2026-03-11")]).status_code == 303
    page = _text(admin, f"/kpi/incremental_revenue?{MARCH}")
    assert 'data-testid="reference-warning"' in page and "«Campaign K1»" in page
    assert "«Campaign K1»" in _text(admin_en, f"/kpi/incremental_revenue?{MARCH}")
    assert _choose(admin, [("2026-01-01", "2026-01-31")]).status_code == 303


def test_only_an_admin_may_choose_them(app):
    rep = _client(app, 3)
    assert 'data-testid="reference-form"' not in rep.get(f"/kpi/incremental_revenue?{MARCH}").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', rep.get("/").text).group(1)
    refused = rep.post(REF, data={"start": ["2026-01-01"], "end": ["2026-01-31"], "csrf_token": token},
                       follow_redirects=False)
    assert refused.status_code == 403


# -- item 2: maturity and the conversion window on the KPI page and the tiles -----------------------

JAN = "period=month&at=2026-01-15"
APRIL = "period=month&at=2026-04-10"


def test_the_kpi_page_of_a_cohort_rate_says_its_maturity(admin, admin_en):
    page = _text(admin, f"/kpi/lead_conversion_rate?{APRIL}")
    assert f"Cohorte en maduración: {fmt_percent(59 / 120, 'es', 0)} visto." in page  # 49 %
    assert 'data-testid="window-select"' in page and "convertidos en 90 días" in page and "cuando sea" in page
    body = admin.get(f"/kpi/lead_conversion_rate.json?{APRIL}").json()
    assert body["maturing"]["maturity"]["share"] == approx(59 / 120)
    assert body["maturing"]["window"] is None and "rates" not in body["maturing"]
    assert f"Cohorte madura: {fmt_percent(1, 'es', 0)} visto." in _text(admin, f"/kpi/lead_conversion_rate?{JAN}")
    assert f"Maturing cohort: {fmt_percent(59 / 120, 'en', 0)} seen." in _text(admin_en, f"/kpi/lead_conversion_rate?{APRIL}")
    assert 'data-testid="maturity"' not in admin.get(f"/kpi/revenue_won?{APRIL}").text  # not a cohort rate
    # Visitor rates are cohort rates too (no visits here: the maturity is unknown, and said).
    assert "Madurez de la cohorte desconocida" in admin.get(f"/kpi/visitor_to_lead_rate?{APRIL}").text


def test_the_window_is_kept_in_the_url_and_the_json_and_shown_on_the_tile(admin, admin_en):
    body = admin.get(f"/kpi/lead_conversion_rate.json?{JAN}&ventana=30").json()
    this, before = body["maturing"]["rates"]
    assert body["maturing"]["window"] == 30
    assert (this["numerator"], this["denominator"], this["complete"]) == (3, 10, True)
    assert this["value"] == approx(0.3) and (before["numerator"], before["denominator"]) == (0, 0)
    head = body["sections"][0]["tiles"][0]
    assert head["value"] == approx(0.3) and head["window_text"] == "en 30 días"
    r90 = admin.get(f"/kpi/lead_conversion_rate.json?{JAN}&ventana=90").json()["maturing"]["rates"][0]
    assert (r90["numerator"], r90["complete"]) == (4, False)
    assert "incompleta" in admin.get(f"/kpi/lead_conversion_rate?{JAN}&ventana=90").text
    page = admin.get(f"/kpi/lead_conversion_rate?{JAN}&ventana=60").text
    assert '<option value="60" selected>' in page
    # The tiles of the overview and sales pages follow the window in their URL, and say it.
    for area in ("/", "/sales"):
        tiles = admin.get(f"{area}?{JAN}&ventana=30", headers={"accept": "application/json"}).json()
        tile = next(t for s in tiles["sections"] if s["type"] == "tiles" for t in s["tiles"]
                    if t["key"] == "lead_conversion_rate")
        assert tile["value"] == approx(0.3) and tile["window_text"] == "en 30 días", area
    assert 'data-testid="window">within 30 days<' in admin_en.get(f"/sales?{JAN}&ventana=30").text
    marketing = admin.get(f"/marketing?{JAN}&ventana=30", headers={"accept": "application/json"}).json()
    visitors = next(t for s in marketing["sections"] if s["type"] == "tiles" for t in s["tiles"]
                    if t["key"] == "visitor_to_lead_rate")
    assert visitors["value"] == approx(1 / 2) and visitors["window_text"] == "en 30 días"
    whenever = admin.get(f"/kpi/lead_conversion_rate.json?{JAN}").json()["sections"][0]["tiles"][0]
    assert whenever["value"] == approx(0.4) and "window_text" not in whenever


# -- item 6: the product dimension on the KPI page -------------------------------------------------

def test_campaign_revenue_is_offered_by_product_with_names(admin):
    page = _text(admin, f"/kpi/campaign_revenue?{MARCH}")
    assert ">Producto</a>" in page
    body = admin.get(f"/kpi/campaign_revenue.json?{MARCH}&by=product").json()
    assert body["by"] == "product" and "product" in body["dimensions"]
    assert "Plan Pro" in _text(admin, f"/kpi/campaign_revenue?{MARCH}&by=product")
