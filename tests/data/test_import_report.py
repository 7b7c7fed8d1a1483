"""The import report (issue 13, item 5): nothing wrong in silence.

Every run (and dry run) ends with notes of what looks wrong in what it read: stage values the
mapping did not know (with a suggested mapping), all deals open or none won, a mapped column that
came out empty, mixed currencies, rows skipped. Files are built to each CRM's export format;
the notes and their counts are worked out by hand.
"""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
import yaml

from pulso.ingest import ImportFailed, import_files, list_runs
from pulso.ingest.checks import suggestion
from pulso.ingest.mapping import read_mapping

from .helpers import run_cli

UTC = dt.timezone.utc

# A HubSpot "all deals" export of a portal that renamed its stages, without the "Is Deal Closed?"
# and "Is Closed Won" flags, so the preset's stage map and its "*" catch-all decide every status.
HUBSPOT = "hubspot-crm-exports-all-deals-2024-06-01.csv"
HUBSPOT_BODY = (
    '"Record ID","Deal Name","Deal Stage","Pipeline","Amount","Close Date","Create Date"\n'
    '"101","Alfa","Appointment scheduled","Sales Pipeline","1000","2024-09-15 00:00","2024-04-01 10:00"\n'
    '"102","Beta","Appointment scheduled","Sales Pipeline","2000","2024-09-16 00:00","2024-04-02 10:00"\n'
    '"103","Gamma","Appointment scheduled","Sales Pipeline","3000","2024-09-17 00:00","2024-04-03 10:00"\n'
    '"104","Delta","Negociación","Sales Pipeline","4000","2024-09-18 00:00","2024-04-04 10:00"\n'
    '"105","Épsilon","Negociación","Sales Pipeline","5000","2024-09-19 00:00","2024-04-05 10:00"\n'
    '"106","Zeta","Ganada (firmada)","Sales Pipeline","6000","2024-05-20 00:00","2024-04-06 10:00"\n'
    '"107","Eta","Ganada (firmada)","Sales Pipeline","7000","2024-05-28 00:00","2024-04-07 10:00"\n'
    '"108","Theta","Perdida - precio","Sales Pipeline","8000","2024-05-10 00:00","2024-04-08 10:00"\n'
)
# 8 deals, every one read as open: "Ganada (firmada)" (2) suggests won, "Perdida - precio" (1)
# lost; "Appointment scheduled" (3) and "Negociación" (2) are open as their words say.
HUBSPOT_NOTES = [
    f"column Deal probability absent in {HUBSPOT}: default '0' used for 8 rows",  # the stages' probability
    f"{HUBSPOT}: Deal Stage 'Ganada (firmada)' is not in the mapping: 2 rows read as deals.status 'open' (suggested: won)",
    f"{HUBSPOT}: Deal Stage 'Perdida - precio' is not in the mapping: 1 row read as deals.status 'open' (suggested: lost)",
    f"{HUBSPOT}: Deal Stage values not in the mapping, read as deals.status 'open' as their words suggest: "
    "Appointment scheduled 3, Negociación 2",
    f"{HUBSPOT}: 8 deals, all open: is the stage mapping right?",
]
HUBSPOT_NOTES_ES = [
    f"Columna Deal probability ausente en {HUBSPOT}: se usó el valor por defecto «0» en 8 filas",
    f"{HUBSPOT}: Deal Stage «Ganada (firmada)» no está en la correspondencia: 2 filas leídas como deals.status «open» "
    "(se sugiere: won)",
    f"{HUBSPOT}: Deal Stage «Perdida - precio» no está en la correspondencia: 1 fila leídas como deals.status «open» "
    "(se sugiere: lost)",
    f"{HUBSPOT}: valores de Deal Stage que no están en la correspondencia, leídos como deals.status «open» como "
    "sugieren sus palabras: Appointment scheduled 3, Negociación 2",
    f"{HUBSPOT}: 8 oportunidades, todas abiertas: ¿es correcta la correspondencia de las etapas?",
]

