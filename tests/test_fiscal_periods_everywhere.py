"""Issue 17 items 2 and 4: goals, OKRs, quotas and report schedules follow the workspace's fiscal
year, named as people name it; what is stored keeps its dates when the fiscal year start changes
(and says so when it no longer lines up); the goals and reports forms offer periods, scopes and
formats by name instead of typed codes.

Store-level tests run on both backends (the `store` fixture); route tests use one small DuckDB
workspace with an admin, its fiscal year starting in April and today 15 May 2026. Every span and
name below is worked out by hand.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa
from alembic import command
from fastapi.testclient import TestClient

import support
from goals.helpers import tiny_records, use_smtp
from pulso import goals, reports
from pulso.config import Settings
from pulso.engine import Engine
from pulso.goals import okrs
from pulso.goals.scopes import GoalError, name_period, parse_period
from pulso.goals.suggest import window
from pulso.store import Store, tables_goals as T
from pulso.store.store import _alembic_config
from pulso.web.auth import set_password

D = dt.date
UTC = dt.timezone.utc
PASSWORD = "correct horse battery"
TODAY = D(2026, 5, 15)
KRS = [{"title": "Cerrar más", "kpi": "close_rate", "start_value": "0", "target_value": "1"},
       {"title": "Casos publicados", "kpi": None, "start_value": "0", "target_value": "4"}]


# -- periods as text: quarters and years of the fiscal year --------------------------------------

@pytest.mark.parametrize("text, fiscal, start, end, grain", [
    ("2026-Q1", 4, D(2026, 4, 1), D(2026, 7, 1), "quarter"),     # a year from April: Q1 = April–June
    ("2026-Q4", 4, D(2027, 1, 1), D(2027, 4, 1), "quarter"),     # ... its Q4 is January–March of the next year
    ("2026", 4, D(2026, 4, 1), D(2027, 4, 1), "year"),           # FY2026-27
    ("2026-Q1", 10, D(2026, 10, 1), D(2027, 1, 1), "quarter"),   # named by the year it starts in
    ("2026-Q3", 1, D(2026, 7, 1), D(2026, 10, 1), "quarter"),    # January: calendar, as before
    ("2026", 1, D(2026, 1, 1), D(2027, 1, 1), "year"),
    ("2026-10", 4, D(2026, 10, 1), D(2026, 11, 1), "month"),     # months do not move
])
def test_a_period_text_is_read_as_a_quarter_or_year_of_the_fiscal_year(text, fiscal, start, end, grain):
    span = parse_period(text, fiscal)
    assert (span.start, span.end, span.grain) == (start, end, grain)
    assert name_period(start, grain, fiscal) == text


def test_a_suggested_goal_spans_the_fiscal_quarter():
    # a year from February: quarters Feb–Apr, May–Jul; 15 May 2026 is in May–Jul
    assert window(TODAY, 2) == (D(2026, 5, 1), D(2026, 7, 31))
    assert window(TODAY) == (D(2026, 4, 1), D(2026, 6, 30))


# -- the store: objectives, quotas, goals and schedules keep their dates --------------------------

@pytest.fixture
def tiny(store) -> Store:
    store.upsert_many(tiny_records())
    return store


def _objective(store, oid: str):
    with store.engine.connect() as conn:
        return conn.execute(sa.select(T.okr_objectives).where(T.okr_objectives.c.id == oid)).mappings().one()


def test_an_objective_keeps_its_fiscal_quarter_and_says_when_it_no_longer_lines_up(tiny):
    tiny.set_setting("fiscal_year_start", "4")
    engine = Engine(tiny)
    obj = goals.create_objective(tiny, engine, title="Crecer", quarter="2026-Q1", key_results=KRS)
    row = _objective(tiny, obj["id"])
    assert (row["start_date"], row["end_date"]) == (D(2026, 4, 1), D(2026, 7, 1))
    [found] = goals.objectives(tiny, quarter="2026-Q1")
    assert found["aligned"] and okrs.period_words(found, "es", 4) == ("T1 del ejercicio 2026-27", "")
    assert okrs.period_words(found, "en", 4) == ("Q1 FY2026-27", "")
    # the close rate over April–June: April's deals only, 1 won of 2 closed (January–March was 6 of 10)
    scored = goals.scored(engine, found, D(2026, 6, 30))
    assert scored["key_results"][0]["value"] == pytest.approx(0.5)
    assert goals.objectives(tiny, quarter="2025-Q4") == []  # January–March 2026
    # The admin moves the fiscal year to February: quarters Feb–Apr, May–Jul. The objective keeps
    # April–June, is listed in both quarters it touches and says it is no quarter of the year.
    tiny.set_setting("fiscal_year_start", "2")
    assert (_objective(tiny, obj["id"])["start_date"], _objective(tiny, obj["id"])["end_date"]) == (D(2026, 4, 1), D(2026, 7, 1))
    for quarter in ("2026-Q1", "2026-Q2"):
        [again] = goals.objectives(tiny, quarter=quarter)
        assert not again["aligned"]
    words, note = okrs.period_words(again, "es", 2)
    assert words == "1 abr 2026 – 30 jun 2026"
    assert note == "No coincide con un trimestre del ejercicio actual: se guardó para 1 abr 2026 – 30 jun 2026."
    assert okrs.period_words(again, "en", 2)[1] == "Not a quarter of the current fiscal year: it was saved for Apr 1, 2026 – Jun 30, 2026."
    assert goals.scored(engine, again, D(2026, 6, 30))["key_results"][0]["value"] == pytest.approx(0.5)


def test_the_migration_gives_stored_quarters_and_sent_periods_their_calendar_dates(store):
    cfg = _alembic_config()
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0016")
    now = dt.datetime(2026, 10, 1, tzinfo=UTC)
    with store.engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO okr_objectives (id, title, quarter, scope_kind, created_at) "
                             "VALUES ('okr-old', 'Antiguo', '2026-Q3', 'company', :now)"), {"now": now})
        for sid, frequency, last in (("s-q", "quarter", "2026-Q3"), ("s-w", "week", "2026-W05"), ("s-n", "month", None)):
            conn.execute(sa.text("INSERT INTO report_schedules (id, name, frequency, scope_kind, lang, format, recipients, "
                                 "last_period, created_at) VALUES (:id, 'x', :f, 'company', 'es', 'html', 'a@b.es', :last, :now)"),
                         {"id": sid, "f": frequency, "last": last, "now": now})
    store.upgrade()
    row = _objective(store, "okr-old")  # a text always meant a calendar quarter: July–September
    assert (row["start_date"], row["end_date"]) == (D(2026, 7, 1), D(2026, 10, 1))
    starts = {s["id"]: s["last_start"] for s in reports.schedules(store)}
    assert starts == {"s-q": D(2026, 7, 1), "s-w": D(2026, 1, 26), "s-n": None}  # ISO week 5 of 2026 starts on Monday 26 January


def test_a_quota_is_for_the_fiscal_period_and_replaces_only_the_same_span(tiny):
    goals.set_quota(tiny, scope="rep:u1", period="2026-Q2", amount=100)  # calendar: April–June
    tiny.set_setting("fiscal_year_start", "4")
    q = goals.set_quota(tiny, scope="rep:u1", period="2026-Q1", amount=200)  # April–June again: replaces it
    assert (q["period_start"], q["period_end"]) == (D(2026, 4, 1), D(2026, 6, 30))
    goals.set_quota(tiny, scope="rep:u1", period="2026-Q2", amount=300)  # July–September: another quota
    goals.set_quota(tiny, scope="rep:u1", period="2026", amount=1200)  # April 2026 – March 2027
    rows = sorted((r["period_start"], r["period_end"], float(r["amount"])) for r in tiny.rows("quotas"))
    assert rows == [(D(2026, 4, 1), D(2026, 6, 30), 200.0), (D(2026, 4, 1), D(2027, 3, 31), 1200.0),
                    (D(2026, 7, 1), D(2026, 9, 30), 300.0)]
    assert [(r["period_start"]) for r in goals.quotas(tiny, period="2026-Q2")] == [D(2026, 4, 1), D(2026, 7, 1)]


def test_a_goal_by_quarter_takes_its_baseline_from_fiscal_quarters(tiny):
    tiny.set_setting("fiscal_year_start", "2")  # quarters Nov–Jan, Feb–Apr, May–Jul
    g = goals.create_goal(tiny, Engine(tiny), kpi="close_rate", target="70%", start="2026-05-10",
                          deadline="2026-07-31", grain="quarter", baseline_periods=2, today=TODAY)
    # Nov 2025 – Jan 2026: January's 1 won of 2 (0.5); Feb–Apr: 2+3+1 won of 4+4+2 (0.6); mean 0.55
    # (calendar quarters would have read Oct–Dec, empty, and Jan–Mar, 0.6)
    assert (g["baseline_from"], g["baseline_to"]) == (D(2025, 11, 1), D(2026, 5, 1))
    assert g["baseline"] == pytest.approx(0.55)


def test_a_quarterly_schedule_sends_fiscal_quarters_never_twice_nor_skipping_one(tiny):
    engine = Engine(tiny)
    with support.smtp_server() as server:
        use_smtp(tiny, server)
        tiny.set_setting("fiscal_year_start", "4")
        sched = reports.create_schedule(tiny, name="Trimestral", frequency="quarter", recipients="ana@example.com",
                                        fmt="html")
        sent = reports.send_due(tiny, engine, dt.datetime(2026, 7, 2, 9, tzinfo=UTC))
        assert [e["status"] for e in sent] == ["sent"]
        [row] = reports.schedules(tiny)
        assert (row["last_period"], row["last_start"]) == ("2026-Q1", D(2026, 4, 1))  # April–June, FY2026-27
        assert "T1 del ejercicio 2026-27" in server["received"][0]["message"]["subject"]
        # back to calendar quarters: the last whole one is April–June again, already sent
        tiny.set_setting("fiscal_year_start", "1")
        assert reports.send_due(tiny, engine, dt.datetime(2026, 7, 3, 9, tzinfo=UTC)) == []
        # from February: on 2 August the last whole quarter is May–July, not sent yet
        tiny.set_setting("fiscal_year_start", "2")
        assert len(reports.send_due(tiny, engine, dt.datetime(2026, 8, 2, 9, tzinfo=UTC))) == 1
        assert reports.schedules(tiny)[0]["last_start"] == D(2026, 5, 1)
        assert len(server["received"]) == 2
    assert sched["id"] == row["id"]


def test_a_quarter_text_that_is_no_quarter_is_refused(tiny):
    with pytest.raises(GoalError):
        goals.create_objective(tiny, Engine(tiny), title="X", quarter="2026-05", key_results=KRS)


# -- the pages: fiscal names and pickers instead of typed codes -----------------------------------

@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A tiny workspace (fiscal year from April) with an admin, its quota for April–June, an
    objective saved for May–July (no quarter of that year) and a schedule that sent April–June."""
    from pulso.web import WebSettings, create_app

    url = f"duckdb:///{tmp_path_factory.mktemp('fiscal-everywhere') / 'w.duckdb'}"
    with Store(Settings(url)) as store:
        store.init(timezone="Europe/Madrid", currency="EUR")
        records = tiny_records()
        records["users"].append({"id": "a0", "name": "Alba", "email": "alba@example.com", "role": "admin",
                                 "created_at": "2025-01-01T00:00:00+00:00"})
        store.upsert_many(records)
        set_password(store, "a0", PASSWORD)
        store.set_setting("fiscal_year_start", "4")
        goals.set_quota(store, scope="rep:u1", period="2026-Q1", amount=1000)
        now = dt.datetime(2026, 5, 1, tzinfo=UTC)
        with store.connect() as conn:
            conn.execute(T.okr_objectives.insert().values(
                id="okr-may", title="Objetivo de mayo", quarter="2026-Q2", scope_kind="company", created_at=now,
                start_date=D(2026, 5, 1), end_date=D(2026, 8, 1)))
            conn.execute(T.report_schedules.insert().values(
                id="sched-q", name="Dirección", frequency="quarter", scope_kind="company", lang="es", format="html",
                recipients="ana@example.com", last_period="2025-Q4", last_start=D(2026, 1, 1), created_at=now))
    app = create_app(WebSettings(store=Settings(url), secret_key="s", strict_i18n=True, today=TODAY))
    client = TestClient(app, client=("10.0.17.4", 5000))
    token = _csrf(client.get("/signin").text)
    assert client.post("/signin", data={"email": "alba@example.com", "password": PASSWORD, "csrf_token": token,
                                        "next": "/"}, follow_redirects=False).status_code == 303
    yield {"client": client, "store": app.state.services.store}
    app.state.services.close()


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _lang(client, lang: str) -> None:
    client.post("/preferences/language", data={"lang": lang, "csrf_token": _csrf(client.get("/").text)})


