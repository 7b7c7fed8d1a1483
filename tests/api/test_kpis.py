"""KPIs through the API: catalog, values, drill-down, explanations, CSV exports, and a rep's
token never seeing another rep's records through any split, filter or drill-down."""

from __future__ import annotations

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest

from pulso.catalog import load_catalog

pytestmark = pytest.mark.xdist_group("api")

ROLES = ("admin", "manager", "rep", "viewer")
MADRID = ZoneInfo("Europe/Madrid")
START, END = dt.datetime(2026, 1, 1, tzinfo=MADRID), dt.datetime(2026, 11, 1, tzinfo=MADRID)
PERIOD = {"from": "2026-01-01", "to": "2026-10-31"}


@pytest.fixture(scope="module")
def deals(demo_api) -> list[dict]:
    store = demo_api.store()
    return demo_api.run(store.rows, "deals")


def won_in_period(deals, owners):
    return [d for d in deals if d["status"] == "won" and d["closed_at"] is not None
            and START <= d["closed_at"] < END and (owners is None or d["owner_id"] in owners)]


def test_catalog_lists_every_kpi_and_what_the_scope_can_compute(demo_api):
    catalog = load_catalog()
    keys = [k.key for k in (catalog.values() if isinstance(catalog, dict) else catalog)]
    admin = demo_api.clients["admin"].get("/api/v1/kpis").json()
    assert [k["key"] for k in admin["kpis"]] == keys and all(k["available"] for k in admin["kpis"])
    rep = {k["key"]: k for k in demo_api.clients["rep"].get("/api/v1/kpis").json()["kpis"]}
    assert rep["revenue_won"]["available"] and not rep["website_visitors"]["available"]
    assert rep["close_rate"]["name"]["en"] == "Close (win) rate"


@pytest.mark.parametrize("role", ROLES)
def test_revenue_won_is_the_scope_sum(demo_api, deals, owners, role):
    expected = sum(float(d["amount"]) for d in won_in_period(deals, owners[role]))
    body = demo_api.clients[role].get("/api/v1/kpis/revenue_won/values", params=PERIOD).json()
    assert len(body["rows"]) == 1 and body["rows"][0]["period_start"] == "2026-01-01"
    assert body["rows"][0]["value"] == pytest.approx(expected)


def test_monthly_values_split_by_owner_add_up(demo_api, deals):
    body = demo_api.clients["admin"].get("/api/v1/kpis/revenue_won/values",
                                         params={**PERIOD, "grain": "month", "by": "owner"}).json()
    assert body["columns"][:3] == ["period_start", "period_end", "owner"]
    march = [r for r in body["rows"] if r["period_start"] == "2026-03-01"]
    want: dict[str, float] = {}
    for d in won_in_period(deals, None):
        if d["closed_at"].astimezone(MADRID).month == 3:
            want[d["owner_id"]] = want.get(d["owner_id"], 0) + float(d["amount"])
    assert {r["owner"]: r["value"] for r in march if r["value"]} == pytest.approx(want)


@pytest.mark.parametrize("key, by", [("revenue_won", "owner"), ("close_rate", "team"), ("activities_logged", "owner"),
                                     ("tickets_opened", "owner"), ("nps", "owner"), ("leads_created", "owner")])
def test_a_rep_never_sees_another_rep_through_a_split(demo_api, key, by):
    rep = demo_api.ids["rep"]
    rep_team = next(u["team_id"] for u in demo_api.users if u["id"] == rep)
    body = demo_api.clients["rep"].get(f"/api/v1/kpis/{key}/values", params={**PERIOD, "grain": "month", "by": by}).json()
    seen = {r[by] for r in body["rows"] if r["value"] is not None or r["denominator"]}
    assert seen <= ({rep, None} if by == "owner" else {rep_team, None})


@pytest.mark.parametrize("key", ["revenue_won", "close_rate", "activities_logged", "tickets_opened", "leads_created",
                                 "new_customers", "average_order_value"])
@pytest.mark.parametrize("part", ["numerator", "denominator"])
def test_a_rep_never_sees_another_rep_through_a_drill_down(demo_api, key, part):
    rep = demo_api.ids["rep"]
    got = demo_api.clients["rep"].get(f"/api/v1/kpis/{key}/drill", params={**PERIOD, "part": part, "limit": 1000})
    assert got.status_code == 200
    assert all(r["owner"] == rep for r in got.json()["records"])


def test_filtering_by_another_owner_gives_a_rep_nothing(demo_api, deals):
    rep = demo_api.ids["rep"]
    other = next(d["owner_id"] for d in won_in_period(deals, None) if d["owner_id"] != rep)
    client = demo_api.clients["rep"]
    values = client.get("/api/v1/kpis/revenue_won/values", params={**PERIOD, "where": f"owner:{other}"}).json()
    assert values["rows"][0]["value"] in (None, 0)
    assert client.get("/api/v1/kpis/revenue_won/drill", params={**PERIOD, "where": f"owner:{other}"}).json()["records"] == []
    admin = demo_api.clients["admin"].get("/api/v1/kpis/revenue_won/values", params={**PERIOD, "where": f"owner:{other}"})
    assert admin.json()["rows"][0]["value"] == pytest.approx(sum(float(d["amount"]) for d in won_in_period(deals, {other})))


