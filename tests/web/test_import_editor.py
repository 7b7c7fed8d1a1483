"""Issue 13, item 5 on the web: the unknown stage values of a dry run, corrected on the import page.

A HubSpot deals export whose portal renamed its stages goes through the page: the dry run lists
each value the preset did not know with its rows and a select pre-filled with what its words
suggest; the values chosen are tried again on the same upload (no new upload) and the import
then uses them too. Hostile forms change nothing. Statuses are worked out by hand below.
"""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
import yaml
from fastapi.testclient import TestClient

from pulso.config import Settings
from pulso.ingest.mapping import read_mapping
from pulso.web import uploads as upload_folder
from pulso.web.auth import set_password

from support import BACKENDS, make_store  # noqa: E402  (tests/ is on sys.path)
from test_browser import Watched, browser, screenshot  # noqa: E402,F401  (Chromium, as the page tests drive it)

pytestmark = pytest.mark.xdist_group("web-editor")
XSS = "<script>alert(1)</script>"
ADMIN, REP, PASSWORD = "ada@example.com", "rep@example.com", "correct horse battery"
FILE = "hubspot-crm-exports-all-deals-2024-06-01.csv"
BODY = (
    '"Record ID","Deal Name","Deal Stage","Pipeline","Amount","Close Date","Create Date"\n'
    '"201","Alfa","Appointment scheduled","Sales Pipeline","1000","2024-09-15 00:00","2024-04-01 10:00"\n'
    '"202","Beta","Negociación","Sales Pipeline","2000","2024-09-16 00:00","2024-04-02 10:00"\n'
    '"203","Gamma","Ganada (firmada)","Sales Pipeline","3000","2024-05-20 00:00","2024-04-03 10:00"\n'
    '"204","Delta","Firmado y pagado","Sales Pipeline","4000","2024-05-21 00:00","2024-04-04 10:00"\n'
    f'"205","Épsilon","{XSS}","Sales Pipeline","5000","2024-05-22 00:00","2024-04-05 10:00"\n'
    '"206","Zeta","Perdida - precio","Sales Pipeline","6000","2024-05-10 00:00","2024-04-06 10:00"\n'
)
# The preset knows none of these stages: its "*" reads each as open. Their words suggest: Ganada →
# won, Perdida → lost, the other four → open. The admin then picks won for "Firmado y pagado" and
# lost for the script-named stage; the rest as suggested. So after the import: won 203, 204;
# lost 205, 206 (closed at their Close Date); open 201, 202.
SUGGESTED = {"Appointment scheduled": "open", "Negociación": "open", "Ganada (firmada)": "won",
             "Firmado y pagado": "open", XSS: "open", "Perdida - precio": "lost"}
CHOSEN = {**SUGGESTED, "Firmado y pagado": "won", XSS: "lost"}


@pytest.fixture(scope="module", params=BACKENDS)
def web(request, tmp_path_factory):
    """An app on an empty workspace of each backend, with an admin and a rep signed in."""
    from pulso.web import WebSettings, create_app

    store = make_store(request.param, tmp_path_factory.mktemp("editor"), request)
    store.upsert_many({"users": [{"id": "u1", "name": "Ada", "email": ADMIN, "role": "admin", "created_at": "2024-01-01"},
                                 {"id": "u2", "name": "Rep", "email": REP, "role": "rep", "created_at": "2024-01-01"}]})
    set_password(store, "u1", PASSWORD)
    set_password(store, "u2", PASSWORD)
    store.close()
    app = create_app(WebSettings(store=Settings(store.url), secret_key="s", strict_i18n=True, today=dt.date(2024, 6, 30)))
    clients = {}
    for role, email in (("admin", ADMIN), ("rep", REP)):
        client = TestClient(app, raise_server_exceptions=False)
        client.post("/signin", data={"email": email, "password": PASSWORD, "csrf_token": csrf(client.get("/signin").text),
                                     "next": "/"}, follow_redirects=False)
        clients[role] = client
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(upload_folder, "UPLOADS", tmp_path_factory.mktemp("uploads") / "u")
        yield {"app": app, **clients}
    app.state.services.close()


