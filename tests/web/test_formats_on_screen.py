"""Formats still wrong on screen (issue 16, item 7): ISO dates in tables, UTC times next to local
ones, raw backticks in formulas, English number formats, and huge figures spilling out of tiles.
Route tests on a copy of the web test workspace (its own audit entry, import run and rate, so the
shared workspace is never written); one Chromium test for a tile's width."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
import types
from decimal import Decimal

import pytest


from conftest import AS_OF, csrf_of, sign_in  # noqa: E402
from pulso import formatting as f  # noqa: E402

#: 23:30 UTC on 30 October 2026 is 00:30 on the 31st in Europe/Madrid (CET, UTC+1 after 25 October).
LATE = dt.datetime(2026, 10, 30, 23, 30, tzinfo=dt.timezone.utc)
LATE_ES = "31 oct 2026, 0:30 CET"
LATE_EN = "Oct 31, 2026, 12:30 AM CET"
#: The newest alert of the copy (the inbox lists newest first), at 23:30 UTC too.
PROBE_ALERT_AT = dt.datetime(2099, 10, 30, 23, 30, tzinfo=dt.timezone.utc)
HUGE = 12_345_678_901  # an 11-digit revenue won in October 2026, beside the demo's (under a million)
ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def visible_text(page: str) -> str:
    """A page's text as a reader sees it (no scripts, styles, inputs, tags), spaces made plain."""
    page = re.sub(r"(?s)<(script|style|template|pre|select|textarea)[^>]*>.*?</\1>|<input[^>]*>", " ", page)
    text = html.unescape(re.sub(r"<[^>]+>", " ", page)).replace("\u202f", " ").replace("\xa0", " ")
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def own(web_workspace, tmp_path_factory):
    """A copy of the web workspace with an audit entry, an import run and a rate at known times,
    and an admin signed in on its app."""
    from fastapi.testclient import TestClient

    from pulso import rates
    from pulso.config import Settings
    from pulso.store import Store
    from pulso.store import schema
    from pulso.store.tables_data import import_runs
    from pulso.store.tables_goals import alerts as alerts_table
    from pulso.web import WebSettings, create_app

    source = web_workspace["url"].removeprefix("duckdb:///")
    target = tmp_path_factory.mktemp("formats") / "formats.duckdb"
    shutil.copy(source, target)
    url = f"duckdb:///{target}"
    with Store(Settings(url)) as store:
        with store.engine.begin() as conn:
            conn.execute(schema.audit_log.insert().values(
                id="formats-probe", occurred_at=LATE, actor_kind="cli", actor_id=None, action="export.csv",
                target_table="deals", target_id=None, detail=None, ip=None))
            conn.execute(import_runs.insert().values(
                id="run-formats", started_at=LATE, finished_at=LATE, actor_kind="cli", actor_id=None,
                files=json.dumps([{"name": "late.csv", "sha256": "0", "bytes": 1}]), status="committed",
                rows_read=12345, rows_written=12345, rows_rejected=0, error_count=0))
            conn.execute(alerts_table.insert().values(
                id="alert-formats", rule_id="rule-formats", fingerprint="formats", raised_at=PROBE_ALERT_AT,
                title="Alerta de prueba", message="Una alerta con desglose.", scope_kind="company", status="open",
                detail=json.dumps({"kpi": "revenue_won", "breakdown_by": "owner",
                                   "breakdown": [{"value": web_workspace["signins"]["rep"]["id"], "figure": 12345}]})))
        rates.set_rate(store, "USD", dt.date(2026, 10, 30), "1.0842")
        won = next(s["id"] for s in store.rows("stages") if s["kind"] == "won")
        store.upsert_many({"deals": [{"id": "deal-huge", "account_id": "acc-xss", "owner_id": web_workspace["signins"]["rep"]["id"],
                                      "title": "Huge", "amount": HUGE, "currency": "EUR", "stage_id": won, "status": "won",
                                      "kind": "new", "created_at": "2026-10-02T09:00:00", "closed_at": "2026-10-15T09:00:00"}]})
    app = create_app(WebSettings(store=Settings(url), secret_key="test-secret", strict_i18n=True, today=AS_OF))
    info = web_workspace["signins"]["admin"]
    client = TestClient(app, client=("10.0.8.1", 5000))
    assert sign_in(client, info["email"], info["password"]).status_code == 303
    client.app_under_test = app
    yield client
    app.state.services.close()