def _form(page: str, testid: str) -> str:
    return page.split(f'data-testid="{testid}"')[1].split("</form>")[0]


def _options(html: str, name: str) -> dict[str, str]:
    select = html.split(f'name="{name}"')[1].split("</select>")[0]
    return {v: re.sub(r"\s+", " ", t).strip() for v, t in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)}


def _selected(html: str, name: str) -> str:
    select = html.split(f'name="{name}"')[1].split("</select>")[0]
    return re.search(r'<option value="([^"]*)" selected>', select).group(1)


def test_the_goals_page_names_fiscal_quarters_and_offers_quota_periods_by_name(site):
    client = site["client"]
    _lang(client, "es")
    page = client.get("/goals?period=quarter").text
    assert "OKR · T1 del ejercicio 2026-27" in page and "Cuotas · T1 del ejercicio 2026-27" in page
    quota = _form(page, "quota-form")
    assert '<input name="period"' not in quota
    periods = _options(quota, "period")
    assert periods["2026-Q1"] == "T1 del ejercicio 2026-27" and periods["2026-05"] == "Mayo 2026"
    assert periods["2026"] == "Ejercicio 2026-27" and periods["2026-Q4"] == "T4 del ejercicio 2026-27"
    assert _selected(quota, "period") == "2026-Q1"
    assert set(_options(quota, "scope").values()) == {"Norte", "Sur", "Ana", "Bea", "Otro", "Alba"}
    okr = _options(_form(page, "okr-form"), "quarter")
    assert okr["2026-Q1"] == "T1 del ejercicio 2026-27" and okr["2025-Q4"] == "T4 del ejercicio 2025-26"
    # the objective saved for May–July lies across two fiscal quarters: shown by its dates, and said so
    assert "Objetivo de mayo" in page
    note = re.search(r'data-testid="okr-not-a-quarter">([^<]*)<', page).group(1)
    assert note == "No coincide con un trimestre del ejercicio actual: se guardó para 1 may 2026 – 31 jul 2026."
    _lang(client, "en")
    page = client.get("/goals?period=quarter").text
    assert "OKR · Q1 FY2026-27" in page and _options(_form(page, "quota-form"), "period")["2026"] == "FY2026-27"
    _lang(client, "es")