# A Salesforce weekly Data Export Opportunity.csv of a multi-currency org: COP 2, MXN 3, PEN 1, USD 4.
SALESFORCE_BODY = '"Id","Name","StageName","Amount","CurrencyIsoCode","Probability","CloseDate","CreatedDate","IsClosed","IsWon","Type"\n' + "".join(
    f'"006{i}","Opp {i}","{stage}","{amount}","{code}","{p}","{close}","2024-01-0{1 + i % 9}T10:00:00.000+0000","{c}","{w}","New Customer"\n'
    for i, (code, stage, amount, p, close, c, w) in enumerate([
        ("COP", "Closed Won", "5000000", "100", "2024-03-01", 1, 1), ("COP", "Prospecting", "2500000", "10", "2024-09-01", 0, 0),
        ("MXN", "Closed Lost", "20000", "0", "2024-03-02", 1, 0), ("MXN", "Prospecting", "30000", "10", "2024-09-02", 0, 0),
        ("MXN", "Negotiation/Review", "40000", "90", "2024-09-03", 0, 0), ("PEN", "Closed Won", "7000", "100", "2024-03-03", 1, 1),
        ("USD", "Closed Won", "1000", "100", "2024-03-04", 1, 1), ("USD", "Prospecting", "2000", "10", "2024-09-04", 0, 0),
        ("USD", "Closed Lost", "3000", "0", "2024-03-05", 1, 0), ("USD", "Negotiation/Review", "4000", "90", "2024-09-05", 0, 0)]))
SALESFORCE_NOTE = "Opportunity.csv: deals in 4 currencies: COP 2, MXN 3, PEN 1, USD 4; the reporting currency is EUR"

# A Zoho CRM Deals export whose Amount column is empty in every row.
ZOHO_BODY = (
    '"Record Id","Deal Owner","Deal Name","Amount","Stage","Closing Date","Currency","Pipeline","Probability (%)","Created Time"\n'
    '"zcrm_4876876000000333001","Ana Ruiz","Uno","","Closed Won","2024-03-10","EUR","Standard","100","2024-02-01 09:00:00"\n'
    '"zcrm_4876876000000333002","Ana Ruiz","Dos","","Closed Lost","2024-03-12","EUR","Standard","0","2024-02-02 09:00:00"\n'
    '"zcrm_4876876000000333003","Ana Ruiz","Tres","","Qualification","2024-09-30","EUR","Standard","20","2024-02-03 09:00:00"\n'
)
ZOHO_NOTES = [
    "Deals.csv: Stage values not in the mapping, read as deals.status 'open' as their words suggest: Qualification 1",
    "Deals.csv: column Amount (mapped to deals.amount) came out empty in every row (3 rows)",
]

# A Salesforce Task.csv with a task due in 2099: skipped (and counted), not refused.
TASK_BODY = ('"Id","WhoId","WhatId","Subject","ActivityDate","Status","TaskSubtype"\n'
             '"00T1","00Q1","","Llamar","2024-05-02","Completed","Call"\n'
             '"00T2","00Q1","","Correo","2024-05-03","Completed","Email"\n'
             '"00T3","00Q2","","Visita","2099-01-15","Not Started","Task"\n')

# A spreadsheet of 1,365 deals, none won: 1,000 open and 365 lost.
CRM_MAPPING = ("name: crm\ntable: deals\ncolumns:\n  id: id\n  title: title\n  amount: amount\n"
               "  status: {from: estado, map: {Ganado: won, Perdido: lost, Abierto: open}}\n  created_at: creado\n"
               "  closed_at: {from: cerrado, when: {estado: [Ganado, Perdido]}}\n")