def read(client, path: str, lang: str) -> str:
    """A page's visible text in a language (the language is the user's: chosen before each read)."""
    client.post("/preferences/language", data={"lang": lang, "csrf_token": csrf_of(client.get("/").text)})
    return visible_text(client.get(path).text)


# -- local times (item 3) ------------------------------------------------------------------

def test_the_audit_log_shows_local_times_with_the_zone(own):
    es = read(own, "/admin/audit?kind=export", "es")
    en = read(own, "/admin/audit?kind=export", "en")
    assert LATE_ES in es and LATE_EN in en
    assert "2026-10-30" not in es and "23:30" not in es


def test_the_imports_history_shows_local_times_and_numbers_in_the_readers_format(own):
    es = read(own, "/data/import", "es")
    en = read(own, "/data/import", "en")
    assert LATE_ES in es and LATE_EN in en
    assert "12.345" in es and "12,345" not in es
    assert "12,345" in en
    assert "2026-10-30" not in es


def test_alert_texts_say_times_in_the_workspace_zone():
    from pulso.alerts.texts import Reading

    madrid = Reading("es", {}, "EUR", "Europe/Madrid")
    assert madrid.written("date", "2026-10-30T23:30:00+00:00", {}) == LATE_ES
    assert madrid.written("date", "2026-10-30T23:30:00", {}) == LATE_ES  # stored without a zone: UTC
    assert madrid.written("date", "2026-10-30", {}) == "30 oct 2026"  # a day stays that day
    english = Reading("en", {}, "EUR", "Europe/Madrid").written("date", "2026-10-30T23:30:00+00:00", {})
    assert english.replace("\u202f", " ") == LATE_EN


def test_the_alerts_inbox_says_when_in_local_time_and_its_breakdown_by_name_in_the_kpis_unit(own, web_workspace):
    rep = web_workspace["signins"]["rep"]["name"]
    es = read(own, "/alerts", "es")
    en = read(own, "/alerts", "en")
    assert "Alerta de prueba" in es and "31 oct 2099, 0:30 CET" in es and "Oct 31, 2099, 12:30 AM CET" in en
    assert f"Desglose por responsable: {rep} 12.345 €" in es  # not the id, not 1.23e+04
    assert f"Breakdown by owner: {rep} €12,345" in en
    assert "12345" not in es and "1.23e+04" not in es


def test_kpi_detail_records_show_local_times():
    from pulso.web.routes.kpi import _cell

    ctx = types.SimpleNamespace(lang="es", timezone="Europe/Madrid", _=lambda text: text)
    naive_utc = dt.datetime(2026, 10, 30, 23, 30)  # how DuckDB gives a stored UTC moment back
    assert _cell(ctx, "closed_at", naive_utc)["text"] == "31 oct 2026, 0:30"
    assert _cell(ctx, "closed_at", LATE)["text"] == "31 oct 2026, 0:30"


def test_fmt_time_in_summer_and_winter():
    summer = dt.datetime(2026, 7, 1, 22, 15, tzinfo=dt.timezone.utc)  # CEST, UTC+2
    assert f.fmt_time(summer, "es", "Europe/Madrid", zone=True) == "2 jul 2026, 0:15 CEST"
    assert f.fmt_time(LATE, "es", "Europe/Madrid") == "31 oct 2026, 0:30"
    assert f.fmt_time(None, "es", "Europe/Madrid") == "—"


# -- dates in tables (item 2) --------------------------------------------------------------

def test_the_goals_page_writes_dates_in_the_readers_format(own):
    es = read(own, "/goals", "es")
    en = read(own, "/goals", "en")
    # AS_OF is 31 October 2026: the suggested goals are for the fourth quarter
    assert "1 oct 2026 – 31 dic 2026" in es
    assert "Oct 1, 2026 – Dec 31, 2026" in en
    assert not ISO_DAY.search(es) and not ISO_DAY.search(en)
    assert "Cuotas · Octubre 2026" in es and "OKR · T4 2026" in es  # not 2026-10 and 2026-Q4
    assert "OKR · Q4 2026" in en and "2026-Q4" not in en


