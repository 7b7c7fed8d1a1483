"""Issue 17's end-to-end check: a fresh, empty workspace set up in the browser alone (docs/web.md,
"Setting up in the browser"). Nobody can sign in to a new workspace, so `pulso serve` prints a
one-time set-up link (pulso.web.routes.setup.offer, the function it calls); the test opens it in
Debian's Chromium and, from there on, only clicks and types: the first admin, two imports, two
flagged rows fixed, a duplicate pair merged and undone, a team and a user, a goal and an alert rule
with the pickers, the monthly report scheduled, the fiscal year moved to April. Screenshots at 1280
and 390 px of each step's page: test-artifacts/screens/setup-*.png. A few route tests cover what a
browser adds nothing to (a wrong or used link, the CSRF token, a second claim)."""

from __future__ import annotations

import re
import socket
import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from conftest import csrf_of  # noqa: E402
from support import make_store  # noqa: E402
from test_browser import browser  # noqa: E402,F401  (Debian's Chromium, headless)
from pulso.config import Settings  # noqa: E402

SCREENS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screens"
ADMIN = {"name": "Marta Vidal", "email": "marta@talleres-vidal.es", "password": "tornillos y tuercas de acero"}
# Five customers: two are one shop typed twice (same e-mail and phone), two came without a source
# (the rule "customers without a source" flags them), one is complete.
ACCOUNTS = """id,name,email,phone,source,created_at
acc-1,Ferretería López,compras@ferreterialopez.es,+34 911 000 001,web,2026-04-02
acc-2,Ferreteria Lopez,compras@ferreterialopez.es,+34 911 000 001,web,2026-04-20
acc-3,Panadería Sol,hola@panaderiasol.es,+34 911 000 003,,2026-05-03
acc-4,Taller Ruiz,info@tallerruiz.es,+34 911 000 004,,2026-05-10
acc-5,Librería Norte,libros@norte.es,+34 911 000 005,referral,2026-05-12
"""
# Two deals won in the calendar's second quarter (1,200 + 800 = 2,000 €), one open.
DEALS = """id,account_id,title,amount,currency,status,kind,created_at,closed_at
deal-1,acc-1,Pedido de herramientas,1200,EUR,won,new,2026-04-03,2026-05-20
deal-2,acc-3,Hornos,800,EUR,won,new,2026-05-04,2026-06-10
deal-3,acc-5,Estanterías,500,EUR,open,new,2026-05-13,
"""


def _app(url: str):
    from pulso.web import WebSettings, create_app

    return create_app(WebSettings(store=Settings(url), secret_key="setup-secret", strict_i18n=True))


@pytest.fixture
def fresh(tmp_path, request):
    """An app on a new, empty workspace (its own: the route tests change who may set it up)."""
    store = make_store("duckdb", tmp_path, request, timezone="Europe/Madrid")
    url = str(store.engine.url)
    store.close()
    app = _app(url)
    yield app
    app.state.services.close()


def _form(client: TestClient, token: str) -> str:
    page = client.get(f"/setup/{token}")
    assert page.status_code == 200, page.text[:300]
    return csrf_of(page.text)