NONE_WON_BODY = "id,title,amount,estado,creado,cerrado\n" + "".join(
    f"d{i},Deal {i},100,{'Abierto' if i < 1000 else 'Perdido'},2024-01-02,{'' if i < 1000 else '2024-02-01'}\n"
    for i in range(1365))
NONE_WON_NOTE = "deals.csv: 1,365 deals, none won (lost 365, open 1,000): is the stage mapping right?"


def write(tmp_path, name: str, body: str):
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def texts(result) -> list[str]:
    return [str(n) for n in result.notes]


def both_ways(store, path, **kw):
    """A dry run then the real run: both must say the same notes (the dry run writes nothing)."""
    before = store.counts()
    tried = import_files(store, [path], dry_run=True, **kw)
    assert tried.status == "dry_run" and store.counts() == before
    done = import_files(store, [path], **kw)
    assert done.status == "committed"
    assert texts(tried) == texts(done)
    assert list_runs(store)[0]["notes"] == [n.to_dict() for n in done.notes]
    return done


# -- library ------------------------------------------------------------------------------------

def test_hubspot_renamed_stages_are_reported_with_a_suggested_mapping(store, tmp_path):
    path = write(tmp_path, HUBSPOT, HUBSPOT_BODY)
    result = both_ways(store, path, mapping="hubspot")
    assert texts(result) == HUBSPOT_NOTES
    unknown = result.notes[1]
    assert unknown.to_dict() == {"kind": "unknown_value", "file": HUBSPOT, "count": 2, "column": "Deal Stage",
                                 "value": "Ganada (firmada)", "target": "deals.status", "became": "open",
                                 "suggested": "won"}
    assert result.notes[3].to_dict()["counts"] == {"Appointment scheduled": 3, "Negociación": 2}
    assert {r["status"] for r in store.rows("deals")} == {"open"}

    # The suggestion is the preset with the stage values added (won, lost and the agreeing opens),
    # the closed ones also in the closing date's condition: imported again, the statuses are right.
    text = suggestion(result)
    data = yaml.safe_load(text)
    deals = data["sources"][0]["tables"]["deals"]["columns"]
    assert {k: deals["status"]["map"][k] for k in ("Ganada (firmada)", "Perdida - precio", "Appointment scheduled",
                                                      "Negociación", "*")} == {
        "Ganada (firmada)": "won", "Perdida - precio": "lost", "Appointment scheduled": "open", "Negociación": "open",
        "*": "open"}
    assert {"Ganada (firmada)", "Perdida - precio"} <= set(deals["closed_at"]["when"]["Deal Stage"])
    assert "Negociación" not in deals["closed_at"]["when"]["Deal Stage"]
    fixed = import_files(store, [path], mapping=read_mapping(text.encode(), "hubspot-fixed.yaml"))
    assert texts(fixed) == HUBSPOT_NOTES[:1]  # nothing unknown, not all open: only the default note
    rows = {r["id"]: r for r in store.rows("deals")}
    assert [rows[i]["status"] for i in ("101", "104", "106", "107", "108")] == ["open", "open", "won", "won", "lost"]
    assert rows["106"]["closed_at"] == dt.datetime(2024, 5, 20, tzinfo=UTC)
    assert rows["108"]["closed_at"] == dt.datetime(2024, 5, 10, tzinfo=UTC)
    kinds = {r["name"]: r["kind"] for r in store.rows("stages")}
    assert kinds["Ganada (firmada)"] == "won" and kinds["Perdida - precio"] == "lost"


def test_deals_in_four_currencies_are_reported(store, tmp_path):
    result = both_ways(store, write(tmp_path, "Opportunity.csv", SALESFORCE_BODY), mapping="salesforce")
    assert texts(result) == [SALESFORCE_NOTE]
    assert result.notes[0].to_dict()["counts"] == {"COP": 2, "MXN": 3, "PEN": 1, "USD": 4}
    assert suggestion(result) is None


