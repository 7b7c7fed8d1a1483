"""The fiscal year on pages (issue 17 item 4) and the value labels of the record lists, on a copy
of the web test workspace (its today is 31 October 2026) with an admin signed in."""

from __future__ import annotations

import re
import shutil

import pytest

from conftest import AS_OF, csrf_of, sign_in  # noqa: E402


@pytest.fixture(scope="module")
def admin(web_workspace, tmp_path_factory):
    """An admin's client on a copy of the web workspace (the settings change there only)."""
    from fastapi.testclient import TestClient

    from pulso.config import Settings
    from pulso.web import WebSettings, create_app

    target = tmp_path_factory.mktemp("fiscal") / "fiscal.duckdb"
    shutil.copy(web_workspace["url"].removeprefix("duckdb:///"), target)
    app = create_app(WebSettings(store=Settings(f"duckdb:///{target}"), secret_key="test-secret",
                                 strict_i18n=True, today=AS_OF))
    client = TestClient(app, client=("10.0.9.1", 5000))
    info = web_workspace["signins"]["admin"]
    assert sign_in(client, info["email"], info["password"]).status_code == 303
    yield client
    app.state.services.close()


def in_language(client, lang: str) -> None:
    client.post("/preferences/language", data={"lang": lang, "csrf_token": csrf_of(client.get("/").text)})


def period_label(client, path: str) -> str:
    found = re.search(r'data-testid="period-label">([^<]*)<', client.get(path).text)
    assert found, path
    return found.group(1)


def fiscal_start(client, month: str) -> None:
    token = csrf_of(client.get("/admin/settings").text)
    response = client.post("/admin/settings/general", data={"timezone": "Europe/Madrid", "currency": "EUR",
                                                            "fiscal_year_start": month, "csrf_token": token},
                           follow_redirects=False)
    assert response.status_code == 303, response.text


def test_the_quarter_and_the_year_move_when_the_fiscal_year_start_changes(admin):
    in_language(admin, "es")
    # 31 October 2026, calendar year: Q4 = 1 Oct – 31 Dec 2026
    assert period_label(admin, "/?period=quarter") == "T4 2026"
    assert period_label(admin, "/?period=year") == "2026"
    fiscal_start(admin, "4")
    try:
        # From April: 31 Oct 2026 is in the third quarter (1 Oct – 31 Dec) of the year 1 Apr 2026 – 31 Mar 2027
        assert period_label(admin, "/?period=quarter") == "T3 del ejercicio 2026-27"
        assert period_label(admin, "/?period=year") == "Ejercicio 2026-27"
        body = admin.get("/?period=year", headers={"accept": "application/json"}).json()
        assert body["period"]["start"] == "2026-04-01" and body["period"]["end"] == "2027-04-01"
        in_language(admin, "en")
        assert period_label(admin, "/?period=quarter") == "Q3 FY2026-27"
        fiscal_start(admin, "2")
        # From February: quarters Feb–Apr, May–Jul, Aug–Oct: 31 Oct is the last day of Q3 (1 Aug – 31 Oct)
        assert period_label(admin, "/?period=quarter") == "Q3 FY2026-27"
        body = admin.get("/?period=quarter", headers={"accept": "application/json"}).json()
        assert body["period"]["start"] == "2026-08-01" and body["period"]["end"] == "2026-11-01"
        # the previous quarter is May–Jul
        page = admin.get("/?period=quarter").text
        assert "at=2026-05-01" in page
    finally:
        fiscal_start(admin, "1")
        in_language(admin, "es")
    assert period_label(admin, "/?period=quarter") == "T4 2026"


def cells_of(page: str, tag: str = "td") -> list[str]:
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(rf"<{tag}[^>]*>(.*?)</{tag}>", page, re.S)]


