"""Every page for every role (allowed and scoped, or refused), JSON twins, CSRF, throttling, XSS."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from conftest import ROLES, XSS, csrf_of, sign_in
from pulso.catalog import load_catalog
from pulso.web import nav

AREAS = [k for k in nav.PAGES if k != "kpi"]
EXPECTED_SCOPE = {"admin": "company", "manager": "team", "rep": "owners", "viewer": "company"}


def path_of(page: str) -> str:
    return nav.PAGES[page][0]


def twin(path: str) -> str:
    return "/index.json" if path == "/" else path + ".json"


def outsiders(web_workspace, role: str, scope: dict) -> list[str]:
    """Names of users whose records this role must never see."""
    users = web_workspace["users"]
    if scope["kind"] == "company":
        return []
    me = web_workspace["signins"][role]
    if scope["kind"] == "owners":
        inside = set(scope["ids"])
    else:
        inside = {u["id"] for u in users if u["team_id"] in scope["ids"]} | {me["id"]}
    names = {u["name"] for u in users if u["id"] not in inside}
    return sorted(n for n in names if n not in me["name"])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", AREAS)
def test_every_page_for_every_role(clients, web_workspace, role, page):
    """Allowed pages answer in HTML and JSON with the role's scope; other pages are refused."""
    client = clients[role]
    html = client.get(path_of(page))
    data = client.get(twin(path_of(page)))
    if not nav.allowed(page, role):
        assert html.status_code == 403 and data.status_code == 403
        assert "error" in data.json()
        return
    assert html.status_code == 200, html.text[:500]
    assert data.status_code == 200
    body = data.json()
    assert body["page"] == page
    assert body["scope"]["kind"] == EXPECTED_SCOPE[role]
    assert body["sections"], "a page with nothing on it"
    for name in outsiders(web_workspace, role, body["scope"]):
        assert name not in data.text and name not in html.text, f"{role} sees {name!r} on {page}"


def test_retention_has_a_cohort_table(clients):
    sections = clients["admin"].get("/retention.json?period=month&at=2026-10-01").json()["sections"]
    cohorts = next(s for s in sections if s["title"] == "Retención por cohorte mensual")
    assert cohorts["type"] == "table" and cohorts["rows"]
    firsts = [row[2]["sort"] for row in cohorts["rows"]]
    assert all(0 < share <= 1 for share in firsts)  # month +0: at most everyone is still a customer


def test_accept_header_gives_the_json_twin(clients):
    response = clients["admin"].get("/sales", headers={"Accept": "application/json"})
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["page"] == "sales"


def test_rep_scope_is_their_own_records(clients, web_workspace):
    body = clients["rep"].get("/index.json").json()
    assert body["scope"] == {"kind": "owners", "ids": [web_workspace["signins"]["rep"]["id"]]}


def test_a_narrower_scope_never_shows_more(clients):
    """Counts and sums of the rep's and the manager's overview never exceed the company's."""
    def values(role):
        tiles = [t for s in clients[role].get("/index.json").json()["sections"] for t in s["tiles"]]
        return {t["key"]: t.get("value") for t in tiles if t["unit"] in ("count", "currency")}

    company = values("admin")
    for role in ("manager", "rep"):
        for key, value in values(role).items():
            if value is not None and company.get(key) is not None:
                assert value <= company[key] + 1e-9, (role, key)


def test_manager_sees_their_team(clients, web_workspace):
    body = clients["manager"].get("/team.json").json()
    manager = web_workspace["signins"]["manager"]["id"]
    teams = {u["team_id"] for u in web_workspace["users"] if u["id"] == manager}
    assert body["scope"]["kind"] == "team"
    leaderboard = next(s for s in body["sections"] if s["type"] == "table")
    names = {row[0]["text"] for row in leaderboard["rows"]}
    team_names = {u["name"] for u in web_workspace["users"] if u["team_id"] in teams or u["id"] == manager}
    team_names |= {"Total del alcance"}
    assert names <= team_names


@pytest.mark.parametrize("role", ROLES)
def test_kpi_detail_is_scoped_and_unowned_kpis_are_refused(clients, role):
    client = clients[role]
    detail = client.get("/kpi/revenue_won.json?period=month&at=2026-10-01")
    assert detail.status_code == 200
    assert detail.json()["scope"]["kind"] == EXPECTED_SCOPE[role]
    unowned = client.get("/kpi/website_visitors.json")
    assert unowned.status_code == (200 if EXPECTED_SCOPE[role] == "company" else 403)


