"""The defects seen on screen (issue 16, item 7): raw codes, negative zero, chart axes, custom
periods' charts, the 403 page, review pages' number formats, the cohort table's colour, and no
raw code or word of the other language in the pages' visible text. On the demo-like web workspace."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import pytest


from conftest import csrf_of  # noqa: E402
from support import CODES, ENGLISH, SPANISH  # noqa: E402  (the word lists, shared with test_every_page.py)
from pulso import formatting as f  # noqa: E402
from pulso.web import charts  # noqa: E402
from pulso.web.periods import parse_period  # noqa: E402

PAGES = ["/", "/sales", "/team", "/retention", "/customers", "/service", "/marketing", "/adoption", "/kpi",
         "/goals", "/alerts", "/reports", "/data/quality", "/data/duplicates", "/kpi/close_rate"]


def visible_text(page: str) -> str:
    """A page's text as a reader sees it: no scripts, styles, tags or attributes."""
    page = re.sub(r"(?s)<(script|style|template|pre)[^>]*>.*?</\1>", " ", page)
    page = re.sub(r"(?s)<(select|input|textarea)[^>]*>.*?</\1>|<input[^>]*>", " ", page)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def test_a_figure_that_rounds_to_zero_has_no_sign():
    assert f.fmt_money(-0.001, "EUR", "es") == "0,00\xa0€"
    assert f.fmt_money(-0.004, "EUR", "en") == "€0.00"
    assert f.fmt_number(-0.2, "es") == "0"
    assert f.fmt_percent(-0.00001, "es") == "0,0%"
    assert f.fmt_money(-5, "EUR", "es") == "-5,00\xa0€"  # a real negative keeps its sign


def test_count_axes_tick_whole_numbers_once_and_bars_start_at_zero():
    spec = charts.bars([{"label": "a", "value": 4, "text": "4"}, {"label": "b", "value": 3, "text": "3"}],
                       unit="count", value_title="n", category_title="x")
    assert spec["encoding"]["x"]["axis"]["tickMinStep"] == 1
    assert spec["encoding"]["x"]["axis"]["format"] == ",d"
    assert spec["encoding"]["x"]["scale"]["domainMin"] == 0
    line = charts.line_over_time([{"period": "2026-01-01", "label": "ene", "value": 1, "text": "1"}],
                                 unit="count", value_title="n")
    assert line["encoding"]["y"]["axis"]["tickMinStep"] == 1


def test_a_custom_periods_chart_starts_with_the_period():
    p = parse_period({"period": "custom", "from": "2026-06-10", "to": "2026-08-20"}, dt.date(2026, 10, 31))
    assert p.trend_start("month") == dt.date(2026, 6, 10)


def test_pipeline_by_stage_in_pipeline_order_without_won_and_lost(clients, web_workspace):
    from pulso.config import Settings
    from pulso.store import Store
    with Store(Settings(web_workspace["url"])) as store:
        stages = sorted(store.rows("stages"), key=lambda s: (s["pipeline"], s["position"]))
    opened = [s["name"] for s in stages if s["kind"] == "open"]
    page = clients["admin"].get("/sales.json?period=month&at=2026-10-01").json()
    chart = next(s for s in page["sections"] if s.get("title") == "Pipeline por etapa")
    labels = [v["label"] for v in chart["spec"]["data"]["values"]]
    assert labels == [s for s in opened if s in labels] and labels
    assert not {"Ganado", "Perdido"} & set(labels)


def test_codes_are_shown_with_labels(clients):
    marketing = visible_text(clients["admin"].get("/marketing").text)
    assert "Redes sociales de pago" in marketing and "paid_social" not in marketing
    service = visible_text(clients["admin"].get("/service").text)
    assert "teléfono" in service and not re.search(r"\bphone\b", service)


def test_the_403_page_speaks_the_readers_language(clients):
    page = clients["rep"].get("/admin/audit")
    assert page.status_code == 403
    text = visible_text(page.text)
    assert "Tu rol o tu alcance no te dejan ver esta página." in text
    assert "does not open" not in text


def test_review_pages_write_numbers_in_the_readers_language(clients):
    text = visible_text(clients["admin"].get("/data/quality?table=deals").text)
    assert re.search(r"\d,\d%", text)  # "12,5%", never "12.5 %"
    assert not re.search(r"\d\.\d %", text)


def test_the_cohort_table_is_coloured(clients):
    page = clients["admin"].get("/retention").text
    assert 'class="num heat h4"' in page or 'class="num heat h3"' in page
    assert "/static/fixes16.css" in page


@pytest.mark.parametrize("lang", ["es", "en"])
def test_no_raw_code_or_other_language_in_pages(web_app, web_workspace, lang):
    from fastapi.testclient import TestClient
    from conftest import sign_in
    client = TestClient(web_app, client=(f"10.0.9.{1 if lang == 'es' else 2}", 5000))
    info = web_workspace["signins"]["admin"]
    assert sign_in(client, info["email"], info["password"]).status_code == 303
    client.post("/preferences/language", data={"lang": lang, "csrf_token": csrf_of(client.get("/").text)})
    found = {}
    for path in PAGES:
        text = visible_text(client.get(path).text)
        hits = set(CODES.findall(text)) | set((ENGLISH if lang == "es" else SPANISH).findall(text))
        if hits:
            found[path] = sorted(hits)
            found[path + " context"] = [text[max(0, m.start() - 60):m.end() + 20]
                                        for m in (ENGLISH if lang == "es" else SPANISH).finditer(text)][:3]
    client.post("/preferences/language", data={"lang": "es", "csrf_token": csrf_of(client.get("/").text)})
    assert found == {}
