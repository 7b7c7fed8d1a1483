"""The data pages and the upload endpoint, through the app (TestClient) and one real browser."""

from __future__ import annotations

import datetime as dt
import os
import re
import socket
import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from pulso import dedupe, tokens
from pulso.config import Settings
from pulso.store import Store
from pulso.store.schema import CANONICAL_TABLES
from pulso.web.auth import set_password

from .helpers import snapshot

pytestmark = pytest.mark.xdist_group("web-data")
EMAIL, PASSWORD = "ada@example.com", "correct horse battery"
CSV = "Identificador,Título,Estado,Importe,Fecha de creación\nd1,Uno,open,10,2024-01-02\nd2,Dos,open,,2024-01-03\n"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    url = f"duckdb:///{tmp_path_factory.mktemp('webdata') / 'w.duckdb'}"
    with Store(Settings(url)) as store:
        store.init(timezone="Europe/Madrid", currency="EUR")
        store.upsert_many({
            "users": [{"id": "u1", "name": "Ada", "email": EMAIL, "role": "admin", "created_at": "2024-01-01"},
                      {"id": "u2", "name": "Rep", "email": "rep@example.com", "role": "rep", "created_at": "2024-01-01"}],
            "accounts": [{"id": "a1", "name": "Café Martínez", "email": "cafe@martinez.es", "phone": "+34 612 345 678",
                          "created_at": "2024-01-01"},
                         {"id": "a2", "name": "Cafe Martinez", "email": "CAFE@martinez.es", "phone": "612-345-678",
                          "created_at": "2024-03-01"},
                         {"id": "a3", "name": "Otra Empresa", "email": "x@otra.es", "created_at": "2024-01-01"}],
            "deals": [{"id": "dx", "account_id": "a2", "status": "open", "created_at": "2024-03-02"}],
        })
        set_password(store, "u1", PASSWORD)
        secret = tokens.create(store, "sync", role="admin").secret
        viewer = tokens.create(store, "read", role="viewer").secret
    return {"url": url, "token": secret, "viewer": viewer}


@pytest.fixture(scope="module")
def app(workspace):
    from pulso.web import WebSettings, create_app

    app = create_app(WebSettings(store=Settings(workspace["url"]), secret_key="s", strict_i18n=True,
                                 today=dt.date(2024, 6, 30)))
    yield app
    app.state.services.close()


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@pytest.fixture(scope="module")
def admin(app):
    client = TestClient(app)
    client.post("/signin", data={"email": EMAIL, "password": PASSWORD, "csrf_token": csrf(client.get("/signin").text),
                                 "next": "/"}, follow_redirects=False)
    return client


def test_upload_preview_suggests_then_dry_run_then_import(admin, app):
    store = app.state.services.store
    page = admin.get("/data/import")
    assert page.status_code == 200
    preview = admin.post("/data/import/preview", data={"csrf_token": csrf(page.text), "table_name": "deals"},
                         files={"files": ("ventas.csv", CSV.encode(), "text/csv")})
    html = preview.text
    assert 'data-testid="import-preview"' in html
    token = re.search(r'name="token" value="([0-9a-f]+)"', html).group(1)
    picked = {}
    for part in html.split('<select name="col__')[1:]:
        name, body = part.split('"', 1)
        chosen = re.search(r'<option value="([^"]*)" selected', body.split("</select>")[0])
        if chosen:
            picked[name] = chosen.group(1)
    assert picked["id"] == "Identificador" and picked["amount"] == "Importe" and picked["created_at"] == "Fecha de creación"
    form = {"csrf_token": csrf(html), "token": token, "table": "deals", "preset": "",
            **{f"col__{k}": v for k, v in picked.items()}}
    before = app.state.services.run(snapshot, store)
    tried = admin.post("/data/import/run", data={**form, "mode": "dry_run"})
    assert "prueba" in tried.text and app.state.services.run(snapshot, store) == before
    done = admin.post("/data/import/run", data={**form, "mode": "import"})
    assert 'data-testid="import-result"' in done.text and "escrita" in done.text
    assert {"d1", "d2"} <= {r["id"] for r in app.state.services.run(store.rows, "deals")}


def test_bad_file_error_report_escapes_formulas(admin, app):
    page = admin.get("/data/import")
    bad = "id,title,status,created_at\nd9,=HYPERLINK(\"http://x\"),open,2024-01-01\n"
    preview = admin.post("/data/import/preview", data={"csrf_token": csrf(page.text), "table_name": "deals"},
                         files={"files": ("bad.csv", bad.encode(), "text/csv")})
    token = re.search(r'name="token" value="([0-9a-f]+)"', preview.text).group(1)
    done = admin.post("/data/import/run", data={"csrf_token": csrf(preview.text), "token": token, "table": "deals",
                                                "col__id": "id", "col__title": "title", "col__status": "status",
                                                "col__created_at": "created_at", "mode": "import"})
    link = re.search(r'href="(/data/imports/\w+/errors.csv)"', done.text).group(1)
    report = admin.get(link)
    assert report.status_code == 200 and "'=HYPERLINK" in report.text and "bad.csv,2,title" in report.text


