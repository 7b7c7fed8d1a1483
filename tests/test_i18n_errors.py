"""The last errors that were said in English only (issue 14 item 5): each family said in Spanish and
in English by its real door, and its str() / the API's reason still the English it always was.

A reader's reason for refusing a row (the import page and `pulso import`), a goal's input error (the
goal form), the rates file's rows (the rates import page), a channel setting and a store setting
(the CLI), a ValidationError printed whole by the CLI."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from fastapi.testclient import TestClient

from pulso import i18n
from pulso.config import Settings
from pulso.store import Store

PASSWORD = "correct horse battery"
#: d1's title is a formula; d2's created_at is outside the years the store keeps.
BAD_CSV = "id,title,status,created_at\nd1,=SUM(A1:A9),open,2024-01-02\nd2,Dos,open,1850-01-02\n"
FORMULA_ES = ("title parece una fórmula de hoja de cálculo; Pulso no guarda fórmulas (quite el =, +, - o @ del "
              "principio, o exporte valores en lugar de fórmulas)")
FORMULA_EN = ("title looks like a spreadsheet formula; Pulso does not store formulas (remove the leading =, +, - or @, "
              "or export values instead of formulas)")
YEARS_ES = "created_at '1850-01-02' está fuera de los años 1900–2200"
YEARS_EN = "created_at '1850-01-02' is outside the years 1900–2200"


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """An empty workspace with one admin, and the app on it (strict translations)."""
    from pulso.web import WebSettings, create_app
    from pulso.web.auth import set_password

    url = f"duckdb:///{tmp_path_factory.mktemp('i18n-errors') / 'w.duckdb'}"
    with Store(Settings(url)) as store:
        store.init(timezone="UTC", currency="EUR")
        store.upsert_many({"users": [{"id": "u1", "name": "Ada", "email": "ada@example.com", "role": "admin",
                                      "created_at": "2024-01-01"}]})
        set_password(store, "u1", PASSWORD)
    app = create_app(WebSettings(store=Settings(url), secret_key="s", strict_i18n=True, today=dt.date(2024, 6, 30)))
    yield {"app": app, "url": url}
    app.state.services.close()


def signed_in(site, lang: str) -> TestClient:
    """Ada's browser, her stored language `lang` (read when signing in)."""
    from pulso.web.auth import set_locale

    app = site["app"]
    app.state.services.run(set_locale, app.state.services.store, "u1", lang)
    client = TestClient(app)
    client.post("/signin", data={"email": "ada@example.com", "password": PASSWORD,
                                 "csrf_token": csrf(client.get("/signin").text), "next": "/"})
    return client


def run_cli(monkeypatch, capsys, args: list[str], lang: str) -> str:
    """`pulso ARGS` through its one error handler in `lang` (PULSO_LANG); its error output."""
    from pulso.cli import main

    monkeypatch.setenv("PULSO_LANG", lang)
    monkeypatch.setenv("COLUMNS", "400")
    monkeypatch.setattr("sys.argv", ["pulso", *args])
    with pytest.raises(SystemExit) as done:
        main()
    assert done.value.code == 1
    return capsys.readouterr().err


# -- 1. a reader's reason for refusing a row ---------------------------------------------------

def test_the_import_page_says_the_reader_s_refusals_in_the_reader_s_language(site):
    seen = {}
    for lang in ("es", "en"):
        client = signed_in(site, lang)
        page = client.get("/data/import")
        preview = client.post("/data/import/preview", data={"csrf_token": csrf(page.text), "table_name": "deals"},
                              files={"files": ("bad.csv", BAD_CSV.encode(), "text/csv")})
        token = re.search(r'name="token" value="([0-9a-f]+)"', preview.text).group(1)
        done = client.post("/data/import/run", data={
            "csrf_token": csrf(preview.text), "token": token, "table": "deals", "col__id": "id",
            "col__title": "title", "col__status": "status", "col__created_at": "created_at", "mode": "import"})
        table = done.text.split('data-testid="import-errors"')[1].split("</table>")[0]
        seen[lang] = sorted(html.unescape(r) for r in re.findall(r"<td>([^<]*)</td></tr>", table))
    # the store refuses the formula too (its reason, "deals.title …", was already said in Spanish)
    assert seen == {"es": sorted([FORMULA_ES, "deals." + FORMULA_ES, YEARS_ES]),
                    "en": sorted([FORMULA_EN, "deals." + FORMULA_EN, YEARS_EN])}