def test_the_leads_and_accounts_lists_show_the_source_by_the_workspaces_label_in_the_readers_language(admin):
    from pulso.store.settings import save

    store = admin.app.state.services.store
    lead = next(r for r in store.rows("leads") if r["source"] == "referral")
    save(store, {"value_labels": '{"source": {"referral": {"es": "Boca a boca", "en": "Word of mouth"}}}'})
    try:
        in_language(admin, "es")
        lead_page = admin.get(f"/leads?q={lead['email']}").text
        assert "Boca a boca" in cells_of(lead_page) and "referral" not in cells_of(lead_page)
        accounts = admin.get("/accounts?source=referral").text
        assert "Origen" in cells_of(accounts, "th") and "Boca a boca" in cells_of(accounts)
        assert {"value": "referral", "label": "Boca a boca"} in admin.get(
            "/accounts?source=referral", headers={"accept": "application/json"}).json()["filters"][1]["options"]
        in_language(admin, "en")
        assert "Word of mouth" in cells_of(admin.get(f"/leads?q={lead['email']}").text)
        page = admin.get("/accounts?source=referral").text
        assert "Word of mouth" in cells_of(page) and "Source" in cells_of(page, "th")
    finally:
        save(store, {"value_labels": "{}"})
        in_language(admin, "es")
    # without a workspace label, the built-in one: 'Recomendación' (es)
    assert "Recomendación" in cells_of(admin.get("/accounts?source=referral").text)


@pytest.mark.parametrize("key, low, expected", [
    ("lead_conversion_rate", True, "Tu Tasa de conversión de leads está por debajo de la de tus compañeros"),  # fs
    ("first_response_time_hours", False, "Tu Tiempo de respuesta está por encima del de tus compañeros"),  # ms
    ("revenue_won", True, "Tus Ingresos nuevos están por debajo de los de tus compañeros"),  # mp
    ("open_opportunities", False, "Tus Oportunidades abiertas están por encima de las de tus compañeros"),  # fp
])
def test_a_flagged_reps_own_peers_title_agrees_with_the_kpi_name(key, low, expected):
    """The rep's own view of a peers alert: 'Tu … está por debajo de la de …' only for a
    feminine singular name; masculine and plural names agree (alerts/wording.py)."""
    from pulso.alerts import detect, texts
    from pulso.catalog import load_catalog

    meta = next(m for m in load_catalog() if m.key == key)
    row = {"owner": "usr-ana", "value": 0.05 if low else 0.5, "numerator": 5, "denominator": 100}
    params = {"days": 180, "min_sample": 30, "confidence": 0.99}
    finding = detect._peers_finding(meta, params, row, 0.20, -3.5 if low else 3.5, 5, True, AS_OF,
                                    AS_OF, AS_OF, "source", [], ("EUR", {"owner": {"usr-ana": "Ana Ruiz"}}))
    own = finding.detail["for_rep"]["text"]
    assert texts.render(own, "es")[0] == expected
    assert texts.render(own, "en")[0] == f"Your {meta.name['en']} is {'below' if low else 'above'} your peers'"


# -- the OKR form (issue 17 item 2): key results as labelled rows with the KPI picker -------------------

def okr_post(client, **fields):
    token = csrf_of(client.get("/goals").text)
    return client.post("/okrs", data={"csrf_token": token, "title": "Crecer", "quarter": "2026-Q4", **fields},
                       follow_redirects=False)


def okr_rows(client, table: str) -> list[dict]:
    import sqlalchemy as sa

    from pulso.store import tables_goals

    with client.app.state.services.store.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(sa.select(getattr(tables_goals, table)))]


def stored(client) -> tuple[int, int]:
    return len(okr_rows(client, "okr_objectives")), len(okr_rows(client, "okr_key_results"))


def field_errors(page: str) -> dict[str, str]:
    return dict(re.findall(r'data-field="([^"]+)">([^<]*)<', page))


