"""Data quality you can act on (issue 17 item 5): each rule's count opens the rows behind it inside
the reader's scope, with names and links; rows are fixed inline or in bulk through pulso.workspace
(CSRF, hostile input refused with the store unchanged); the JSON twin and the API operation; field
names as labels and numbers in the reader's language. A small demo site on DuckDB (the rules
themselves run on both backends in tests/quality/test_quality_states.py)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient


from conftest import csrf_of  # noqa: E402
from test_screen_defects import visible_text  # noqa: E402  (a page's text as a reader sees it)
from test_workspace_leads import _database, _site  # noqa: E402  (the same small demo site)
from pulso import audit, tokens  # noqa: E402

RULE = "leads.no_source"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = _site(_database("duckdb", tmp_path_factory, None))
    rep, admin = out["signins"]["rep"]["id"], out["signins"]["admin"]["id"]
    out["store"].upsert_many({"leads": [
        {"id": "q-1", "name": "Quintina Uno", "owner_id": rep, "created_at": "2026-10-20T10:00:00"},
        {"id": "q-2", "name": "Quintín Dos", "owner_id": rep, "created_at": "2026-10-21T10:00:00"},
        {"id": "q-3", "name": "Quique Tres", "owner_id": admin, "created_at": "2026-10-22T10:00:00"},
        {"id": "q-4", "name": "Quima Cuatro", "owner_id": rep, "created_at": "2026-10-23T10:00:00", "source": "web"},
    ]})
    yield out
    out["app"].state.services.close()


def _listed(client: TestClient, rule: str = RULE, page: int = 1) -> dict:
    response = client.get(f"/data/quality/{rule}.json?page={page}")
    assert response.status_code == 200, response.text[:300]
    return response.json()


def _all_ids(client: TestClient, rule: str = RULE) -> set[str]:
    first = _listed(client, rule)
    out = {r["id"] for r in first["rows"]}
    for page in range(2, first["pages"] + 1):
        out |= {r["id"] for r in _listed(client, rule, page)["rows"]}
    assert len(out) == first["count"]
    return out


def _source(site, lead_id: str):
    return next(x["source"] for x in site["store"].rows("leads") if x["id"] == lead_id)


def test_each_count_links_to_its_rows_with_names_and_record_links(site):
    admin = site["clients"]["admin"]
    page = admin.get("/data/quality")
    assert page.status_code == 200
    assert f'href="/data/quality/{RULE}"' in page.text
    rules = {r["key"]: r for r in admin.get("/data/quality.json").json()["rules"]}
    assert rules[RULE]["bad"] >= 2 and rules[RULE]["why"]
    listing = admin.get(f"/data/quality/{RULE}")
    assert listing.status_code == 200
    assert '<a href="/leads/q-1">Quintina Uno</a>' in listing.text and "/leads/q-4" not in listing.text
    assert _listed(admin)["count"] == rules[RULE]["bad"]
    assert admin.get("/data/quality/leads.nothing").status_code == 404


def test_a_rep_sees_counts_and_rows_of_their_own_only(site):
    rep, admin = site["clients"]["rep"], site["clients"]["admin"]
    mine = _all_ids(rep)
    assert {"q-1", "q-2"} <= mine and "q-3" not in mine
    owners = {x["id"]: x["owner_id"] for x in site["store"].rows("leads")}
    assert {owners[i] for i in mine} == {site["signins"]["rep"]["id"]}
    assert "q-3" in _all_ids(admin)
    counts = {r["key"]: r["bad"] for r in rep.get("/data/quality.json").json()["rules"]}
    assert counts[RULE] == len(mine)
    assert site["clients"]["viewer"].get("/data/quality").status_code == 403


def test_inline_and_bulk_fixes_go_through_the_workspace_and_the_count_drops(site):
    admin = site["clients"]["admin"]
    before = _listed(admin)["count"]
    token = csrf_of(admin.get(f"/data/quality/{RULE}").text)
    one = admin.post(f"/data/quality/{RULE}/fix", data={"ids": "q-1", "value": "referral", "csrf_token": token},
                     follow_redirects=False)
    assert one.status_code == 303 and one.headers["location"] == f"/data/quality/{RULE}?fixed=1"
    assert _source(site, "q-1") == "referral"
    assert _listed(admin)["count"] == before - 1
    both = admin.post(f"/data/quality/{RULE}/fix", data={"ids": ["q-2", "q-3"], "value": "ads", "csrf_token": token},
                      follow_redirects=False)
    assert both.status_code == 303
    assert (_source(site, "q-2"), _source(site, "q-3")) == ("ads", "ads")
    assert _listed(admin)["count"] == before - 3
    fixes = audit.entries(site["store"], actions=["workspace.quality.fix"])
    assert [e["detail"]["count"] for e in fixes][:2] == [2, 1]
    notice = admin.get(one.headers["location"]).text
    assert "Corregidos: 1" in visible_text(notice)


def test_hostile_fixes_are_refused_and_change_nothing(site):
    admin, rep = site["clients"]["admin"], site["clients"]["rep"]
    site["store"].upsert_many({"leads": [{"id": "q-5", "name": "Quela Cinco", "owner_id": site["signins"]["admin"]["id"],
                                          "created_at": "2026-10-24T10:00:00"}]})
    token = csrf_of(admin.get(f"/data/quality/{RULE}").text)
    before = site["store"].rows("leads")
    no_csrf = admin.post(f"/data/quality/{RULE}/fix", data={"ids": "q-5", "value": "web"}, follow_redirects=False)
    assert no_csrf.status_code == 403
    formula = admin.post(f"/data/quality/{RULE}/fix", data={"ids": "q-5", "value": "=HYPERLINK(\"x\")", "csrf_token": token})
    assert formula.status_code == 422 and 'data-testid="form-error"' in formula.text
    script = admin.post(f"/data/quality/{RULE}/fix", data={"ids": "q-5", "value": "<script>x</script>" * 20,
                                                          "csrf_token": token})
    assert script.status_code == 422 and "<script>x" not in script.text
    unknown = admin.post(f"/data/quality/{RULE}/fix", data={"ids": "nope", "value": "web", "csrf_token": token})
    assert unknown.status_code == 404
    rep_token = csrf_of(rep.get(f"/data/quality/{RULE}").text)
    others = rep.post(f"/data/quality/{RULE}/fix", data={"ids": "q-5", "value": "web", "csrf_token": rep_token})
    assert others.status_code == 404  # not in the rep's scope: looks like a missing record
    owner = rep.post("/data/quality/leads.no_owner/fix", data={"ids": "q-5", "value": "x", "csrf_token": rep_token})
    assert owner.status_code in (403, 404)
    assert site["store"].rows("leads") == before


def test_the_api_operation_fixes_with_the_callers_rights(site):
    services = site["app"].state.services
    made = services.run(lambda: tokens.create(services.store, "quality", role="rep", user_id=site["signins"]["rep"]["id"]))
    api = TestClient(site["app"], headers={"Authorization": f"Bearer {made.secret}"}, client=("10.9.3.1", 5000))
    site["store"].upsert_many({"leads": [
        {"id": "q-6", "name": "Quirina Seis", "owner_id": site["signins"]["rep"]["id"], "created_at": "2026-10-25T10:00:00"},
        {"id": "q-7", "name": "Quilo Siete", "owner_id": site["signins"]["admin"]["id"], "created_at": "2026-10-25T10:00:00"}]})
    refused = api.post(f"/api/v1/quality/{RULE}/fix", json={"ids": ["q-6", "q-7"], "value": "web"})
    assert refused.status_code == 404 and _source(site, "q-6") is None
    assert api.post(f"/api/v1/quality/{RULE}/fix", json={"ids": ["q-6"], "value": "web", "extra": 1}).status_code == 400
    done = api.post(f"/api/v1/quality/{RULE}/fix", json={"ids": ["q-6"], "value": "web"})
    assert done.status_code == 200 and done.json() == {"count": 1}
    assert _source(site, "q-6") == "web"


@pytest.mark.parametrize("lang", ["es", "en"])
def test_labels_and_numbers_in_the_readers_language(site, lang):
    client = site["clients"]["manager"]
    client.post("/preferences/language", data={"lang": lang, "csrf_token": csrf_of(client.get("/").text)})
    try:
        text = visible_text(client.get("/data/quality?table=deals").text)
        for code in ("lost_reason", "owner_id", "first_response_at", "no_source", "leads.", "deals."):
            assert code not in text
        assert ("Motivo de pérdida" if lang == "es" else "Lost reason") in text
        assert re.search(r"\d,\d\s?%" if lang == "es" else r"\d\.\d\s?%", text)
        rule = visible_text(client.get("/data/quality/deals.no_owner").text)
        assert "owner_id" not in rule
    finally:
        client.post("/preferences/language", data={"lang": "es", "csrf_token": csrf_of(client.get("/").text)})


def test_in_chromium_the_pages_fit_1280_and_390_and_a_row_is_fixed_inline(site):
    import socket
    import threading
    import time

    import uvicorn
    from playwright.sync_api import sync_playwright

    from conftest import ARTIFACTS

    site["store"].upsert_many({"leads": [{"id": "q-8", "name": "Quiteria Ocho", "owner_id": site["signins"]["admin"]["id"],
                                          "created_at": "2026-10-26T10:00:00"}]})
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(site["app"], host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.05)
    base, admin = f"http://127.0.0.1:{port}", site["signins"]["admin"]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                        args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
            try:
                for lang, width in (("es", 1280), ("es", 390), ("en", 1280), ("en", 390)):
                    context = browser.new_context(viewport={"width": width, "height": 900})
                    page = context.new_page()
                    page.goto(base + "/signin")
                    page.fill("input[name=email]", admin["email"])
                    page.fill("input[name=password]", admin["password"])
                    page.click("button[type=submit]")
                    if lang == "en":
                        page.goto(base + "/data/quality")
                        page.click("[data-testid=lang-switch]")
                    for path, name in (("/data/quality?table=deals", "rules"), (f"/data/quality/{RULE}", "rows")):
                        page.goto(base + path)
                        page.screenshot(path=str(ARTIFACTS / f"quality-{name}-{lang}-{width}.png"), full_page=True)
                        assert page.evaluate("document.documentElement.scrollWidth") <= width, (lang, width, path)
                        assert page.locator("html").get_attribute("lang") == lang
                    if lang == "en":  # the reader's language is stored on the user: back to Spanish
                        page.click("[data-testid=lang-switch]")
                        assert page.locator("html").get_attribute("lang") == "es"
                    context.close()
                context = browser.new_context(viewport={"width": 390, "height": 900})
                page = context.new_page()
                page.goto(base + "/signin")
                page.fill("input[name=email]", admin["email"])
                page.fill("input[name=password]", admin["password"])
                page.click("button[type=submit]")
                page.goto(base + f"/data/quality/{RULE}")
                row = page.locator('tr[data-id="q-8"]')
                row.locator("select[name=value]").select_option("referral")
                row.locator("button[type=submit]").click()
                page.wait_for_url("**fixed=1")
                assert page.locator('tr[data-id="q-8"]').count() == 0
                context.close()
            finally:
                browser.close()
    finally:
        server.should_exit = True
        thread.join(10)
    assert _source(site, "q-8") == "referral"