def test_pulso_import_says_the_reader_s_refusals_in_spanish_and_keeps_the_english_reason(site, tmp_path, monkeypatch,
                                                                                          capsys):
    from pulso.ingest import ImportFailed, import_files

    csv = tmp_path / "deals.csv"
    csv.write_text(BAD_CSV, encoding="utf-8")
    args = ["import", str(csv), "--table", "deals", "--db", site["url"]]
    spanish = run_cli(monkeypatch, capsys, args, "es").splitlines()
    assert f"  deals.csv, línea 2, columna title: {FORMULA_ES} (valor '=SUM(A1:A9)')" in spanish
    assert f"  deals.csv, línea 3, columna created_at: {YEARS_ES} (valor '1850-01-02')" in spanish
    english = run_cli(monkeypatch, capsys, args, "en").splitlines()
    assert f"  deals.csv, line 3, column created_at: {YEARS_EN} (value '1850-01-02')" in english
    with Store(Settings(site["url"])) as store, pytest.raises(ImportFailed) as failed:
        import_files(store, [csv], table="deals")
    assert sorted(e.reason for e in failed.value.result.errors) == sorted([FORMULA_EN, "deals." + FORMULA_EN, YEARS_EN])
    assert "deals.csv, line 3, column created_at: created_at '1850-01-02' is outside the years 1900–2200 (value '1850-01-02')" in str(failed.value)


def test_a_file_the_reader_refuses_whole_is_said_in_the_cli_s_language(site, tmp_path, monkeypatch, capsys):
    csv = tmp_path / "solo.csv"
    csv.write_text("id,title,status,created_at\n", encoding="utf-8")
    args = ["import", str(csv), "--table", "deals", "--db", site["url"]]
    assert "  solo.csv: el archivo tiene cabecera pero ninguna fila" in run_cli(monkeypatch, capsys, args, "es").splitlines()
    assert "  solo.csv: the file has a header but no rows" in run_cli(monkeypatch, capsys, args, "en").splitlines()


def test_an_ambiguous_date_order_and_a_bad_number_are_msgids_with_their_old_english():
    import pyarrow as pa
    import sqlalchemy as sa
    from zoneinfo import ZoneInfo

    from pulso.ingest import values

    opts = values.ValueOptions(ZoneInfo("UTC"))
    _, [(_, _, ambiguous)] = values.convert(pa.array(["03/04/2024"]), sa.Column("d", sa.DateTime()), opts)
    assert ambiguous == ("dates such as 03/04/2024 could be day-first or month-first; say which with "
                         "--date-order dmy or --date-order mdy (date_order in a mapping)")
    assert i18n.said_text(ambiguous.text, ambiguous.values, ambiguous, i18n.translator("es")).startswith(
        "una fecha como 03/04/2024 puede tener el día o el mes primero")
    _, [(_, _, number)] = values.convert(pa.array(["doce"]), sa.Column("n", sa.Integer()), opts)
    assert number == "'doce' is not a number"
    assert i18n.said_text(number.text, number.values, number, i18n.translator("es")) == "'doce' no es un número"


# -- 2. goals and OKRs -------------------------------------------------------------------------

def test_the_goal_form_says_a_goal_s_refusal_in_the_reader_s_language(site):
    from pulso.errors import GoalError
    from pulso.goals import create_goal
    from pulso.engine import Engine

    seen = {}
    for lang in ("es", "en"):
        client = signed_in(site, lang)
        token = csrf(client.get("/goals").text)
        r = client.post("/goals", data={"csrf_token": token, "kpi": "close_rate", "target": "55%", "start": "2024-03-01",
                                        "deadline": "2024-06-01", "scope": "company", "name": "n" * 201})
        assert r.status_code == 400
        seen[lang] = html.unescape(re.search(r'data-testid="form-error">([^<]*)<', r.text).group(1))
    assert seen == {"es": "nombre: como mucho 200 caracteres", "en": "name: at most 200 characters"}
    with Store(Settings(site["url"])) as store, pytest.raises(GoalError) as caught:
        create_goal(store, Engine(store), kpi="close_rate", target="abc", today=dt.date(2024, 6, 30))
    assert str(caught.value) == "target: 'abc' is not a number"
    assert i18n.error_text(caught.value, "es") == "meta: 'abc' no es un número"