def test_the_okr_form_has_labelled_key_result_rows_added_and_removed_without_storing(admin):
    in_language(admin, "es")
    page = admin.get("/goals").text
    form = page.split('data-testid="okr-form"')[1].split("</form>")[0]
    assert "<textarea" not in form and form.count('data-testid="key-result"') == 2
    for i in (0, 1):
        for field in ("title", "kpi", "start", "target"):
            assert f'<label for="kr-{i}-{field}">' in form and f'name="kr.{i}.{field}" id="kr-{i}-{field}"' in form
    assert '<option value="lead_conversion_rate"' in form and "T4 2026" in form  # KPIs and quarters by name
    before = stored(admin)
    added = okr_post(admin, **{"kr.0.title": "Más leads", "kr.1.title": "Menos bajas", "action": "add"})
    assert added.status_code == 200 and added.text.count('data-testid="key-result"') == 3
    assert 'value="Más leads"' in added.text and 'value="Crecer"' in added.text
    removed = okr_post(admin, **{"kr.0.title": "Más leads", "kr.1.title": "Menos bajas", "kr.2.title": "",
                                 "action": "remove:0"})
    rows = removed.text.split('data-testid="okr-form"')[1]
    assert rows.count('data-testid="key-result"') == 2 and 'value="Más leads"' not in rows
    assert 'name="kr.0.title" id="kr-0-title" maxlength="200" value="Menos bajas"' in rows
    assert stored(admin) == before


@pytest.mark.parametrize("fields, errors", [
    ({"kr.0.title": "A", "kr.0.start": "0", "kr.0.target": "10"},
     {"key_results": "Un objetivo tiene de 2 a 5 resultados clave."}),
    ({"kr.0.title": "A", "kr.0.kpi": "nope'; drop table", "kr.0.start": "x", "kr.0.target": "10",
      "kr.1.title": "", "kr.1.start": "1", "kr.1.target": "1"},
     {"kr.0.kpi": "Elija una opción de la lista.", "kr.0.start": "Escriba un número, por ejemplo 25 o 12,5.",
      "kr.1.title": "Este campo es obligatorio.", "kr.1.target": "La meta debe ser distinta del inicio."}),
    ({"title": "", "quarter": "2026-Q9", "scope": "team:ajeno", "kr.0.title": "A" * 201, "kr.0.start": "0",
      "kr.0.target": "1", "kr.1.title": "B", "kr.1.start": "nan", "kr.1.target": "inf"},
     {"title": "Este campo es obligatorio.", "quarter": "Elija una opción de la lista.", "scope": "Elija una opción de la lista.",
      "kr.0.title": "Como mucho 200 caracteres.", "kr.1.start": "Escriba un número, por ejemplo 25 o 12,5.",
      "kr.1.target": "Escriba un número, por ejemplo 25 o 12,5."}),
])
def test_hostile_okr_forms_are_refused_field_by_field_and_store_nothing(admin, fields, errors):
    in_language(admin, "es")
    before = stored(admin)
    response = okr_post(admin, **fields)
    assert response.status_code == 400
    assert field_errors(response.text) == errors
    assert stored(admin) == before


def test_an_okr_with_a_kpi_key_result_and_one_by_hand_is_stored(admin):
    in_language(admin, "en")
    title = "<script>alert(1)</script> grow"
    before = stored(admin)
    response = okr_post(admin, title=title, **{
        "kr.0.title": "Convert more leads", "kr.0.kpi": "lead_conversion_rate", "kr.0.start": "10", "kr.0.target": "12,5",
        "kr.1.title": "Ship the portal", "kr.1.start": "0", "kr.1.target": "1", "action": "save"})
    assert response.status_code == 303, field_errors(response.text)
    assert stored(admin) == (before[0] + 1, before[1] + 2)
    krs = sorted((r["title"], r["kpi"], float(r["start_value"]), float(r["target_value"]))
                 for r in okr_rows(admin, "okr_key_results") if r["title"] in ("Convert more leads", "Ship the portal"))
    assert krs == [("Convert more leads", "lead_conversion_rate", 10.0, 12.5), ("Ship the portal", None, 0.0, 1.0)]
    page = admin.get("/goals?period=quarter").text
    assert title not in page and "&lt;script&gt;" in page
    refused = okr_post(admin, **{"kr.0.title": "A", "kr.0.start": "1", "kr.0.target": "1"})
    assert field_errors(refused.text) == {"kr.0.target": "The target must differ from the start."}
    in_language(admin, "es")