def test_a_mapped_column_empty_in_every_row_is_reported(store, tmp_path):
    result = both_ways(store, write(tmp_path, "Deals.csv", ZOHO_BODY), mapping="zoho")
    assert texts(result) == ZOHO_NOTES


def test_rows_skipped_are_reported(store, tmp_path):
    result = both_ways(store, write(tmp_path, "Task.csv", TASK_BODY), mapping="salesforce")
    assert result.written == {"activities": 2} and result.skipped == 1
    assert texts(result) == ["Task.csv: 1 row skipped because activities.occurred_at is later than now"]


def test_none_won_is_reported_and_a_refused_run_keeps_its_notes(store, tmp_path):
    mapping = read_mapping(CRM_MAPPING.encode(), "crm.yaml")
    result = both_ways(store, write(tmp_path, "deals.csv", NONE_WON_BODY), mapping=mapping)
    assert texts(result) == [NONE_WON_NOTE]
    # One bad amount: the run is refused, and still says what it saw.
    bad = NONE_WON_BODY.replace("d7,Deal 7,100,", "d7,Deal 7,-5,")
    with pytest.raises(ImportFailed) as caught:
        import_files(store, [write(tmp_path, "deals.csv", bad)], mapping=mapping)
    assert texts(caught.value.result) == [NONE_WON_NOTE] and f"Note: {NONE_WON_NOTE}" in str(caught.value)


def test_four_deals_all_open_say_nothing(store, tmp_path):
    body = "id,title,amount,estado,creado,cerrado\n" + "".join(f"d{i},D,1,Abierto,2024-01-02,\n" for i in range(4))
    result = import_files(store, [write(tmp_path, "deals.csv", body)], mapping=read_mapping(CRM_MAPPING.encode(), "crm.yaml"))
    assert result.notes == []


# -- command line -------------------------------------------------------------------------------

def test_cli_prints_the_report_and_the_suggested_mapping(store, tmp_path):
    path = write(tmp_path, HUBSPOT, HUBSPOT_BODY)
    for extra in (["--dry-run"], []):
        out = run_cli("import", str(path), "--mapping", "hubspot", *extra, store=store)
        assert out.returncode == 0, out.stderr
        assert [line[len("Note: "):] for line in out.stdout.splitlines() if line.startswith("Note: ")] == HUBSPOT_NOTES
        assert "Suggested mapping" in out.stdout
        text = out.stdout[out.stdout.index("# hubspot, with the values"):]
        assert yaml.safe_load(text)["sources"][0]["tables"]["deals"]["columns"]["status"]["map"]["Ganada (firmada)"] == "won"
    crm = write(tmp_path, "crm.yaml", CRM_MAPPING)
    out = run_cli("import", str(write(tmp_path, "deals.csv", NONE_WON_BODY)), "--mapping", str(crm), store=store)
    assert out.returncode == 0, out.stderr
    assert f"Note: {NONE_WON_NOTE}" in out.stdout and "Suggested mapping" not in out.stdout


# -- web page and API ---------------------------------------------------------------------------

@pytest.fixture
def web(store):
    from fastapi.testclient import TestClient

    from pulso import tokens
    from pulso.config import Settings
    from pulso.web import WebSettings, create_app
    from pulso.web.auth import set_password

    store.upsert_many({"users": [{"id": "u1", "name": "Ada", "email": "ada@example.com", "role": "admin",
                                  "created_at": "2024-01-01"}]})
    set_password(store, "u1", "correct horse battery")
    token = tokens.create(store, "sync", role="admin").secret
    store.close()  # a DuckDB file admits one owner: the app's
    app = create_app(WebSettings(store=Settings(store.url), secret_key="s", strict_i18n=True, today=dt.date(2024, 6, 30)))
    client = TestClient(app)
    signin = client.get("/signin").text
    client.post("/signin", data={"email": "ada@example.com", "password": "correct horse battery",
                                 "csrf_token": _csrf(signin), "next": "/"}, follow_redirects=False)
    yield client, token, app.state.services.store
    app.state.services.close()


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _web_run(client, name: str, body: str, mode: str, **form) -> str:
    page = client.get("/data/import")
    preview = client.post("/data/import/preview", data={"csrf_token": _csrf(page.text)},
                          files={"files": (name, body.encode(), "text/csv")})
    token = re.search(r'name="token" value="([0-9a-f]+)"', preview.text).group(1)
    done = client.post("/data/import/run", data={"csrf_token": _csrf(preview.text), "token": token, "mode": mode, **form})
    assert done.status_code == 200
    return html.unescape(done.text)