def test_drill_down_records_are_paginated(clients):
    client = clients["admin"]
    first = client.get("/kpi/activities_logged.json?period=year&at=2026-01-01").json()["records"]
    assert first["section"]["rows"] and first["next"]
    second = client.get(first["next"].replace("/kpi/activities_logged?", "/kpi/activities_logged.json?")).json()["records"]
    assert second["page"] == 2
    assert second["section"]["rows"] != first["section"]["rows"]


@pytest.mark.parametrize("key", [k.key for k in load_catalog()])
def test_every_kpi_of_the_catalog_has_a_detail_page(clients, key):
    response = clients["admin"].get(f"/kpi/{key}.json?period=quarter&at=2026-07-01")
    assert response.status_code == 200, response.text[:300]
    body = response.json()
    assert body["explain"]["formula"] and body["sections"][0]["tiles"][0]["key"] == key


def test_unknown_kpi_and_bad_period_are_clear_errors(clients):
    client = clients["admin"]
    missing = client.get("/kpi/close_rte.json")
    assert missing.status_code == 404 and "close_rate" in missing.json()["error"]
    bad = client.get("/sales.json?period=fortnight")
    assert bad.status_code == 400 and "period" in bad.json()["error"]


def test_period_and_filters_come_from_the_query_string(clients):
    body = clients["admin"].get("/sales.json?period=custom&from=2026-01-01&to=2026-03-31&grain=week&source=web").json()
    assert body["period"] == {"kind": "custom", "start": "2026-01-01", "end": "2026-04-01", "grain": "week"}
    assert body["filters"] == {"source": "web"}