def test_the_rates_page_writes_dates_and_rates_in_the_readers_format(own):
    es = read(own, "/admin/rates?currency=USD", "es")
    en = read(own, "/admin/rates?currency=USD", "en")
    assert "30 oct 2026 1,0842" in es
    assert "Oct 30, 2026 1.0842" in en
    assert not ISO_DAY.search(es)


# -- formulas (item 4) ---------------------------------------------------------------------

def test_formulas_show_code_as_code_never_a_backtick(own):
    read(own, "/", "es")
    page = own.get("/kpi/sales_cycle_days").text
    assert "<code>created_at</code>" in page and "<code>closed_at</code>" in page
    assert "`" not in visible_text(page)
    explain = own.get("/kpi/sales_cycle_days.json").json()["explain"]
    assert "`" not in explain["formula"] + explain["description"]
    assert "created_at" in explain["description"] + explain["formula"]
    assert not [k for k in explain if k.endswith("_html")]


def test_code_html_escapes_the_text_around_the_code():
    assert str(f.code_html("a <b> `x_y` c")) == "a &lt;b&gt; <code>x_y</code> c"
    assert str(f.code_html("`<i>`")) == "<code>&lt;i&gt;</code>"
    assert f.code_plain("from `created_at` to `closed_at`") == "from created_at to closed_at"