def test_drill_lists_the_won_deals(demo_api, deals, owners):
    got = demo_api.clients["manager"].get("/api/v1/kpis/revenue_won/drill", params={**PERIOD, "limit": 1000}).json()
    assert {r["id"] for r in got["records"]} == {d["id"] for d in won_in_period(deals, owners["manager"])}
    page = demo_api.clients["manager"].get("/api/v1/kpis/revenue_won/drill", params={**PERIOD, "limit": 2, "offset": 1}).json()
    assert [r["id"] for r in page["records"]] == [r["id"] for r in got["records"][1:3]]


def test_csv_exports_are_audited(demo_api, deals, owners):
    client = demo_api.clients["manager"]
    response = client.get("/api/v1/kpis/revenue_won/values", params={**PERIOD, "format": "csv"})
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert float(rows[0]["value"]) == pytest.approx(sum(float(d["amount"]) for d in won_in_period(deals, owners["manager"])))
    drill = client.get("/api/v1/kpis/revenue_won/drill", params={**PERIOD, "format": "csv", "limit": 5})
    assert drill.text.splitlines()[0].startswith("table,id,at")
    entries = demo_api.clients["admin"].get("/api/v1/audit", params={"action": "export.*"}).json()["entries"]
    actions = [(e["action"], e["target_id"], e["actor_kind"]) for e in entries[:2]]
    assert actions == [("export.kpi_drill", "revenue_won", "token"), ("export.kpi_values", "revenue_won", "token")]


def test_explain_gives_the_formula_and_the_sql(demo_api):
    body = demo_api.clients["rep"].get("/api/v1/kpis/close_rate/explain", params={"lang": "es"}).json()
    assert body["dialect"] == "duckdb" and body["sql"].lstrip().upper().startswith(("SELECT", "WITH"))
    assert body["lang"] == "es" and body["formula"]


@pytest.mark.parametrize("path, params, status, code, field", [
    ("/api/v1/kpis/revenue_wonn/values", {}, 404, "unknown_kpi", "key"),
    ("/api/v1/kpis/revenue_won;DROP/values", {}, 400, "invalid_parameter", "key"),
    ("/api/v1/kpis/revenue_won/values", {"by": "password"}, 400, "unknown_dimension", "by"),
    ("/api/v1/kpis/revenue_won/values", {"by": ["owner", "owner"]}, 400, "invalid_parameter", "by"),
    ("/api/v1/kpis/revenue_won/values", {"where": "owner"}, 400, "invalid_parameter", "where"),
    ("/api/v1/kpis/revenue_won/values", {"where": "1=1 OR owner:x"}, 400, "unknown_dimension", "where"),
    ("/api/v1/kpis/revenue_won/values", {"grain": "fortnight"}, 400, "invalid_parameter", "grain"),
    ("/api/v1/kpis/revenue_won/values", {"from": "2026-02-30"}, 400, "invalid_parameter", "from"),
    ("/api/v1/kpis/revenue_won/values", {"from": "2026-05-01", "to": "2026-04-01"}, 400, "invalid_period", "to"),
    ("/api/v1/kpis/revenue_won/values", {"from": "1000-01-01"}, 400, "invalid_period", "from"),
    ("/api/v1/kpis/revenue_won/values", {"from": "2000-01-01", "to": "2026-01-01"}, 400, "invalid_period", "to"),
    ("/api/v1/kpis/revenue_won/values", {"to": "99999-01-01"}, 400, "invalid_parameter", "to"),
    ("/api/v1/kpis/revenue_won/values", {"format": "xml"}, 400, "invalid_parameter", "format"),
    ("/api/v1/kpis/revenue_won/drill", {"limit": 10 ** 20}, 400, "invalid_parameter", "limit"),
    ("/api/v1/kpis/revenue_won/drill", {"part": "everything"}, 400, "invalid_parameter", "part"),
    ("/api/v1/kpis/revenue_won/explain", {"lang": "fr"}, 400, "invalid_parameter", "lang"),
])
def test_hostile_kpi_parameters(demo_api, path, params, status, code, field):
    before = demo_api.run(demo_api.store().counts)
    response = demo_api.clients["admin"].get(path, params=params)
    assert response.status_code == status, response.text[:300]
    error = response.json()["error"]
    assert (error["code"], error["field"]) == (code, field)
    assert demo_api.run(demo_api.store().counts) == before


def test_a_sql_fragment_as_a_filter_value_matches_nothing(demo_api):
    before = demo_api.run(demo_api.store().counts)
    body = demo_api.clients["admin"].get("/api/v1/kpis/revenue_won/values",
                                         params={**PERIOD, "where": "source:web' OR '1'='1"}).json()
    assert body["rows"][0]["value"] in (None, 0)
    assert demo_api.run(demo_api.store().counts) == before