def csrf(text: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', text).group(1)


def deals(web) -> dict[str, tuple[str, dt.datetime | None]]:
    services = web["app"].state.services
    rows = services.run(lambda: services.store.rows("deals"))
    return {r["id"]: (r["status"], r["closed_at"]) for r in rows}


def dry_run(web) -> tuple[str, str]:
    """Upload the export, preview it and try it with the preset it is recognised as: (token, page)."""
    client = web["admin"]
    preview = client.post("/data/import/preview", data={"csrf_token": csrf(client.get("/data/import").text)},
                          files={"files": (FILE, BODY.encode(), "text/csv")}).text
    assert 'data-testid="preset">hubspot<' in preview
    token = re.search(r'name="token" value="([0-9a-f]{32})"', preview).group(1)
    page = client.post("/data/import/run", data={"csrf_token": csrf(preview), "token": token, "preset": "hubspot",
                                                 "mode": "dry_run"}).text
    return token, page


def rows_of(page: str) -> list[tuple[str, str, int, str]]:
    """(column, value, rows, selected choice) of each row of the editor."""
    out = []
    for row in re.findall(r'<tr data-testid="unknown-row">(.*?)</tr>', page, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        selected = re.search(r'<option value="(\w+)" selected>', row).group(1)
        out.append((html.unescape(cells[0].split("<br>")[0]), html.unescape(cells[1]), int(cells[2]), selected))
    return out


def fix_form(page: str, chosen: dict[str, str]) -> dict[str, str]:
    """The editor's form as a browser would post it, with `chosen` picked in its selects."""
    form = re.search(r'<form method="post" action="/data/import/fix".*?</form>', page, re.S).group(0)
    data = {html.unescape(k): html.unescape(v) for k, v in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)}
    for i, (_, value, _, _) in enumerate(rows_of(page)):
        data[f"fix__{i}"] = chosen[value]
    return data


def test_the_dry_run_lists_each_unknown_value_with_its_rows_and_a_suggestion(web):
    _, page = dry_run(web)
    assert rows_of(page) == sorted([("Deal Stage", v, 1, s) for v, s in SUGGESTED.items()], key=lambda r: r[1])
    # each select offers the values deals.status takes, and no more
    assert re.findall(r'<select id="fix-0" name="fix__0"[^>]*>(.*?)</select>', page, re.S)[0].count("<option") == 3
    assert XSS not in page and html.escape(XSS, quote=False) in page
    assert deals(web) == {}  # a dry run writes nothing
    body = web["admin"].post("/data/import/run", headers={"Accept": "application/json"},
                             data={"csrf_token": csrf(page), "token": dry_run(web)[0], "preset": "hubspot",
                                   "mode": "dry_run"}).json()
    assert {(r["value"], r["count"], r["suggested"]) for r in body["result"]["unknown"]} == {
        (v, 1, s) for v, s in SUGGESTED.items()}
    assert body["result"]["unknown"][0]["choices"] == ["won", "lost", "open"]


def test_apply_runs_the_dry_run_again_on_the_same_upload_and_the_import_uses_it(web):
    client = web["admin"]
    token, page = dry_run(web)
    again = client.post("/data/import/fix", data={**fix_form(page, CHOSEN), "action": "apply"}).text
    assert 'data-testid="import-result"' in again and 'data-testid="unknown-row"' not in again
    assert 'data-testid="corrected-mapping"' in again
    assert "no está en la correspondencia" not in again and "no lo conocía" not in again
    assert deals(web) == {}
    # the import after it posts the same upload with the corrected mapping: nothing sent again
    commit = re.search(r'<form[^>]*data-testid="commit-form">(.*?)</form>', again, re.S).group(1)
    fields = {html.unescape(k): html.unescape(v) for k, v in re.findall(r'name="([^"]+)" value="([^"]*)"', commit)}
    assert fields["token"] == token and fields["saved_mapping"] == "1"
    done = client.post("/data/import/run", data={**fields, "mode": "import"}).text
    assert 'data-testid="import-result"' in done and "escrita" in done
    day = lambda d: dt.datetime.fromisoformat(d).replace(tzinfo=None)  # noqa: E731
    got = {k: (s, c and c.replace(tzinfo=None)) for k, (s, c) in deals(web).items() if k.endswith(("201", "202", "203", "204", "205", "206"))}
    assert sorted(got.values(), key=str) == sorted([
        ("open", None), ("open", None), ("won", day("2024-05-20")), ("won", day("2024-05-21")),
        ("lost", day("2024-05-22")), ("lost", day("2024-05-10"))], key=str)
    by_title = {r["title"]: r["status"] for r in web["app"].state.services.run(
        lambda: web["app"].state.services.store.rows("deals"))}
    assert by_title == {"Alfa": "open", "Beta": "open", "Gamma": "won", "Delta": "won", "Épsilon": "lost", "Zeta": "lost"}


def test_the_corrected_mapping_downloads_as_yaml_the_cli_reads(web):
    client = web["admin"]
    token, page = dry_run(web)
    answer = client.post("/data/import/fix", data={**fix_form(page, CHOSEN), "action": "download"})
    assert answer.status_code == 200 and "attachment" in answer.headers["content-disposition"]
    mapping = read_mapping(answer.content, "fixed.yaml")
    status = next(t.columns["status"] for s in mapping.sources for t in s.tables if t.table == "deals")
    assert {v: status.map[v] for v in CHOSEN} == CHOSEN and status.map["*"] == "open"
    assert yaml.safe_load(answer.text)["name"] == "hubspot"
    # downloading keeps nothing: the upload's import still uses the preset
    assert upload_folder.kept(token, upload_folder.SAVED_MAPPING) is None
    # after apply, the kept mapping downloads too
    again = client.post("/data/import/fix", data={**fix_form(page, CHOSEN), "action": "apply"}).text
    kept = client.post("/data/import/mapping.yaml", data={"csrf_token": csrf(again), "token": token})
    assert kept.status_code == 200 and read_mapping(kept.content, "k.yaml").to_dict() == mapping.to_dict()


def test_hostile_forms_get_a_clear_message_and_change_nothing(web):
    client = web["admin"]
    token, page = dry_run(web)
    form = fix_form(page, CHOSEN)
    before = deals(web)
    # a choice outside the values of deals.status
    bad = client.post("/data/import/fix", data={**form, "fix__0": "<b>hacked</b>", "action": "apply"})
    error = html.unescape(re.search(r'data-testid="import-error">([^<]*)<', bad.text).group(1))
    assert error == ("«<b>hacked</b>» no es un valor de deals.status; elige uno de: won, lost, open. "
                     "No se ha cambiado nada.")
    assert "<b>hacked</b>" not in bad.text
    assert upload_folder.kept(token, upload_folder.SAVED_MAPPING) is None
    # a tampered upload id: unknown, malformed, or someone else's
    for other in ("0" * 32, "../../etc", token[:-1] + ("0" if token[-1] != "0" else "1")):
        gone = client.post("/data/import/fix", data={**form, "token": other, "action": "apply"}).text
        assert "Los ficheros subidos ya no están" in gone and 'data-testid="import-result"' not in gone
    # the form without its CSRF token, and from a role that does not import
    assert client.post("/data/import/fix", data={**form, "csrf_token": "x", "action": "apply"}).status_code == 403
    rep = web["rep"]
    refused = rep.post("/data/import/fix", data={**form, "csrf_token": csrf(rep.get("/").text), "action": "apply"})
    assert refused.status_code == 403
    assert rep.post("/data/import/mapping.yaml", data={"csrf_token": csrf(rep.get("/").text), "token": token}).status_code == 403
    assert upload_folder.kept(token, upload_folder.SAVED_MAPPING) is None and deals(web) == before


def test_the_editor_in_a_phone_browser(browser, live_server, web_workspace):
    """Chromium at 390 px: upload, dry run, pick a value, apply; nothing scrolls sideways, no script runs.
    (Dry runs only: the shared demo workspace is not written.) The rates page fits too."""
    w = Watched(browser, live_server, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        w.sign_in(web_workspace["signins"]["admin"])
        w.open("/data/import")
        page = w.page
        page.set_input_files("[data-testid=upload]", files=[{"name": FILE, "mimeType": "text/csv", "buffer": BODY.encode()}])
        page.click("[data-testid=preview]")
        page.wait_for_selector("[data-testid=import-preview]")
        page.select_option("[data-testid=preset-select]", "hubspot")
        page.click("[data-testid=dry-run]")
        page.wait_for_selector("[data-testid=fix-form]")
        rows = page.locator("[data-testid=unknown-row]")
        assert rows.count() == 6
        firmado = page.locator("[data-testid=unknown-row]", has_text="Firmado y pagado")
        assert firmado.locator("select").input_value() == "open"
        firmado.locator("select").select_option("won")
        page.locator("[data-testid=unknown-row]", has_text=XSS).locator("select").select_option("lost")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1, "the editor scrolls sideways"
        screenshot(page, "admin-import-editor-390")
        page.click("[data-testid=fix-apply]")
        page.wait_for_selector("[data-testid=corrected-mapping]")
        assert page.locator("[data-testid=unknown-row]").count() == 0
        assert page.locator("[data-testid=commit-after-dry-run]").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1, "the result scrolls sideways"
        w.open("/admin/rates")
        page.wait_for_selector("[data-testid=rates-upload-form]")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1, "the rates page scrolls sideways"
        screenshot(page, "admin-rates-390")
        assert w.errors == []
    finally:
        w.close()