def test_kpi_explain_says_formulas_without_backticks():
    from typer.testing import CliRunner

    from pulso.cli import app

    result = CliRunner().invoke(app, ["kpi", "explain", "sales_cycle_days", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "created_at" in result.output and "`" not in result.output.split("-- ")[0]


# -- numbers (item 5) ----------------------------------------------------------------------

def test_fmt_exact_keeps_every_decimal_in_the_readers_format():
    assert f.fmt_exact(Decimal("1.0842"), "es") == "1,0842"
    assert f.fmt_exact(Decimal("1234.5"), "en") == "1,234.5"
    assert f.fmt_exact(None, "es") == "—"


# -- compact figures (item 1) --------------------------------------------------------------

def test_fmt_compact_writes_babels_compact_formats_from_ten_thousand():
    assert f.fmt_compact(1_234_567, "currency", "es", "EUR") == "1,2\xa0M\xa0€"
    assert f.fmt_compact(1_234_567, "currency", "en", "EUR") == "€1.2M"
    assert f.fmt_compact(15_300, "count", "es", "EUR") == "15,3\xa0mil"
    assert f.fmt_compact(15_300, "count", "en", "EUR") == "15.3K"
    assert f.fmt_compact(9_999, "count", "en", "EUR") == "9,999"  # short enough as it is
    assert f.fmt_compact(0.25, "%", "en", "EUR") == "25.0%"  # a rate is never compacted


def test_a_huge_tile_is_compact_with_the_exact_figure_in_its_title(own):
    read(own, "/", "es")
    tile = next(t for s in own.get("/index.json").json()["sections"] if s.get("type") == "tiles"
                for t in s["tiles"] if t["key"] == "revenue_won")
    # the demo's October revenue won is under a million: 12,345,678,901 + < 1e6 is 12.3 thousand million
    assert tile["short_text"] == "12,3\xa0mil\xa0M\xa0€"
    assert tile["text"].startswith("12.345.") and tile["text"].endswith("\xa0€") and len(tile["text"]) == len("12.345.678.901 €")
    page = own.get("/").text
    found = re.search(r'title="([^"]+)" data-testid="tile-value">([^<]+)<', page[page.index('data-kpi="revenue_won"'):])
    assert html.unescape(found.group(1)) == tile["text"] and html.unescape(found.group(2)) == tile["short_text"]
    read(own, "/", "en")
    tile = next(t for s in own.get("/index.json").json()["sections"] if s.get("type") == "tiles"
                for t in s["tiles"] if t["key"] == "revenue_won")
    assert tile["short_text"] == "€12.3B"
    detail = own.get("/kpi/revenue_won").text  # the detail page shows the exact figure
    shown = re.search(r'data-testid="tile-value">([^<]+)<', detail).group(1)
    assert html.unescape(shown) == tile["text"]


def test_chart_axes_of_money_and_counts_are_compact_in_the_readers_language():
    from pulso.web import charts

    spec = charts.bars([{"label": "a", "value": HUGE, "text": "x"}], unit="currency", value_title="v",
                       category_title="c", lang="es")
    assert "' mil M'" in spec["encoding"]["x"]["axis"]["labelExpr"]
    spec = charts.line_over_time([{"period": "2026-10-01", "label": "oct", "value": 15_300, "text": "x"}],
                                 unit="count", value_title="v", lang="en")
    assert "'K'" in spec["encoding"]["y"]["axis"]["labelExpr"]


def test_in_chromium_a_huge_figure_stays_inside_its_tile_at_390_and_1280(own, web_workspace):
    import socket
    import threading
    import time

    import uvicorn
    from playwright.sync_api import sync_playwright

    from conftest import ARTIFACTS

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(own.app_under_test, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    read(own, "/", "es")
    info = web_workspace["signins"]["admin"]
    screens = ARTIFACTS.parent / "screens"
    screens.mkdir(parents=True, exist_ok=True)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                        args=["--no-sandbox", "--disable-dev-shm-usage"])
            try:
                for width in (390, 1280):
                    context = browser.new_context(viewport={"width": width, "height": 900})
                    page = context.new_page()
                    page.goto(base + "/signin")
                    page.fill('input[name="email"]', info["email"])
                    page.fill('input[name="password"]', info["password"])
                    page.click('button[type="submit"]')
                    page.wait_for_url(re.compile(r"/$|/today"))
                    page.goto(base + "/")
                    value = page.locator('[data-kpi="revenue_won"] [data-testid="tile-value"]')
                    assert value.inner_text().replace("\xa0", " ") == "12,3 mil M €"
                    box = page.evaluate("""() => { const t = document.querySelector('[data-kpi="revenue_won"]');
                        const v = t.querySelector('[data-testid="tile-value"]'); const a = t.getBoundingClientRect();
                        const b = v.getBoundingClientRect();
                        return {inside: b.left >= a.left && b.right <= a.right, own: v.scrollWidth <= v.clientWidth,
                                tile: t.scrollWidth <= t.clientWidth, page: document.documentElement.scrollWidth}; }""")
                    assert box == {"inside": True, "own": True, "tile": True, "page": box["page"]} and box["page"] <= width
                    page.locator('[data-kpi="revenue_won"]').screenshot(path=str(screens / f"tile-huge-{width}.png"))
                    page.goto(base + "/kpi/revenue_won")
                    page.wait_for_selector(".chart[data-rendered]")
                    labels = page.evaluate("[...document.querySelectorAll('.chart svg text')].map(t => t.textContent)")
                    assert any(t.replace("\xa0", " ").endswith(" mil M") for t in labels), labels
                    assert page.evaluate("document.documentElement.scrollWidth") <= width
                    page.screenshot(path=str(screens / f"kpi-huge-{width}.png"), full_page=False)
                    context.close()
            finally:
                browser.close()
    finally:
        server.should_exit = True
        thread.join(10)


def test_the_report_says_its_date_in_the_readers_format(own):
    es = visible_text(own.get("/reports/download?report=2026-10&format=html&lang=es").text)
    en = visible_text(own.get("/reports/download?report=2026-10&format=html&lang=en").text)
    assert "Generado el 31 oct 2026" in es and "Oct 31, 2026" in en  # the test app's today
    assert not ISO_DAY.search(es) and not ISO_DAY.search(en)


def test_okr_figures_are_written_in_the_readers_format():
    objective = {"quarter": "2026-Q4", "score": 0.5,
                 "key_results": [{"value": 1234.5, "start_value": 0, "target_value": 2000.0, "score": 0.61725},
                                 {"value": None, "start_value": 1, "target_value": 3, "score": None}]}
    es, en = f.okr_texts(objective, "es"), f.okr_texts(objective, "en")
    assert (es["score_text"], es["quarter_text"], en["quarter_text"]) == ("0,50", "T4 2026", "Q4 2026")
    assert [(k["value_text"], k["span_text"], k["score_text"]) for k in es["key_results"]] == [
        ("1.234,50", "0 → 2.000", "0,62"), ("—", "1 → 3", "—")]
    assert en["key_results"][0]["value_text"] == "1,234.50"
