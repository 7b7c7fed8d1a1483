""""Mi día" (/today), the task list (/tasks) and survey links (/accounts/{id}/survey-link, the public
/s/{token}) of the CRM workspace (issue 15), per role, on DuckDB and PostgreSQL; hostile input; the
e-mail through a real local SMTP server; the NPS tile moving after an answer; one Chromium run."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient

from conftest import ARTIFACTS, csrf_of  # noqa: E402
from test_workspace_leads import _database, _site, live, workspace_day  # noqa: E402,F401  (the same small demo site; `live` serves one)
from pulso import workspace as ws  # noqa: E402
from support import smtp_server  # noqa: E402

SCRIPT = "<script>alert('x')</script>"
NOW = lambda: dt.datetime.now(dt.timezone.utc)  # noqa: E731  (the workspace's writes use the real clock)


@pytest.fixture(scope="module", params=["duckdb", "postgresql"])
def site(request, tmp_path_factory):
    pg = request.getfixturevalue("pg_server") if request.param == "postgresql" else None
    out = _site(_database(request.param, tmp_path_factory, pg))
    yield out
    out["app"].state.services.close()


def _me(site, role: str) -> ws.Caller:
    return ws.caller_for(site["store"], site["signins"][role]["id"])


def _post(client: TestClient, path: str, data: dict, page: str = "/today"):
    return client.post(path, data={**data, "csrf_token": csrf_of(client.get(page).text)}, follow_redirects=False)


def _day(client: TestClient, query: str = "") -> dict:
    response = client.get("/today.json" + query)
    assert response.status_code == 200, response.text
    return response.json()


# -- Mi día -------------------------------------------------------------------------------------------


def test_each_role_opens_its_day_and_mi_dia_leads_the_navigation(site):
    for role, client in site["clients"].items():
        response = client.get("/today")
        assert response.status_code == 200, role
        nav = re.search(r'<nav class="side".*?</nav>', response.text, re.S).group(0)
        assert re.findall(r'data-page="([a-z_]+)"', nav)[0] == "today"
        assert _day(client)["person"] == site["signins"][role]["id"]
    viewer = site["clients"]["viewer"].get("/today").text
    assert "/today/leads/" not in viewer and "/today/tasks/" not in viewer and "/today/tickets/" not in viewer


def test_a_waiting_lead_says_how_long_in_words_and_one_click_logs_the_call(site):
    rep, client = _me(site, "rep"), site["clients"]["rep"]
    fresh = ws.create_lead(site["store"], rep, {"name": "Lola " + SCRIPT}, now=NOW() - dt.timedelta(hours=3, minutes=10))
    old = ws.create_lead(site["store"], rep, {"name": "Pablo Viejo"}, now=NOW() - dt.timedelta(hours=50))
    day = _day(client)
    waiting = {r["id"]: r for r in day["leads"]}
    assert waiting[fresh["id"]]["waiting"] == "hace 3 h" and waiting[old["id"]]["waiting"] == "hace 2 días"
    html = client.get("/today").text
    assert SCRIPT not in html and "Lola &lt;script&gt;" in html
    response = _post(client, f"/today/leads/{fresh['id']}/call", {"idle": "30"})
    assert response.status_code == 303 and response.headers["location"] == "/today?idle=30&done=call"
    after = client.get(response.headers["location"])
    assert 'data-testid="notice"' in after.text and "Llamada registrada" in after.text
    assert fresh["id"] not in {r["id"] for r in _day(client)["leads"]}
    calls = [a for a in site["store"].rows("activities") if a["lead_id"] == fresh["id"]]
    assert [(a["type"], a["direction"]) for a in calls] == [("call", "outbound")]


def test_tasks_due_and_overdue_are_marked_done_from_the_day(site):
    rep, client = _me(site, "rep"), site["clients"]["rep"]
    yesterday = (NOW() - dt.timedelta(days=1)).date().isoformat()
    task = ws.add_task(site["store"], rep, {"outcome": "Llamar a Ana", "due_at": yesterday})
    day = _day(client)
    mine = next(t for t in day["tasks"] if t["id"] == task["id"])
    assert mine["overdue"] is True and mine["title"] == "Llamar a Ana"
    assert _post(client, f"/today/tasks/{task['id']}/done", {}).headers["location"] == "/today?done=task"
    assert task["id"] not in {t["id"] for t in _day(client)["tasks"]}
    done = next(a for a in site["store"].rows("activities") if a["id"] == task["id"])
    assert done["done_at"] is not None


def test_tickets_waiting_are_marked_responded_and_idle_deals_follow_the_days_asked(site):
    rep, client = _me(site, "rep"), site["clients"]["rep"]
    ticket = ws.create_ticket(site["store"], rep, {"priority": "high"})
    assert ticket["id"] in {t["id"] for t in _day(client)["tickets"]}
    assert _post(client, f"/today/tickets/{ticket['id']}/respond", {}).status_code == 303
    assert ticket["id"] not in {t["id"] for t in _day(client)["tickets"]}
    assert next(t for t in site["store"].rows("tickets") if t["id"] == ticket["id"])["first_response_at"] is not None
    deal = ws.create_deal(site["store"], rep, {"title": "Nueva hoy", "amount": 100})
    assert deal["id"] not in {d["id"] for d in _day(client, "?idle=1")["deals"]}  # created now: not idle
    day = _day(client, "?idle=1")
    assert day["idle"] == 1 and all(d["idle_days"] >= 1 and d["href"] == f"/deals/{d['id']}" for d in day["deals"])
    assert 'data-testid="open-deal"' in client.get("/today?idle=1").text or not day["deals"]


def test_a_manager_sees_a_team_members_day_but_not_another_teams(site):
    users = {u["id"]: u for u in site["users"]}
    manager = site["signins"]["manager"]["id"]
    team = users[manager]["team_id"]
    member = next(u for u in site["users"] if u["team_id"] == team and u["id"] != manager)
    stranger = next(u for u in site["users"] if u["team_id"] not in (team, None))
    client = site["clients"]["manager"]
    assert _day(client, f"?user={member['id']}")["person"] == member["id"]
    assert member["name"] in client.get(f"/today?user={member['id']}").text
    assert client.get(f"/today?user={stranger['id']}").status_code == 404
    assert site["clients"]["rep"].get(f"/today?user={member['id'] if member['id'] != site['signins']['rep']['id'] else stranger['id']}").status_code == 404
    assert _day(site["clients"]["admin"], f"?user={stranger['id']}")["person"] == stranger["id"]
    picker = re.search(r'data-testid="today-user">(.*?)</select>', client.get("/today").text, re.S).group(1)
    assert set(re.findall(r'value="([^"]+)"', picker)) == {u["id"] for u in site["users"] if u["team_id"] == team}


@pytest.mark.parametrize("query", ["?idle=x", "?idle=0", "?idle=99999", "?user=" + "u" * 65])
def test_a_malformed_day_query_is_a_400(site, query):
    assert site["clients"]["rep"].get("/today" + query).status_code == 400


def test_hostile_posts_to_the_day_change_nothing(site):
    rep, client = _me(site, "rep"), site["clients"]["rep"]
    lead = ws.create_lead(site["store"], rep, {"name": "Sin tocar"})
    before = len(site["store"].rows("activities"))
    stale = client.post(f"/today/leads/{lead['id']}/call", data={"csrf_token": "stale"}, follow_redirects=False)
    assert stale.status_code == 403
    viewer = site["clients"]["viewer"]
    assert _post(viewer, f"/today/leads/{lead['id']}/call", {}).status_code == 403
    other = next(r for r in site["store"].rows("leads") if r["owner_id"] not in (site["signins"]["rep"]["id"], None))
    assert _post(client, f"/today/leads/{other['id']}/call", {}).status_code == 404
    assert _post(client, f"/today/tasks/{SCRIPT}/done", {}).status_code == 404
    assert client.get(f"/today?user={SCRIPT}").status_code == 404
    assert len(site["store"].rows("activities")) == before


# -- tasks --------------------------------------------------------------------------------------------


def test_the_task_list_adds_orders_and_toggles_tasks(site):
    client, rep = site["clients"]["rep"], site["signins"]["rep"]["id"]
    lead = ws.create_lead(site["store"], _me(site, "rep"), {"name": "Lead de la tarea"})
    later = (NOW() + dt.timedelta(days=3)).date().isoformat()
    early = (NOW() - dt.timedelta(days=2)).date().isoformat()
    ok = _post(client, "/tasks/new", {"title": "Enviar " + SCRIPT, "due": later, "about": f"lead_id:{lead['id']}"}, "/tasks")
    assert ok.status_code == 303 and ok.headers["location"] == "/tasks?done=added"
    _post(client, "/tasks/new", {"title": "Atrasada", "due": early}, "/tasks")
    data = client.get("/tasks.json").json()
    titles = [t["title"] for t in data["open"]]
    assert titles.index("Atrasada") < titles.index("Enviar " + SCRIPT)
    assert data["open"][0]["overdue"] is True  # overdue first
    added = next(t for t in data["open"] if t["title"] == "Enviar " + SCRIPT)
    assert added["about"] == {"href": f"/leads/{lead['id']}", "name": "Lead de la tarea"}
    html = client.get("/tasks").text
    assert SCRIPT not in html and "Enviar &lt;script&gt;" in html
    assert _post(client, f"/tasks/{added['id']}/done", {}, "/tasks").headers["location"] == "/tasks?done=done"
    data = client.get("/tasks.json").json()
    assert added["id"] in {t["id"] for t in data["done"]} and added["id"] not in {t["id"] for t in data["open"]}
    assert 'data-testid="tasks-done"' in client.get("/tasks").text
    assert _post(client, f"/tasks/{added['id']}/undone", {}, "/tasks").status_code == 303
    assert added["id"] in {t["id"] for t in client.get("/tasks.json").json()["open"]}
    stored = [a for a in site["store"].rows("activities") if a["type"] == "task" and a["owner_id"] == rep]
    assert {"Atrasada", "Enviar " + SCRIPT} <= {a["outcome"] for a in stored}


def test_a_refused_task_shows_why_next_to_its_field_and_writes_nothing(site):
    client = site["clients"]["rep"]
    before = len(site["store"].rows("activities"))
    missing = _post(client, "/tasks/new", {"title": "Sin fecha", "due": ""}, "/tasks")
    assert missing.status_code == 422 and 'data-field="due"' in missing.text
    bad = _post(client, "/tasks/new", {"title": "x", "due": "2026-13-45"}, "/tasks")
    assert bad.status_code == 422
    odd = _post(client, "/tasks/new", {"title": "x", "due": "2026-12-01", "about": "password:1"}, "/tasks")
    assert odd.status_code == 422 and 'data-field="about"' in odd.text
    other = next(r for r in site["store"].rows("leads") if r["owner_id"] not in (site["signins"]["rep"]["id"], None))
    assert _post(client, "/tasks/new", {"title": "x", "due": "2026-12-01", "about": f"lead_id:{other['id']}"}, "/tasks").status_code == 404
    assert client.post("/tasks/new", data={"title": "x", "due": "2026-12-01", "csrf_token": "old"}).status_code == 403
    viewer = site["clients"]["viewer"]
    assert viewer.get("/tasks").status_code == 200 and 'data-testid="task-new"' not in viewer.get("/tasks").text
    assert _post(viewer, "/tasks/new", {"title": "x", "due": "2026-12-01"}, "/tasks").status_code == 403
    assert len(site["store"].rows("activities")) == before


# -- survey links ------------------------------------------------------------------------------------


def _rep_account(site, **values) -> dict:
    return ws.create_account(site["store"], _me(site, "rep"), {"name": "Cliente Encuesta", **values})


def _link(client: TestClient, account_id: str, **data) -> str:
    response = _post(client, f"/accounts/{account_id}/survey-link", {"kind": "nps", **data}, "/today")
    assert response.status_code == 200, response.text
    return re.search(r'value="http[^"]+/s/([^"]+)"', response.text).group(1)


def _nps(site, since: str):
    """The NPS tile of the days from `since` to the workspace's today (a test may cross midnight)."""
    data = site["clients"]["admin"].get(f"/kpi/nps.json?period=custom&from={since}&to={workspace_day()}").json()
    return data["sections"][0]["tiles"][0]["value"]