def test_signed_out_visitors_are_sent_to_sign_in(web_app):
    client = TestClient(web_app)
    page = client.get("/sales?period=year", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/signin?next=%2Fsales")
    assert client.get("/sales.json").status_code == 401


def test_wrong_password_is_refused(web_app, web_workspace):
    client = TestClient(web_app, client=("10.1.0.1", 5000))
    response = sign_in(client, web_workspace["signins"]["viewer"]["email"], "not-the-password")
    assert response.status_code == 401
    assert "pulso_session" not in response.cookies


def test_forms_without_the_csrf_token_are_refused(web_app, web_workspace):
    info = web_workspace["signins"]["admin"]
    anonymous = TestClient(web_app, client=("10.2.0.1", 5000))
    anonymous.get("/signin")
    refused = anonymous.post("/signin", data={"email": info["email"], "password": info["password"], "csrf_token": "x"})
    assert refused.status_code == 403
    client = TestClient(web_app, client=("10.2.0.2", 5000))
    assert sign_in(client, info["email"], info["password"]).status_code == 303
    assert client.post("/signout", data={}).status_code == 403
    assert client.post("/preferences/language", data={"lang": "en", "csrf_token": "forged"}).status_code == 403
    other = TestClient(web_app, client=("10.2.0.3", 5000))
    sign_in(other, info["email"], info["password"])
    foreign = csrf_of(other.get("/").text)  # a real token, but of another session
    assert client.post("/signout", data={"csrf_token": foreign}).status_code == 403
    assert client.get("/index.json").status_code == 200  # still signed in


def test_sign_out_ends_the_session(web_app, web_workspace):
    info = web_workspace["signins"]["viewer"]
    client = TestClient(web_app, client=("10.3.0.1", 5000))
    sign_in(client, info["email"], info["password"])
    cookie = client.cookies.get("pulso_session")
    token = csrf_of(client.get("/").text)
    assert client.post("/signout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    replay = TestClient(web_app, cookies={"pulso_session": cookie})
    assert replay.get("/index.json").status_code == 401


def test_repeated_failed_sign_ins_are_throttled(web_app, web_workspace):
    info = web_workspace["signins"]["manager"]
    client = TestClient(web_app, client=("10.4.0.1", 5000))
    for _ in range(3):
        assert sign_in(client, info["email"], "wrong-password").status_code == 401
    throttled = sign_in(client, info["email"], info["password"])  # even the right password waits
    assert throttled.status_code == 429
    assert "15" in throttled.text
    from pulso.store import schema

    def forget():  # let the manager in again for other tests
        with web_app.state.services.store.connect() as conn:
            conn.execute(schema.sign_in_failures.delete())

    web_app.state.services.run(forget)


def test_language_switch_is_remembered(web_app, web_workspace):
    info = web_workspace["signins"]["viewer"]
    client = TestClient(web_app, client=("10.5.0.1", 5000))
    sign_in(client, info["email"], info["password"])
    assert ">Resumen<" in client.get("/").text
    token = csrf_of(client.get("/").text)
    client.post("/preferences/language", data={"lang": "en", "next": "/", "csrf_token": token})
    again = TestClient(web_app, client=("10.5.0.2", 5000))
    sign_in(again, info["email"], info["password"])
    page = again.get("/").text
    assert ">Overview<" in page and ">Resumen<" not in page
    token = csrf_of(page)
    again.post("/preferences/language", data={"lang": "es", "next": "/", "csrf_token": token})


def test_a_customer_named_like_a_script_is_shown_as_text(clients):
    for role in ("admin", "rep"):
        for path in ("/kpi/revenue_won?period=month&at=2026-10-01", "/kpi/new_customers?period=month&at=2026-10-01",
                     "/kpi/revenue_won?period=month&at=2026-10-01&by=owner"):
            html = clients[role].get(path).text
            assert XSS not in html
        html = clients[role].get("/kpi/revenue_won?period=month&at=2026-10-01").text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    data = clients["admin"].get("/kpi/revenue_won.json?period=month&at=2026-10-01").json()
    assert any(c["text"] == XSS for row in data["records"]["section"]["rows"] for c in row)


def test_cached_results_follow_every_write(web_app, clients, web_workspace):
    client = clients["admin"]
    url = "/kpi/revenue_won.json?period=month&at=2026-10-01"
    before = client.get(url).json()["sections"][0]["tiles"][0]["value"]
    assert client.get(url).json()["sections"][0]["tiles"][0]["value"] == before  # served from the cache
    store = web_app.state.services.store
    deal = next(d for d in web_app.state.services.run(store.rows, "deals") if d["id"] == "deal-xss")
    web_app.state.services.run(store.upsert, "deals", [{"id": "deal-xss", "amount": float(deal["amount"]) + 1000}])
    after = client.get(url).json()["sections"][0]["tiles"][0]["value"]
    assert after == pytest.approx(before + 1000)
    web_app.state.services.run(store.upsert, "deals", [{"id": "deal-xss", "amount": float(deal["amount"])}])


def test_security_headers(clients):
    response = clients["admin"].get("/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    cookie_client = TestClient(clients["admin"].app, client=("10.6.0.1", 5000))
    signin = cookie_client.get("/signin")
    header = signin.headers["set-cookie"].lower()
    assert "httponly" in header and "samesite=lax" in header


def test_sparklines_come_after_the_page_and_keep_the_scope(clients):
    keys = "revenue_won,website_visitors"
    admin = clients["admin"].get(f"/sparklines.json?period=month&at=2026-10-01&keys={keys}").json()
    assert set(admin["series"]) == {"revenue_won", "website_visitors"}
    assert len(admin["series"]["revenue_won"]) == 12
    rep = clients["rep"].get(f"/sparklines.json?period=month&at=2026-10-01&keys={keys}").json()
    assert set(rep["series"]) == {"revenue_won"}
    fragment = clients["rep"].get(f"/sparklines?period=month&at=2026-10-01&keys={keys}").text
    assert 'id="spark-revenue_won"' in fragment and 'hx-swap-oob="true"' in fragment


def test_sign_in_only_sends_people_back_to_this_site(web_app, web_workspace):
    info = web_workspace["signins"]["viewer"]
    for target in ("//evil.example", "/\\evil.example", "https://evil.example/"):
        client = TestClient(web_app, client=("10.7.0.1", 5000))
        token = csrf_of(client.get("/signin").text)
        response = client.post("/signin", data={"email": info["email"], "password": info["password"],
                                                "csrf_token": token, "next": target}, follow_redirects=False)
        assert response.headers["location"] == "/"