def test_a_new_workspace_offers_one_link_that_makes_one_admin(fresh):
    from pulso.web.routes.setup import offer

    token = offer(fresh)
    assert token and len(token) >= 40
    client = TestClient(fresh)
    assert client.get("/setup/" + "x" * 43).status_code == 404
    csrf = _form(client, token)
    sent = {"name": ADMIN["name"], "email": ADMIN["email"], "password": ADMIN["password"], "repeat": ADMIN["password"]}
    # without the form's CSRF token: refused, nobody added
    assert client.post(f"/setup/{token}", data=sent, follow_redirects=False).status_code == 403
    # a weak password: said on the page, nobody added
    weak = client.post(f"/setup/{token}", data={**sent, "password": "short", "repeat": "short", "csrf_token": csrf})
    assert weak.status_code == 422 and "demasiado corta" in weak.text
    assert fresh.state.services.store.rows("users") == []
    done = client.post(f"/setup/{token}", data={**sent, "csrf_token": csrf}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/"
    users = fresh.state.services.store.rows("users")
    assert [(u["name"], u["email"], u["role"], u["active"]) for u in users] == [
        (ADMIN["name"], ADMIN["email"], "admin", True)]
    assert client.get("/admin/users").status_code == 200  # signed in, as an admin
    # the link is used up, for anybody, and a restart offers none: an admin can sign in now
    other = TestClient(fresh)
    gone = other.get(f"/setup/{token}?lang=en")
    assert gone.status_code == 404 and "This link no longer works" in gone.text and token not in gone.text
    again = other.post(f"/setup/{token}", data={**sent, "email": "otra@x.es", "csrf_token": csrf_of(other.get("/signin").text)})
    assert again.status_code == 404 and len(fresh.state.services.store.rows("users")) == 1
    assert offer(fresh) is None


def test_a_user_from_a_crm_import_without_a_password_becomes_the_admin(fresh):
    from pulso.web.routes.setup import offer

    store = fresh.state.services.store
    store.upsert_many({"users": [{"id": "crm-7", "name": "Marta V.", "email": "MARTA@talleres-vidal.es", "role": "rep",
                                  "active": True, "created_at": "2026-01-01T00:00:00"}]})
    token = offer(fresh)
    assert token  # a user nobody can sign in as does not manage Pulso
    client = TestClient(fresh)
    done = client.post(f"/setup/{token}", data={"name": ADMIN["name"], "email": ADMIN["email"], "password": ADMIN["password"],
                                               "repeat": ADMIN["password"], "csrf_token": _form(client, token)},
                       follow_redirects=False)
    assert done.status_code == 303
    assert [(u["id"], u["name"], u["role"]) for u in store.rows("users")] == [("crm-7", ADMIN["name"], "admin")]


def _serve(app):
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


def _count(page, rule: str) -> int:
    """The count the quality page shows for a rule (a link to its rows while it is not 0)."""
    return int(page.locator(f'li[data-rule="{rule}"] .q-line strong').inner_text())


def test_a_fresh_workspace_set_up_in_the_browser_alone(fresh, browser):
    from pulso.web.routes.setup import offer

    token = offer(fresh)  # what `pulso serve` prints on a workspace nobody can manage yet
    server, thread, base = _serve(fresh)
    SCREENS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()

    def shot(step: str) -> None:
        """The step's page at 1280 and 390 px, with no sideways scroll on a phone."""
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(SCREENS / f"setup-{step}-{width}.png"), full_page=True)
            assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, (step, width)
        page.set_viewport_size({"width": 1280, "height": 900})

    try:
        # 1. the first admin, from the link
        page.goto(f"{base}/setup/{token}")
        shot("1-first-admin")
        page.fill("[data-testid=setup-name]", ADMIN["name"])
        page.fill("[data-testid=setup-email]", ADMIN["email"])
        page.fill("[data-testid=setup-password]", ADMIN["password"])
        page.fill("[data-testid=setup-repeat]", ADMIN["password"])
        page.click("[data-testid=setup-submit]")
        page.wait_for_url(base + "/")
        assert ADMIN["name"] in page.content()

        # 2. two imports: customers, then deals
        for table, body, rows in (("accounts", ACCOUNTS, 5), ("deals", DEALS, 3)):
            page.goto(base + "/data/import")
            page.set_input_files("[data-testid=upload]", files=[{"name": f"{table}.csv", "mimeType": "text/csv",
                                                                 "buffer": body.encode()}])
            page.select_option("select[name=table_name]", table)
            page.click("[data-testid=preview]")
            page.click("[data-testid=do-import]")
            result = page.locator("[data-testid=import-result]")
            assert result.is_visible(), page.locator("main").inner_text()[:800]
            assert re.search(rf"\b{rows}\b", result.inner_text()), result.inner_text()
            shot(f"2-import-{table}")
        assert len(fresh.state.services.store.rows("accounts")) == 5
        assert len(fresh.state.services.store.rows("deals")) == 3

        # 3. the two customers without a source, fixed on the quality page: the count drops by 2
        page.goto(base + "/data/quality?table=accounts")
        assert _count(page, "accounts.no_source") == 2
        shot("3-quality")
        page.click('a[href="/data/quality/accounts.no_source"]')
        for _ in range(2):
            row = page.locator("tr[data-id]").first
            row.locator("select[name=value]").select_option("referral")
            row.locator("button[type=submit]").click()
            page.wait_for_url("**fixed=1")
        shot("3-quality-fixed")
        page.goto(base + "/data/quality?table=accounts")
        assert _count(page, "accounts.no_source") == 0
        assert {a["id"]: a["source"] for a in fresh.state.services.store.rows("accounts")}.keys() == {
            "acc-1", "acc-2", "acc-3", "acc-4", "acc-5"}

        # 4. the shop typed twice: found, compared side by side, merged, and the merge undone
        store = fresh.state.services.store
        page.goto(base + "/data/duplicates")
        with page.expect_navigation():
            page.click("[data-testid=find-duplicates]")
        page.wait_for_selector("[data-testid=finding-done]", timeout=120_000)  # the page refreshes itself
        cluster = page.locator("[data-testid=cluster]")
        assert cluster.count() == 1 and "Ferretería López" in cluster.inner_text(), cluster.all_inner_texts()
        shot("4-duplicates")
        with page.expect_navigation():
            cluster.locator("[data-testid=compare]").click()
        assert page.locator("[data-testid=survivor-acc-1]").is_checked()  # as complete as acc-2, and older
        shot("4-side-by-side")
        with page.expect_navigation():
            page.click("[data-testid=merge-cluster]")
        assert sorted(a["id"] for a in store.rows("accounts")) == ["acc-1", "acc-3", "acc-4", "acc-5"]
        history = page.locator("[data-testid=history]").inner_text()
        assert "Ferreteria Lopez" in history and "Ferretería López" in history, history
        shot("4-merged")
        with page.expect_navigation():
            page.locator("[data-testid^=undo-]").first.click()
        assert "deshecha" in page.content()
        assert sorted(a["id"] for a in store.rows("accounts")) == ["acc-1", "acc-2", "acc-3", "acc-4", "acc-5"]
        page.goto(base + "/accounts")
        listed = page.locator("main").inner_text()
        assert "Ferreteria Lopez" in listed and "Ferretería López" in listed
        shot("4-undone")

        # 5. a team, then a user in it
        page.goto(base + "/admin/users")
        page.fill("[data-testid=team-name]", "Ventas Norte")
        page.click("[data-testid=team-add]")
        page.wait_for_load_state()
        page.fill("[data-testid=user-name]", "Lucía Gómez")
        page.fill("[data-testid=user-email]", "lucia@talleres-vidal.es")
        page.select_option("[data-testid=user-role]", "rep")
        page.select_option("[data-testid=user-team]", label="Ventas Norte")
        page.click("[data-testid=user-add]")
        assert "/welcome/" in page.locator("[data-testid=users-link-url]").inner_text()
        listed = page.locator("[data-testid=users-list]").inner_text()
        assert "Lucía Gómez" in listed and "Ventas Norte" in listed
        shot("5-users")

        # 6. a goal with the KPI picker (searched in Spanish) and the scope picker (the team, by name)
        page.goto(base + "/goals")
        page.fill("[data-filter-for=goal-kpi]", "cierre")
        page.select_option("#goal-kpi", "close_rate")
        page.select_option("#goal-scope", label="Ventas Norte")
        page.fill("#goal-target", "30")
        page.fill("#goal-start", "2026-04-01")
        page.fill("#goal-deadline", "2026-07-01")
        page.locator("[data-testid=goal-form] button[type=submit]").click()
        goals = page.locator("[data-testid=goals]").inner_text()
        assert "Tasa de cierre" in goals and "Ventas Norte" in goals and "30,0" in goals, goals
        shot("6-goal")

        # 7. an alert rule: the new revenue of the team under 1.000 € in a month
        page.goto(base + "/alerts")
        page.select_option("#rule-kind", "threshold")
        page.select_option("#rule-kpi", "revenue_won")
        page.select_option("#rule-scope", label="Ventas Norte")
        page.fill("[name='threshold.threshold']", "1000")
        page.locator("[data-testid=rule-form] button[type=submit]").click()
        rules = page.locator("main").inner_text()
        assert "Ingresos nuevos" in rules and "Ventas Norte" in rules and "1000" in rules.replace(".", ""), rules[:2000]
        shot("7-alert-rule")

        # 8. the monthly report, e-mailed
        page.goto(base + "/reports")
        page.fill("[data-testid=schedule-form] input[name=name]", "Informe mensual")
        page.select_option("[data-testid=schedule-form] select[name=frequency]", "month")
        page.fill("[data-testid=schedule-form] input[name=recipients]", "marta@talleres-vidal.es")
        page.locator("[data-testid=schedule-form] button[type=submit]").click()
        schedules = page.locator("[data-testid=schedules]").inner_text()
        assert "Informe mensual" in schedules and "marta@talleres-vidal.es" in schedules, schedules
        shot("8-report")

        # 9. the fiscal year starts in April: 15 May 2026, in the calendar's second quarter, falls in the
        # fiscal year's first, and its year runs from 1 April 2026 to 31 March 2027 (end exclusive)
        kpi = base + "/kpi/revenue_won?period={}&at=2026-05-15"

        def period(kind: str) -> tuple[str, str, str]:
            """The period's name on the page, and its bounds in the page's JSON twin."""
            page.goto(kpi.format(kind))
            twin = page.request.get(kpi.format(kind), headers={"accept": "application/json"}).json()["period"]
            return page.locator("[data-testid=period-label]").inner_text(), twin["start"], twin["end"]

        assert period("quarter") == ("T2 2026", "2026-04-01", "2026-07-01")
        assert period("year") == ("2026", "2026-01-01", "2027-01-01")
        page.goto(base + "/admin/settings")
        page.select_option("[data-testid=fiscal-year-start]", "4")
        page.click("[data-testid=save-general]")
        assert page.locator("[data-testid=settings-notice]").is_visible()
        shot("9-settings")
        assert period("quarter") == ("T1 del ejercicio 2026-27", "2026-04-01", "2026-07-01")
        shot("9-fiscal-quarter")
        page.click("[aria-label='Periodo siguiente']")  # the next quarter starts on 1 July
        assert page.locator("[data-testid=period-label]").inner_text() == "T2 del ejercicio 2026-27"
        assert "at=2026-07-01" in page.url
        assert period("year") == ("Ejercicio 2026-27", "2026-04-01", "2027-04-01")
        assert "2.000" in page.locator("main").inner_text()  # both won deals (1.200 € + 800 €) fall in it
        shot("9-fiscal-year")
    finally:
        context.close()
        server.should_exit = True
        thread.join(10)