def test_a_survey_is_answered_once_in_the_customers_language_and_the_nps_moves(site):
    rep = site["clients"]["rep"]
    account = _rep_account(site, country="GB")
    token = _link(rep, account["id"])
    public = TestClient(site["app"])  # nobody signed in
    page = public.get(f"/s/{token}")
    assert page.status_code == 200 and "How likely are you to recommend us" in page.text
    assert 'class="side"' not in page.text and len(re.findall(r'name="score"', page.text)) == 11
    assert "Cliente Encuesta" not in page.text
    empty = public.post(f"/s/{token}", data={"comment": SCRIPT}, follow_redirects=False)
    assert empty.status_code == 422 and SCRIPT not in empty.text and "&lt;script&gt;" in empty.text
    day = workspace_day()
    assert _nps(site, day) is None  # no answer since the test began (the demo ends long before)
    done = public.post(f"/s/{token}", data={"score": "10", "comment": SCRIPT}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/s/thanks/en"
    assert "Thank you for your answer" in public.get(done.headers["location"]).text
    again = public.post(f"/s/{token}", data={"score": "0"}, headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert again.status_code == 410 and "already been answered" in again.text and "Cliente Encuesta" not in again.text
    assert public.get(f"/s/{token}").status_code == 410
    stored = [r for r in site["store"].rows("survey_responses") if r["account_id"] == account["id"]]
    assert [(r["kind"], r["score"], r["comment"]) for r in stored] == [("nps", 10, SCRIPT)]
    assert _nps(site, day) == pytest.approx(100.0)  # one promoter of one answer: (1 - 0) / 1
    second = _link(rep, account["id"], locale="es")
    assert "¿Qué probabilidad hay de que nos recomiende" in public.get(f"/s/{second}").text
    public.post(f"/s/{second}", data={"score": "3"})
    assert _nps(site, day) == pytest.approx(0.0)  # a promoter and a detractor: (1 - 1) / 2


def test_unknown_and_expired_links_say_so_politely(site):
    account = _rep_account(site)
    old = ws.create_link(site["store"], _me(site, "rep"), account["id"], "csat", days=1,
                         now=NOW() - dt.timedelta(days=2))
    public = TestClient(site["app"])
    expired = public.get(f"/s/{old['token']}")
    assert expired.status_code == 410 and "caducó" in expired.text
    assert public.post(f"/s/{old['token']}", data={"score": "5"}).status_code == 410
    for token in ("x" * 43, "<img src=x onerror=alert(1)>", "a"):
        unknown = public.get(f"/s/{token}", headers={"Accept-Language": "en"})
        assert unknown.status_code == 404 and "does not exist" in unknown.text and "<img" not in unknown.text
    assert not [r for r in site["store"].rows("survey_responses") if r["account_id"] == account["id"]]
    csat = ws.create_link(site["store"], _me(site, "rep"), account["id"], "csat")
    page = public.get(f"/s/{csat['token']}").text
    assert len(re.findall(r'name="score"', page)) == 5 and "Qué tan satisfecho" in page
    assert public.post(f"/s/{csat['token']}", data={"score": "6"}).status_code == 422  # CSAT is 1-5


def test_survey_links_per_role(site):
    account = _rep_account(site)
    viewer = site["clients"]["viewer"]
    assert _post(viewer, f"/accounts/{account['id']}/survey-link", {"kind": "nps"}).status_code == 403
    other = next(r for r in site["store"].rows("accounts") if r["owner_id"] not in (site["signins"]["rep"]["id"], None))
    assert _post(site["clients"]["rep"], f"/accounts/{other['id']}/survey-link", {"kind": "nps"}).status_code == 404
    bad = _post(site["clients"]["rep"], f"/accounts/{account['id']}/survey-link", {"kind": "promoters"})
    assert bad.status_code == 422
    assert site["clients"]["rep"].post(f"/accounts/{account['id']}/survey-link", data={"csrf_token": "x"}).status_code == 403
    page = site["clients"]["rep"].get(f"/accounts/{account['id']}")
    assert page.status_code == 200 and 'data-testid="survey-link-form"' in page.text


def test_the_link_goes_by_e_mail_through_the_workspace_smtp_settings(site):
    rep, store = site["clients"]["rep"], site["store"]
    account = _rep_account(site, email="cliente@example.com", country="MX")
    response = _post(rep, f"/accounts/{account['id']}/survey-link", {"kind": "ces", "send": "email"})
    assert response.status_code == 200 and 'data-testid="survey-problem"' in response.text and "SMTP" in response.text
    assert 'data-testid="survey-url"' in response.text  # the link is shown to copy
    try:
        with smtp_server() as smtp:
            for key, value in (("smtp_host", "127.0.0.1"), ("smtp_port", str(smtp["port"])), ("smtp_from", "pulso@example.com")):
                store.set_setting(key, value)
            sent = _post(rep, f"/accounts/{account['id']}/survey-link", {"kind": "ces", "send": "email"})
    finally:
        store.set_setting("smtp_host", "")
    received = smtp["received"]
    assert sent.status_code == 200 and 'data-testid="survey-emailed"' in sent.text
    url = re.search(r'value="(http[^"]+/s/[^"]+)"', sent.text).group(1)
    assert [m["to"] for m in received] == [["cliente@example.com"]]
    body = received[0]["message"].get_body(("plain",)).get_content()
    assert url in body and "¿Qué tan fácil" in body  # Mexico: in Spanish
    assert received[0]["message"]["Subject"] == "Una pregunta rápida"


# -- Chromium -----------------------------------------------------------------------------------------


def test_in_chromium_the_survey_and_the_day_fit_a_phone(live):
    from playwright.sync_api import sync_playwright

    store, info = live["store"], live["signins"]["rep"]
    rep = ws.caller_for(store, info["id"])
    ws.create_lead(store, rep, {"name": "Marta Espera", "company": "Talleres Norte"}, now=NOW() - dt.timedelta(hours=5))
    ws.add_task(store, rep, {"outcome": "Enviar la propuesta revisada", "due_at": NOW().date().isoformat()})
    account = ws.create_account(store, rep, {"name": "Cliente del móvil"})
    token = ws.create_link(store, rep, account["id"], "nps")["token"]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                    args=["--no-sandbox", "--disable-dev-shm-usage"])
        try:
            phone = browser.new_page(viewport={"width": 390, "height": 844})
            phone.goto(live["base"] + f"/s/{token}")
            assert phone.evaluate("document.documentElement.scrollWidth") <= 390
            box = phone.locator('[data-testid="score-10"] + span').bounding_box()
            assert box["height"] >= 44 and box["width"] >= 40  # a tap target
            phone.screenshot(path=str(ARTIFACTS / "workspace-survey-390.png"), full_page=True)
            phone.click('label:has([data-testid="score-9"])')
            phone.fill('[data-testid="survey-comment"]', "Muy bien")
            phone.click('[data-testid="survey-submit"]')
            phone.wait_for_selector('[data-testid="survey-thanks"]')
            for width in (1280, 390):
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.goto(live["base"] + "/signin")
                page.fill('input[name="email"]', info["email"])
                page.fill('input[name="password"]', info["password"])
                page.click('button[type="submit"]')
                page.goto(live["base"] + "/today")
                page.wait_for_selector('[data-testid="today-leads"]')
                assert "Marta Espera" in page.inner_text('[data-testid="today-leads"]')
                assert page.evaluate("document.documentElement.scrollWidth") <= width
                page.screenshot(path=str(ARTIFACTS / f"workspace-today-{width}.png"), full_page=True)
                page.close()
        finally:
            browser.close()
    answers = [r for r in store.rows("survey_responses") if r["account_id"] == account["id"]]
    assert [(r["score"], r["comment"]) for r in answers] == [(9, "Muy bien")]