def test_api_upload_needs_an_admin_token_and_reports_errors(app, workspace):
    client = TestClient(app)
    store = app.state.services.store
    files = {"files": ("api.csv", b"id,status,created_at\napi1,open,2024-02-01\n", "text/csv")}
    anonymous = client.post("/api/v1/imports", files=files, data={"table": "deals"})
    assert anonymous.status_code == 401, anonymous.text
    denied = client.post("/api/v1/imports", files=files, data={"table": "deals"},
                         headers={"Authorization": f"Bearer {workspace['viewer']}"})
    assert denied.status_code == 403
    auth = {"Authorization": f"Bearer {workspace['token']}"}
    ok = client.post("/api/v1/imports", files=files, data={"table": "deals"}, headers=auth)
    assert ok.status_code == 200 and ok.json()["written"] == {"deals": 1}
    before = app.state.services.run(snapshot, store)
    bad = client.post("/api/v1/imports", headers=auth, data={"table": "deals"},
                      files={"files": ("api.csv", b"id,status,created_at\napi2,maybe,2024-02-01\n", "text/csv")})
    assert bad.status_code == 422 and bad.json()["errors"][0]["line"] == 2
    assert app.state.services.run(snapshot, store) == before


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_browser_finds_merges_and_undoes_a_duplicate(app, workspace):
    """Chromium: the admin finds the planted pair, merges it (the deal moves), then undoes it."""
    import uvicorn
    from playwright.sync_api import sync_playwright

    if not os.path.exists("/usr/bin/chromium"):
        pytest.fail("/usr/bin/chromium is missing: install Debian's chromium (`make system-deps`)")
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    store = app.state.services.store
    # Every CRM table but usage_events, where the app logs the admin's page views.
    watched = [t for t in CANONICAL_TABLES if t != "usage_events"]
    rows_before = {t: app.state.services.run(store.rows, t) for t in watched}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox"])
            page = browser.new_page()
            base = f"http://127.0.0.1:{port}"
            page.goto(base + "/signin")
            page.fill("input[name=email]", EMAIL)
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.goto(base + "/data/duplicates")
            with page.expect_navigation():
                page.click("[data-testid=find-duplicates]")
            dedupe.finding.latest(store).wait()  # finding runs in the background (the page polls it)
            page.goto(base + "/data/duplicates")
            cluster = page.locator("[data-testid=cluster]")
            assert cluster.count() == 1 and "Cafe Martinez" in cluster.inner_text()
            with page.expect_navigation():
                cluster.locator("[data-testid=compare]").click()
            # side by side: the older of two equally complete records survives; the admin keeps a2's e-mail
            assert page.locator("[data-testid=survivor-a1]").is_checked()
            page.locator("[data-testid=pick-email-a2]").check()
            shots = Path(__file__).resolve().parents[2] / "test-artifacts" / "screens"
            shots.mkdir(parents=True, exist_ok=True)
            for width in (1280, 390):
                page.set_viewport_size({"width": width, "height": 900})
                page.screenshot(path=str(shots / f"duplicates-side-by-side-{width}.png"), full_page=True)
                assert page.evaluate("document.documentElement.scrollWidth") <= width
                box = "(e => e.scrollWidth <= e.clientWidth)(document.querySelector('[data-testid=side-by-side] .scroll'))"
                assert page.evaluate(box), width  # the comparison fits: no scrolling inside its box either
            with page.expect_navigation():
                page.click("[data-testid=merge-cluster]")
            deals = app.state.services.run(store.rows, "deals")
            assert next(d for d in deals if d["id"] == "dx")["account_id"] == "a1"
            a1 = next(a for a in app.state.services.run(store.rows, "accounts") if a["id"] == "a1")
            assert (a1["name"], a1["email"]) == ("Café Martínez", "CAFE@martinez.es")
            page.screenshot(path=str(shots / "duplicates-history-390.png"), full_page=True)
            page.set_viewport_size({"width": 1280, "height": 900})
            with page.expect_navigation():
                page.locator("[data-testid^=undo-]").first.click()
            assert "deshecha" in page.content()
            browser.close()
    finally:
        server.should_exit = True
        thread.join(5)
    for t, old in rows_before.items():
        assert app.state.services.run(store.rows, t) == old, t