def test_a_quota_picked_by_name_is_stored_for_the_fiscal_span(site):
    client = site["client"]
    _lang(client, "es")
    token = _csrf(client.get("/goals").text)
    response = client.post("/quotas", data={"csrf_token": token, "scope": "rep:u2", "period": "2026", "amount": "12000"},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    rows = [(r["period_start"], r["period_end"]) for r in site["store"].rows("quotas") if r["owner_id"] == "u2"]
    assert rows == [(D(2026, 4, 1), D(2027, 3, 31))]
    refused = client.post("/quotas", data={"csrf_token": token, "scope": "rep:u2", "period": "2026-Q9", "amount": "1"})
    assert refused.status_code == 400 and 'data-testid="form-error"' in refused.text


def test_the_sales_quota_columns_are_the_fiscal_quarter_and_year(site):
    client = site["client"]
    _lang(client, "es")
    page = client.get("/sales?period=month&at=2026-05-01").text
    headers = [re.sub(r"<[^>]+>|\s+", " ", h).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", page, re.S)]
    assert "Trimestre (T1 del ejercicio 2026-27)" in headers and "Año (Ejercicio 2026-27)" in headers
    assert "Mes (Mayo 2026)" in headers


def test_the_reports_page_offers_periods_scopes_and_formats_by_name(site):
    client = site["client"]
    _lang(client, "es")
    page = client.get("/reports").text
    download = _form(page, "download-form")
    assert '<input name="report"' not in download
    periods = _options(download, "report")
    assert _selected(download, "report") == "2026-04"  # the last whole month of 15 May 2026
    assert periods["2026-04"] == "Abril 2026" and periods["2026-Q1"] == "T1 del ejercicio 2026-27"
    assert periods["2025"] == "Ejercicio 2025-26" and "2026-06" not in periods  # nothing ahead of today
    assert _options(download, "format") == {"pdf": "PDF", "html": "Página web (HTML)"}
    schedule = _form(page, "schedule-form")
    assert '<input name="scope"' not in schedule
    assert _options(schedule, "scope") == {"company": "Toda la empresa", "team:t1": "Norte", "team:t2": "Sur",
                                           "rep:a0": "Alba", "rep:u1": "Ana", "rep:u2": "Bea", "rep:u9": "Otro"}
    assert _options(schedule, "format") == {"pdf": "PDF", "html": "Página web (HTML)"}
    assert _options(schedule, "frequency") == {"week": "Cada semana", "month": "Cada mes", "quarter": "Cada trimestre"}
    row = page.split('data-testid="schedules"')[1].split("</tr>")[1]
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    # sent January–March 2026: the fourth quarter of the year from April 2025
    assert cells[:5] == ["Dirección", "Cada trimestre", "toda la empresa", "ana@example.com", "T4 del ejercicio 2025-26"]
    _lang(client, "en")
    page = client.get("/reports").text
    assert _options(_form(page, "download-form"), "format")["html"] == "Web page (HTML)"
    assert _options(_form(page, "download-form"), "report")["2026-Q1"] == "Q1 FY2026-27"
    _lang(client, "es")


def test_a_report_downloaded_for_a_fiscal_quarter_is_named_so(site):
    client = site["client"]
    _lang(client, "es")
    response = client.get("/reports/download?report=2026-Q1&format=html")
    assert response.status_code == 200
    assert "T1 del ejercicio 2026-27" in response.text
    assert 'filename="pulso-2026-Q1.html"' in response.headers["content-disposition"]


def test_a_schedule_for_a_team_picked_by_name_is_stored_and_a_foreign_scope_refused(site):
    client = site["client"]
    _lang(client, "es")
    token = _csrf(client.get("/reports").text)
    store = site["store"]
    before = len(reports.schedules(store))
    bad = client.post("/reports/schedules", data={"csrf_token": token, "name": "X", "frequency": "month",
                                                  "recipients": "a@b.es", "scope": "team:nadie", "format": "pdf"})
    assert bad.status_code == 400
    ok = client.post("/reports/schedules", data={"csrf_token": token, "name": "Norte mensual", "frequency": "month",
                                                 "recipients": "a@b.es", "scope": "team:t1", "format": "html"},
                     follow_redirects=False)
    assert ok.status_code == 303
    found = [s for s in reports.schedules(store) if s["name"] == "Norte mensual"]
    assert len(reports.schedules(store)) == before + 1
    assert [(s["scope_kind"], s["scope_id"], s["format"]) for s in found] == [("team", "t1", "html")]
