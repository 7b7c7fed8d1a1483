"""Incremental revenue never above the revenue won, and campaign cost spread over the days a
campaign ran (issue 16 item 5). Values worked out by hand; both backends (the `store` fixture)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from pytest import approx

from kpis.builders import Kpis, campaign, deal, lead
from support import BACKENDS, make_store

JAN, FEB = dt.date(2026, 1, 1), dt.date(2026, 2, 1)
Y2025, Y2026, Y2027 = dt.date(2025, 1, 1), dt.date(2026, 1, 1), dt.date(2027, 1, 1)


def test_two_campaigns_at_once_do_not_count_the_same_sale_twice(store):
    store.upsert_many({
        # Two campaigns over the same ten days, 1 March 00:00 to 11 March 00:00, no cost.
        "campaigns": [campaign("K1", "2026-03-01T00:00:00", "2026-03-11T00:00:00"),
                      campaign("K2", "2026-03-01T00:00:00", "2026-03-11T00:00:00")],
        "deals": [
            deal("B1", "2026-01-01T00:00:00", "won", closed="2026-01-10T00:00:00", amount=310),   # reference
            deal("C1", "2026-02-01T00:00:00", "won", closed="2026-03-02T00:00:00", amount=3000),  # during both
        ],
    })
    k, ref = Kpis(store), {"baseline": [(JAN, FEB)]}  # January: 310 ÷ 31 days = 10 a day
    revenue_won = 3000.0
    # The old recipe gave each campaign all the revenue won while it ran: 2 × (3000 − 10 × 10) = 5800,
    # above the 3000 won in March. Now the ten days and the sale are shared by the two campaigns.
    assert 2 * (3000 - 10 * 10) > revenue_won
    row = k.one("incremental_revenue", params=ref)
    assert row["value"] == approx(3000 - 10 * 10)
    assert row["value"] <= revenue_won
    assert row["revenue_during"] == approx(3000) and row["baseline"] == approx(100)
    split = k.by("incremental_revenue", "campaign", params=ref)
    assert split["K1"]["value"] == approx((3000 - 100) / 2) and split["K2"]["value"] == approx((3000 - 100) / 2)


def test_only_the_periods_own_campaign_time_counts(store):
    store.upsert_many({
        # Starts on 21 March and ends on 11 April: 11 of its 21 days in March. Cost 2100.
        "campaigns": [campaign("K1", "2026-03-21T00:00:00", "2026-04-11T00:00:00", cost=2100)],
        "deals": [
            deal("B1", "2026-01-01T00:00:00", "won", closed="2026-01-10T00:00:00", amount=310),   # reference
            deal("C1", "2026-02-01T00:00:00", "won", closed="2026-03-25T00:00:00", amount=4000),  # March
            deal("C2", "2026-02-01T00:00:00", "won", closed="2026-04-05T00:00:00", amount=9000),  # April
        ],
    })
    row = Kpis(store).one("incremental_revenue", params={"baseline": [(JAN, FEB)]})
    # 4000 won in March's 11 campaign days − 10 a day × 11 − 2100 × 11 ÷ 21; April's 9000 is April's.
    assert row["value"] == approx(4000 - 110 - 1100)
    assert row["cost"] == approx(1100)
    assert row["value"] <= 4000


def test_no_reference_day_leaves_the_value_empty(store):
    store.upsert_many({
        # Running for the whole year before March and through it: no day without a campaign.
        "campaigns": [campaign("K1", "2025-01-01T00:00:00", None, cost=0)],
        "deals": [deal("C1", "2026-02-01T00:00:00", "won", closed="2026-03-02T00:00:00", amount=3000)],
    })
    # The old recipe took a missing reference as 0 a day and reported all 3000 as incremental.
    assert Kpis(store).value("incremental_revenue") is None


def test_a_campaign_over_new_year_costs_each_year_its_days(store):
    store.upsert_many({
        # Ten days, 27 December to 5 January (ends at 6 January 00:00), costing 1000: 5 days in each year.
        "campaigns": [campaign("K1", "2025-12-27T00:00:00", "2026-01-06T00:00:00", cost=1000)],
        "leads": [lead("L1", "2025-12-27T00:00:00", campaign="K1"), lead("L2", "2025-12-28T00:00:00", campaign="K1")],
        "deals": [
            deal("D1", "2025-12-27T00:00:00", "won", closed="2025-12-30T00:00:00", amount=1500, lead="L1"),
            deal("D2", "2025-12-28T00:00:00", "won", closed="2026-01-03T00:00:00", amount=600, lead="L2"),
            deal("B1", "2025-11-01T00:00:00", "won", closed="2025-11-10T00:00:00", amount=300),  # reference
        ],
    })
    k = Kpis(store)
    by_year = {r["period_start"]: r for r in k.rows("campaign_roi", Y2025, Y2027, grain="year")}
    y25, y26 = by_year[Y2025], by_year[Y2026]
    assert y25["cost"] == approx(500) and y26["cost"] == approx(500)
    assert y25["value"] == approx((1500 - 500) / 500)
    assert y26["value"] == approx((600 - 500) / 500)  # was "—": the whole cost sat in 2025
    assert k.value("campaign_roi", Y2025, Y2027) == approx((2100 - 1000) / 1000)
    # Incremental revenue against November 2025 (300 ÷ 30 = 10 a day), 5 campaign days a year.
    ref = {"baseline": [(dt.date(2025, 11, 1), dt.date(2025, 12, 1))]}
    inc = {r["period_start"]: r for r in k.rows("incremental_revenue", Y2025, Y2027, grain="year", params=ref)}
    assert inc[Y2025]["value"] == approx(1500 - 50 - 500)
    assert inc[Y2026]["value"] == approx(600 - 50 - 500)


# -- the reference periods on the KPI detail page ------------------------------------------------

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module", params=BACKENDS)
def app(request, tmp_path_factory):
    from pulso.config import Settings
    from pulso.web import WebSettings, create_app
    from pulso.web.auth import set_password

    store = make_store(request.param, tmp_path_factory.mktemp("reference"), request)
    store.upsert_many({"users": [{"id": "u1", "name": "Ada Admin", "email": "u1@example.com", "role": "admin",
                                  "created_at": "2025-01-01"}]})
    set_password(store, "u1", PASSWORD)
    url = store.url
    store.close()
    app = create_app(WebSettings(store=Settings(url), secret_key="reference", strict_i18n=True, today=dt.date(2026, 4, 20)))
    yield app
    app.state.services.close()


def _admin(app) -> TestClient:
    c = TestClient(app, client=("10.9.0.7", 5000))
    token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/signin").text).group(1)
    r = c.post("/signin", data={"email": "u1@example.com", "password": PASSWORD, "csrf_token": token, "next": "/"},
               follow_redirects=False)
    assert r.status_code == 303
    return c


def test_the_detail_page_says_which_days_are_the_reference(app):
    admin, march = _admin(app), "period=month&at=2026-03-15"
    # By default, the 365 days before 1 March 2026: 1 March 2025 to 28 February 2026, without campaigns.
    page = admin.get(f"/kpi/incremental_revenue?{march}").text.replace("\xa0", " ")
    assert ("Periodos de referencia: los 365 días anteriores al periodo (1 mar 2025 – 28 feb 2026) en que no "
            "corría ninguna campaña") in page
    assert "receta" not in page and "artículo 004" not in page
    assert admin.get(f"/kpi/incremental_revenue.json?{march}").json()["reference"].startswith("Periodos de referencia: los 365")
    assert 'data-testid="reference"' not in admin.get(f"/kpi/campaign_roi?{march}").text  # only this KPI reads them
    app.state.services.store.set_setting("baseline_periods", "2026-01-01/2026-02-01,2025-07-01/2025-08-01")
    try:
        page = admin.get(f"/kpi/incremental_revenue?{march}").text.replace("\xa0", " ")
        assert ("Periodos de referencia elegidos: 1 ene 2026 – 31 ene 2026, "
                "1 jul 2025 – 31 jul 2025.") in page
        assert "baseline_periods" not in page  # a setting's name is never shown
    finally:
        app.state.services.store.set_setting("baseline_periods", "")