def _notes(page: str) -> list[str]:
    block = re.search(r'<ul data-testid="import-notes">(.*?)</ul>', page, re.S)
    return re.findall(r"<li>(.*?)</li>", block.group(1), re.S) if block else []


def test_web_and_api_show_the_report(web):
    client, token, service_store = web
    for mode in ("dry_run", "import"):
        page = _web_run(client, HUBSPOT, HUBSPOT_BODY, mode, preset="hubspot")
        assert _notes(page) == HUBSPOT_NOTES_ES
        shown = re.search(r'<pre data-testid="mapping-suggestion">(.*?)</pre>', page, re.S).group(1)
        assert "Correspondencia sugerida" in page
        assert read_mapping(shown.encode(), "s.yaml").sources[0].tables[1].columns["status"].map["Ganada (firmada)"] == "won"
    # Thousands in the reader's language (1.365 in Spanish; the CLI says 1,365), with an uploaded mapping file.
    mapping_file = {"mapping_file": ("crm.yaml", CRM_MAPPING.encode(), "application/x-yaml")}
    page = client.get("/data/import")
    preview = client.post("/data/import/preview", data={"csrf_token": _csrf(page.text)},
                          files={"files": ("deals.csv", NONE_WON_BODY.encode(), "text/csv")})
    token_ = re.search(r'name="token" value="([0-9a-f]+)"', preview.text).group(1)
    done = html.unescape(client.post("/data/import/run", data={"csrf_token": _csrf(preview.text), "token": token_,
                                                                "mode": "dry_run"}, files=mapping_file).text)
    assert _notes(done) == ["deals.csv: 1.365 oportunidades, ninguna ganada (perdidas 365, abiertas 1.000): "
                            "¿es correcta la correspondencia de las etapas?"]
    assert 'data-testid="mapping-suggestion"' not in done

    answer = client.post("/api/v1/imports", headers={"Authorization": f"Bearer {token}"},
                         data={"mapping": "hubspot", "dry_run": "true"},
                         files={"files": (HUBSPOT, HUBSPOT_BODY.encode(), "text/csv")})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == "dry_run" and [n["text"] for n in body["notes"]] == HUBSPOT_NOTES
    assert body["notes"][1] == {"kind": "unknown_value", "file": HUBSPOT, "count": 2, "column": "Deal Stage",
                                "value": "Ganada (firmada)", "target": "deals.status", "became": "open",
                                "suggested": "won", "text": HUBSPOT_NOTES[1]}
    assert body["notes"][4] == {"kind": "all_open", "file": HUBSPOT, "count": 8, "column": None, "value": None,
                                "text": HUBSPOT_NOTES[4]}
    assert yaml.safe_load(body["suggested_mapping"])["name"] == "hubspot"
    answer = client.post("/api/v1/imports", headers={"Authorization": f"Bearer {token}"}, data={"mapping": "salesforce"},
                         files={"files": ("Opportunity.csv", SALESFORCE_BODY.encode(), "text/csv")})
    assert answer.status_code == 200 and [n["text"] for n in answer.json()["notes"]] == [SALESFORCE_NOTE]
    assert answer.json()["suggested_mapping"] is None
    assert [n["kind"] for n in list_runs(service_store)[0]["notes"]] == ["mixed_currencies"]
