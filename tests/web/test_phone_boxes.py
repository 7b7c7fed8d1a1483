"""The admin's pages on a phone (issue 17): at 390 px no box that holds a button, a link or a field
scrolls sideways (a table of things with an action or a key figure becomes one card per row), and
the document does not either; at 1280 px the tables are still tables (their headers are shown).

One browser, one context per width, the admin in Spanish. The pages' lists are filled first (a
report schedule, a failed import, a pending duplicate pair, a merge: the demo has none) and emptied
afterwards, each write bumping the data version so no cached figure keeps them.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from test_browser import browser  # noqa: F401  (its fixture: headless Chromium, one per module)

SCREENS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screens"
PAGES = ("/goals", "/alerts", "/reports", "/admin/users", "/settings/tokens", "/admin/settings", "/admin/audit",
         "/admin/rates", "/data/import", "/data/quality", "/data/duplicates")
#: Pages whose lists must show as tables at 1280 px with the rows planted below.
WITH_TABLES = ("/goals", "/alerts", "/reports", "/admin/users", "/admin/audit", "/data/import", "/data/duplicates")

#: Every element of the page (the areas' navigation strip aside: a row of links that scrolls by
#: design on every page) that holds a button, a link or a field and is wider inside than it shows.
SIDEWAYS = """() => [...document.querySelectorAll('body *')]
  .filter(e => !e.closest('nav.side') && e.querySelector('a[href], button, input:not([type=hidden]), select, textarea'))
  .filter(e => e.scrollWidth > e.clientWidth + 1)
  .map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ')[0] : '')
            + ' ' + e.scrollWidth + '>' + e.clientWidth
            + ' «' + (e.querySelector('th') || e).textContent.trim().replace(/\\s+/g, ' ').slice(0, 30) + '»')"""
#: Tables that have header cells but none shown.
HEADLESS = """() => [...document.querySelectorAll('main table')].filter(t => t.querySelector('th'))
  .filter(t => ![...t.querySelectorAll('th')].some(th => th.getBoundingClientRect().height > 0))
  .map(t => (t.querySelector('th').textContent || '').trim())"""


@pytest.fixture(scope="module")
def planted(web_app, web_workspace):
    """A report schedule, a rejected import with an error, a pending duplicate pair and a merge of
    two accounts of the web workspace, with long texts as real ones have; taken away afterwards."""
    from pulso.store import schema, tables_data, tables_goals
    from pulso.store.settings import bump_version

    store = web_app.state.services.store
    admin = web_workspace["signins"]["admin"]["id"]
    now = dt.datetime(2026, 10, 30, 9, 30, tzinfo=dt.timezone.utc)
    first, second, third = sorted(r["id"] for r in store.rows("accounts"))[:3]
    rows = {
        tables_goals.report_schedules: {"id": "phone-schedule", "name": "Informe mensual de la dirección comercial",
                                  "frequency": "month", "scope_kind": "company", "scope_id": None, "lang": "es",
                                  "format": "pdf", "recipients": "ana.garcia@cumbre.example, luis.martinez@cumbre.example",
                                  "created_by": admin, "created_at": now},
        tables_data.import_runs: {"id": "phone-import", "started_at": now, "finished_at": now, "actor_kind": "user",
                             "actor_id": admin, "files": json.dumps([{"name": "clientes-exportados-del-crm-octubre.csv",
                                                                      "sha256": "0" * 64, "bytes": 120}]),
                             "status": "failed", "rows_read": 2, "rows_written": 0, "rows_rejected": 2, "error_count": 1,
                             "message": "1 error"},
        tables_data.import_errors: {"id": "phone-import-1", "run_id": "phone-import", "file": "clientes.csv", "line": 2,
                               "column_name": "created_at", "value": "notadate", "reason": "not a date"},
        schema.duplicate_candidates: {"id": "phone-pair", "table_name": "accounts", "record_id": second,
                                      "duplicate_of": first, "probability": 0.97, "status": "pending", "found_at": now},
        tables_data.merges: {"id": "phone-merge", "table_name": "accounts", "survivor_id": third, "merged_id": "acc-phone-gone",
                        "probability": 0.99, "merged_at": now, "actor_kind": "user", "actor_id": admin,
                        "undo": json.dumps({"merged": {"id": "acc-phone-gone", "name": "Ferretería y Suministros Industriales Gómez Hermanos S.L."}})},
    }

    def plant(add: bool) -> None:
        with store.connect() as conn:
            for table, row in rows.items():
                if add:
                    conn.execute(table.insert().values(**row))
                else:
                    conn.execute(table.delete().where(table.c.id == row["id"]))
            bump_version(conn)

    web_app.state.services.run(plant, True)
    yield
    web_app.state.services.run(plant, False)


def test_admin_pages_fit_a_phone_and_keep_their_tables_on_a_desk(browser, live_server, web_workspace, planted):
    SCREENS.mkdir(parents=True, exist_ok=True)
    admin = web_workspace["signins"]["admin"]
    failures: list[str] = []
    for width in (390, 1280):
        ctx = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=width < 500, has_touch=width < 500,
                                  locale="es-ES")
        try:
            page = ctx.new_page()
            page.goto(live_server + "/signin")
            page.fill("input[name=email]", admin["email"])
            page.fill("input[name=password]", admin["password"])
            page.click("form[action='/signin'] button[type=submit]")
            page.wait_for_url(live_server + "/")
            for path in PAGES:
                assert page.goto(live_server + path + "?lang=es").status == 200, path
                if width == 390:
                    wide = page.evaluate("document.documentElement.scrollWidth")
                    if wide > width:
                        failures.append(f"{path} 390px: the document is {wide}px wide")
                    failures += [f"{path} 390px: {box} scrolls sideways" for box in page.evaluate(SIDEWAYS)]
                    if path in ("/goals", "/reports", "/data/duplicates"):
                        page.screenshot(path=str(SCREENS / f"phone-{path.strip('/').replace('/', '-')}-es-390.png"),
                                        full_page=True)
                else:
                    if path in WITH_TABLES and not page.locator("main table th").count():
                        failures.append(f"{path} 1280px: no table")
                    failures += [f"{path} 1280px: the table «{t}» shows no header" for t in page.evaluate(HEADLESS)]
        finally:
            ctx.close()
    assert not failures, "\n".join(failures)