def test_an_okr_s_refusal_says_its_field_in_the_reader_s_language():
    from pulso.errors import GoalError
    from pulso.goals.okrs import parse_key_result
    from pulso.goals.scopes import parse_number, parse_period

    with pytest.raises(GoalError) as caught:
        parse_number("mucho", i18n.saying(i18n.N_("meta del resultado clave {i}"), i=2))
    assert str(caught.value) == "key result 2 target: 'mucho' is not a number"
    assert i18n.error_text(caught.value, "es") == "meta del resultado clave 2: 'mucho' no es un número"
    with pytest.raises(GoalError) as caught:
        parse_period("2026-13")
    assert (str(caught.value), i18n.error_text(caught.value, "es")) == (
        "period '2026-13': there is no month 13", "periodo '2026-13': no existe el mes 13")
    with pytest.raises(GoalError) as caught:
        parse_key_result("solo")
    assert i18n.error_text(caught.value, "es") == ("el resultado clave 'solo' no es TÍTULO|KPI|INICIO|META (deje el "
                                                   "KPI vacío si se actualiza a mano)")


# -- 3. settings and rates -----------------------------------------------------------------------

def test_the_rates_import_page_says_a_bad_row_in_the_reader_s_language(site):
    from pulso import rates
    from pulso.errors import ValidationError

    body = b"currency,date,rate\nUSD,2024-02-30,1.1\nMXN,2024-02-01,0\n"
    seen = {}
    for lang in ("es", "en"):
        client = signed_in(site, lang)
        token = csrf(client.get("/admin/rates").text)
        page = client.post("/admin/rates/upload", data={"csrf_token": token},
                           files={"file": ("tipos.csv", body, "text/csv")}).text
        seen[lang] = [html.unescape(line) for line in re.findall(r"<li>(tipos\.csv[^<]*)</li>", page)]
    assert seen == {
        "es": ["tipos.csv línea 2: row: '2024-02-30' no es una fecha; use AAAA-MM-DD",
               "tipos.csv línea 3: row: '0' no es un tipo: debe ser un número mayor que 0"],
        "en": ["tipos.csv line 2: row: '2024-02-30' is not a date; use YYYY-MM-DD",
               "tipos.csv line 3: row: '0' is not a rate: it must be a number above 0"]}
    with Store(Settings(site["url"])) as store, pytest.raises(ValidationError) as caught:
        rates.set_rate(store, "usd", dt.date(2024, 1, 1), "-1")
    assert str(caught.value.errors[0]) == "exchange_rates: rate: '-1' is not a rate: it must be a number above 0"


def test_a_channel_setting_and_a_store_setting_are_said_in_the_cli_s_language(site, monkeypatch, capsys):
    from pulso.errors import ConfigError
    from pulso.store import settings as ws_settings

    args = ["alerts", "channels", "--set", "smtp_port=veinte", "--db", site["url"]]
    assert run_cli(monkeypatch, capsys, args, "es").strip() == "error: --set: smtp_port debe ser un número entero, no 'veinte'"
    assert run_cli(monkeypatch, capsys, args, "en").strip() == "error: --set: smtp_port must be a whole number, not 'veinte'"
    with pytest.raises(ConfigError) as caught:
        ws_settings.check_working_hours("18:00-09:00")
    assert str(caught.value) == "working_hours are HH:MM-HH:MM with the start before the end, not '18:00-09:00'"
    assert i18n.error_text(caught.value, "es") == ("working_hours son HH:MM-HH:MM con el inicio antes del fin, "
                                                   "no '18:00-09:00'")


# -- 4. a ValidationError printed whole by the CLI ----------------------------------------------

def test_the_cli_prints_a_validation_error_line_by_line_in_its_language(site, monkeypatch, capsys):
    args = ["rates", "set", "USD", "2024-01-01", "cero", "--db", site["url"]]
    assert run_cli(monkeypatch, capsys, args, "es").splitlines() == [
        "error: 1 error; no se escribió nada:", "  exchange_rates: rate: 'cero' no es un número"]
    assert run_cli(monkeypatch, capsys, args, "en").splitlines() == [
        "error: 1 error; nothing was written:", "  exchange_rates: rate: 'cero' is not a number"]
