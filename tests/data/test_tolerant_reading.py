"""Tolerant reading of real CRM exports (issue 13, item 2 and the bugs of item 6).

Each file is built to the format a CRM really writes (Salesforce Data Loader's UPPERCASE headers,
the weekly Data Export's NUL bytes inside quoted rich text, a Task.csv without TaskSubtype,
date-only ConvertedDate...). Expected figures are worked out by hand in each test.
"""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal

import pytest

from pulso.ingest import ImportFailed, import_files, list_runs, run_errors
from pulso.ingest.mapping import load_preset, parse_mapping

from .helpers import MAPPINGS, dataset, run_cli, snapshot

UTC = dt.timezone.utc


def write(tmp_path, name: str, body: str | bytes):
    path = tmp_path / name
    path.write_bytes(body if isinstance(body, bytes) else body.encode())
    return path


def refused(store, paths, **kw) -> ImportFailed:
    """The import must fail and leave the store exactly as it was."""
    before = snapshot(store)
    with pytest.raises(ImportFailed) as caught:
        import_files(store, paths, **kw)
    assert snapshot(store) == before
    return caught.value


# Salesforce objects with their API field names, as a mapping written for them would read them.
LEADS = parse_mapping({
    "name": "sf-leads", "read": {"null_values": [""]},
    "sources": [{"headers": ["Id", "LastName", "IsConverted"], "tables": {"leads": {"columns": {
        "id": "Id", "name": "LastName", "company": "Company", "created_at": "CreatedDate",
        "converted_at": "ConvertedDate"}}}}]})

OPPORTUNITIES = parse_mapping({
    "name": "sf-opps", "read": {"null_values": [""]},
    "sources": [{"headers": ["Id", "StageName"], "tables": {"deals": {"columns": {
        "id": "Id", "title": "Name", "amount": "Amount",
        "status": {"from": "StageName", "map": {"Closed Won": "won", "Closed Lost": "lost", "*": "open"}},
        "created_at": "CreatedDate",
        "closed_at": {"from": "CloseDate", "when": {"StageName": ["Closed Won", "Closed Lost"]}}}}}}]})

TASKS = parse_mapping({
    "name": "sf-tasks", "read": {"null_values": [""]},
    "sources": [{"headers": ["Id", "ActivityDate"], "tables": {"activities": {"columns": {
        "id": "Id", "outcome": "Subject", "occurred_at": "ActivityDate",
        "type": {"from": "TaskSubtype", "map": {"Call": "call", "Email": "email", "Task": "task"}, "default": "task"}}}}}]})


# -- 1. header matching ----------------------------------------------------------------------

@pytest.fixture
def lead_loader(tmp_path):
    body = ('"ID","LASTNAME","COMPANY","ISCONVERTED","CREATEDDATE","CONVERTEDDATE"\n'
            '"00Q1","García","Acme","false","2024-03-01T09:00:00.000Z",""\n'
            '"00Q2","Pérez","Beta","true","2024-03-02T09:00:00.000Z","2024-03-04"\n')
    return write(tmp_path, "extract.csv", body)


def test_uppercase_data_loader_headers_feed_the_mapping(store, lead_loader):
    result = import_files(store, [lead_loader], mapping=LEADS)
    assert result.status == "committed" and result.written == {"leads": 2}
    leads = {r["id"]: r for r in store.rows("leads")}
    assert leads["00Q1"]["name"] == "García" and leads["00Q2"]["company"] == "Beta"
    assert leads["00Q2"]["converted_at"] == dt.datetime(2024, 3, 4, tzinfo=UTC)
    assert leads["00Q1"]["converted_at"] is None


def test_uppercase_headers_are_recognised_by_the_salesforce_preset():
    # The part of a preset for a file is found from its identifying headers, whatever their case.
    headers = ["ID", "LASTNAME", "COMPANY", "STATUS", "LEADSOURCE", "ISCONVERTED", "CREATEDDATE", "CONVERTEDDATE"]
    part = load_preset("salesforce").source_for("Lead.csv", headers)
    assert part.tables[0].table == "leads"


def test_spacing_and_punctuation_in_headers_are_ignored(store, tmp_path):
    mapping = parse_mapping({"name": "pd", "sources": [{"headers": ["Deal - ID", "Deal - Title"], "tables": {"deals": {
        "columns": {"id": "Deal - ID", "title": "Deal - Title", "created_at": "Deal - Deal created",
                    "status": {"from": "Is Deal Closed?", "map": {"yes": "lost", "no": "open"}},
                    "closed_at": {"from": "Deal - Close time", "when": {"Is Deal Closed?": ["yes"]}}}}}}]})
    body = ("deal_id;Deal-Title;DEAL  -  DEAL CREATED;is deal closed;Deal: Close Time\n"
            "7;Uno;2024-01-02 10:00:00;no;\n8;Dos;2024-01-03 10:00:00;yes;2024-02-01 12:00:00\n")
    result = import_files(store, [write(tmp_path, "deals.csv", body)], mapping=mapping)
    assert result.written == {"deals": 2}
    deals = {r["id"]: r for r in store.rows("deals")}
    assert deals["7"]["status"] == "open" and deals["8"]["status"] == "lost"
    assert deals["8"]["closed_at"] == dt.datetime(2024, 2, 1, 12, tzinfo=UTC)


def test_accents_are_not_ignored_and_exact_header_wins(store, tmp_path):
    # "Amount" and "amount" both normalise to the same key: the exact spelling is the one read.
    mapping = parse_mapping({"name": "m", "table": "deals", "columns": {
        "id": "id", "amount": "amount", "status": {"value": "open"}, "created_at": "Fecha de creación"}})
    body = "id,Amount,amount,fecha de creacion\nd1,999,10,2024-01-02\n"
    with pytest.raises(ImportFailed) as caught:  # "creacion" is not "creación": accents count
        import_files(store, [write(tmp_path, "a.csv", body)], mapping=mapping)
    assert "Fecha de creación" in str(caught.value)
    body = "id,Amount,amount,FECHA DE CREACIÓN\nd1,999,10,2024-01-02\n"
    import_files(store, [write(tmp_path, "b.csv", body)], mapping=mapping)
    assert store.rows("deals")[0]["amount"] == Decimal("10.00")


def test_two_headers_with_the_same_key_and_no_exact_match_are_refused(store, tmp_path):
    mapping = parse_mapping({"name": "m", "table": "deals", "columns": {
        "id": "deal id", "status": {"value": "open"}, "created_at": "created"}})
    body = "Deal_ID,Deal ID,created\nd1,d2,2024-01-02\n"
    error = refused(store, [write(tmp_path, "deals.csv", body)], mapping=mapping)
    assert "deals.csv" in str(error) and "'Deal_ID'" in str(error) and "'Deal ID'" in str(error)


# -- 2. a default applies when its column is absent ------------------------------------------

def test_task_without_tasksubtype_takes_the_default_with_a_note(store, tmp_path):
    body = ("Id,Subject,ActivityDate,Status\n"
            "00T1,Llamar a Ana,2024-05-02,Completed\n"
            "00T2,Enviar oferta,2024-05-03,Completed\n"
            "00T3,Revisar,2024-05-06,Not Started\n")
    result = import_files(store, [write(tmp_path, "Task.csv", body)], mapping=TASKS)
    assert result.status == "committed" and result.written == {"activities": 3}
    assert {r["type"] for r in store.rows("activities")} == {"task"}
    assert [str(n) for n in result.notes] == ["column TaskSubtype absent in Task.csv: default 'task' used for 3 rows"]
    assert list_runs(store)[0]["notes"] == [n.to_dict() for n in result.notes]


def test_an_empty_default_means_no_value(store, tmp_path):
    # Pipedrive's preset said `default: ""` for the won time: an open deal must not fail on it.
    mapping = parse_mapping({"name": "m", "table": "deals", "columns": {
        "id": "id", "status": "status", "created_at": "created", "closed_at": {"from": "won_time", "default": ""}}})
    body = "id,status,created,won_time\nd1,open,2024-01-02,\nd2,won,2024-01-02,2024-01-09\n"
    result = import_files(store, [write(tmp_path, "deals.csv", body)], mapping=mapping)
    assert result.written == {"deals": 2}
    assert {r["id"]: r["closed_at"] for r in store.rows("deals")} == {"d1": None, "d2": dt.datetime(2024, 1, 9, tzinfo=UTC)}


# -- 3. a date-only value on the day of the timestamp it must follow ---------------------------

def test_same_day_converted_date_is_taken_as_the_creation_time(store, tmp_path):
    body = ("Id,LastName,Company,IsConverted,CreatedDate,ConvertedDate\n"
            "00Q1,Uno,A,true,2024-03-05T14:30:00.000+0000,2024-03-05\n"   # same day: moved to 14:30
            "00Q2,Dos,B,true,2024-03-05T14:30:00.000+0000,2024-03-07\n"   # later day: as it is
            "00Q3,Tres,C,false,2024-03-05T14:30:00.000+0000,\n")
    result = import_files(store, [write(tmp_path, "Lead.csv", body)], mapping=LEADS)
    got = {r["id"]: r["converted_at"] for r in store.rows("leads")}
    assert got == {"00Q1": dt.datetime(2024, 3, 5, 14, 30, tzinfo=UTC),
                   "00Q2": dt.datetime(2024, 3, 7, tzinfo=UTC), "00Q3": None}
    assert [n.kind for n in result.notes] == ["dates_moved"] and result.notes[0].count == 1
    assert str(result.notes[0]).startswith("Lead.csv: dates moved to satisfy a rule: 1 ")


def test_same_local_day_counts_in_the_workspace_time_zone(store, tmp_path):
    store.set_setting("timezone", "America/Bogota")  # UTC-5
    # 02:00 UTC on the 6th is 21:00 on the 5th in Bogotá: a conversion dated the 5th is that day.
    body = ("Id,LastName,Company,IsConverted,CreatedDate,ConvertedDate\n"
            "00Q1,Uno,A,true,2024-03-06T02:00:00.000+0000,2024-03-05\n")
    import_files(store, [write(tmp_path, "Lead.csv", body)], mapping=LEADS)
    assert store.rows("leads")[0]["converted_at"] == dt.datetime(2024, 3, 6, 2, tzinfo=UTC)


def test_a_date_before_the_day_is_still_refused(store, tmp_path):
    body = ("Id,LastName,Company,IsConverted,CreatedDate,ConvertedDate\n"
            "00Q1,Uno,A,true,2024-03-05T14:30:00.000+0000,2024-03-04\n"
            "00Q2,Dos,B,true,2024-03-05T14:30:00.000+0000,2024-03-05 09:00:00\n")  # a time: not moved
    error = refused(store, [write(tmp_path, "Lead.csv", body)], mapping=LEADS)
    assert len(error.result.errors) == 2
    assert {e.line for e in error.result.errors} == {2, 3}
    assert all("converted_at is before created_at" in e.reason for e in error.result.errors)


# -- 4. NUL bytes ------------------------------------------------------------------------------

def test_nul_bytes_inside_a_quoted_description_are_removed_with_a_note(store, tmp_path):
    body = (b'"Id","Name","StageName","Amount","CreatedDate","CloseDate","Description"\n'
            b'"006A","Uno","Closed Won","1200.50","2024-01-10T10:00:00.000Z","2024-02-01","<p>Hola\x00\x00</p>"\n'
            b'"006B","Dos","Prospecting","300","2024-01-11T10:00:00.000Z","2024-06-01","texto\x00\nen dos l\xc3\xadneas"\n')
    result = import_files(store, [write(tmp_path, "Opportunity.csv", body)], mapping=OPPORTUNITIES)
    assert result.status == "committed" and result.written == {"deals": 2}
    assert [str(n) for n in result.notes if n.kind == "nul_removed"] == ["3 NUL bytes removed from Opportunity.csv"]
    deals = {r["id"]: r for r in store.rows("deals")}
    assert deals["006A"]["amount"] == Decimal("1200.50") and deals["006B"]["status"] == "open"


def test_nul_bytes_are_removed_from_cells_that_are_read(store, tmp_path):
    body = b"Id,Name,StageName,Amount,CreatedDate,CloseDate\n006A,\"Ac\x00me\",Prospecting,5,2024-01-10,2024-09-01\n"
    import_files(store, [write(tmp_path, "Opportunity.csv", body)], mapping=OPPORTUNITIES)
    assert store.rows("deals")[0]["title"] == "Acme"


@pytest.mark.parametrize("body", [
    "Id,Name\n".encode("utf-16-le"),                           # UTF-16 without a BOM: every other byte NUL
    b"\x89PNG\r\n\x1a\n" + b"\x00" * 20 + b"Id,Name\n1,a\n",  # a PNG image
    b"PK\x03\x04" + b"\x14\x00" * 30 + b"\n",                  # a zip (an .xlsx saved as .csv)
    b"SQLite format 3\x00" + b"\x00" * 80 + b"\n",
])
def test_really_binary_files_are_still_refused(store, tmp_path, body):
    error = refused(store, [write(tmp_path, "x.csv", body)], mapping=OPPORTUNITIES)
    assert "x.csv" in str(error) and "binary" in str(error)


# -- 5. an empty object file in a whole export --------------------------------------------------

EXPORT = parse_mapping({"name": "export", "read": {"null_values": [""]}, "sources": [
    {"headers": ["Id", "Name", "BillingCountry"], "tables": {"accounts": {"columns": {
        "id": "Id", "name": "Name", "created_at": "CreatedDate"}}}},
    {"headers": ["Id", "CaseNumber", "Status"], "tables": {"tickets": {"columns": {
        "id": "Id", "opened_at": "CreatedDate", "status": {"from": "Status", "map": {"New": "open", "Closed": "closed"}}}}}},
]})


def test_a_header_only_object_file_is_skipped_with_a_note(store, tmp_path):
    accounts = write(tmp_path, "Account.csv", "Id,Name,BillingCountry,CreatedDate\n001A,Acme,ES,2024-01-02\n"
                                              "001B,Beta,MX,2024-01-03\n")
    cases = write(tmp_path, "Case.csv", "Id,CaseNumber,Status,CreatedDate\n")
    result = import_files(store, [accounts, cases], mapping=EXPORT)
    assert result.status == "committed" and result.written == {"accounts": 2}
    assert [str(n) for n in result.notes] == ["Case.csv: only a header, no rows: skipped"]


def test_a_header_only_file_alone_is_still_an_error_naming_it(store, tmp_path):
    cases = write(tmp_path, "Case.csv", "Id,CaseNumber,Status,CreatedDate\n")
    error = refused(store, [cases], mapping=EXPORT)
    assert "Case.csv" in str(error) and "no rows" in str(error)


def test_errors_of_a_multi_file_run_name_the_file(store, tmp_path):
    accounts = write(tmp_path, "Account.csv", "Id,Name,BillingCountry,CreatedDate\n001A,Acme,ES,2024-01-02\n")
    empty = write(tmp_path, "Contact.csv", "")
    error = refused(store, [accounts, empty], mapping=EXPORT)
    assert error.result.errors[0].file == "Contact.csv" and "Contact.csv: the file is empty" in str(error)


# -- 6. bugs -----------------------------------------------------------------------------------

def test_grouped_money_column_with_first_and_last(store, tmp_path):
    mapping = parse_mapping({"name": "log", "table": "deals", "group_by": "deal", "columns": {
        "id": "deal", "amount": {"from": "amount", "agg": "last"}, "status": {"value": "open"},
        "created_at": {"from": "at", "agg": "min"}, "title": {"from": "title", "agg": "first"}}})
    body = ("deal,amount,at,title\nd1,100.10,2024-01-01,Primero\nd2,50,2024-01-02,Otro\n"
            "d1,250.75,2024-01-03,Cambiado\nd1,,2024-01-04,\n")
    import_files(store, [write(tmp_path, "log.csv", body)], mapping=mapping)
    deals = {r["id"]: r for r in store.rows("deals")}
    # last / first skip empty cells, as for every other type
    assert deals["d1"]["amount"] == Decimal("250.75") and deals["d2"]["amount"] == Decimal("50.00")
    assert deals["d1"]["title"] == "Primero"
    mapping.sources[0].tables[0].columns["amount"].agg = "first"
    import_files(store, [write(tmp_path, "log.csv", body)], mapping=mapping)
    assert {r["id"]: r["amount"] for r in store.rows("deals")}["d1"] == Decimal("100.10")


def test_servicenow_priority_is_the_incidents_last(store_on):
    store = store_on("duckdb")
    path = dataset("servicenow_incident_log_sample", "incident_event_log_first5998rows.csv")
    import_files(store, [path], mapping=MAPPINGS / "servicenow_incidents.yaml")
    names = {"1 - Critical": "urgent", "2 - High": "high", "3 - Moderate": "medium", "4 - Low": "low"}
    last: dict[str, str] = {}
    first: dict[str, str] = {}
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            last[r["number"]] = names[r["priority"]]
            first.setdefault(r["number"], names[r["priority"]])
    assert sum(first[n] != last[n] for n in last) == 37  # what the issue reported
    got = {r["id"]: r["priority"] for r in store.rows("tickets")}
    assert got == last


def test_error_counts_are_exact_beyond_the_first_thousand(store, tmp_path):
    lines = ["id,status,amount,created_at"]
    lines += [f"d{i},open,{-1 if i < 1365 else 5},2024-01-02" for i in range(1500)]
    path = write(tmp_path, "deals.csv", "\n".join(lines) + "\n")
    error = refused(store, [path], table="deals")
    assert error.result.error_count == 1365 and len(error.result.errors) == 1000
    assert str(error).startswith("1,365 errors, the first 1,000 listed; nothing was written")
    run = list_runs(store)[0]
    assert run["error_count"] == 1365 and len(run_errors(store, run["id"])) == 1000


def test_cli_prints_exact_counts_and_notes(store_on, tmp_path):
    store = store_on("duckdb")
    lines = ["id,status,amount,created_at"] + [f"d{i},open,-1,2024-01-02" for i in range(1365)]
    bad = run_cli("import", str(write(tmp_path, "deals.csv", "\n".join(lines) + "\n")), "--table", "deals", store=store)
    assert bad.returncode != 0 and "1,365 errors, the first 1,000 listed" in bad.stdout + bad.stderr
    body = "Id,Subject,ActivityDate\n00T1,Llamar,2024-05-02\n"
    mapping = tmp_path / "tasks.yaml"
    mapping.write_text("name: t\nsources:\n  - headers: [Id, ActivityDate]\n    tables:\n      activities:\n"
                       "        columns:\n          id: Id\n          occurred_at: ActivityDate\n"
                       "          type: {from: TaskSubtype, default: task}\n")
    ok = run_cli("import", str(write(tmp_path, "Task.csv", body)), "--mapping", str(mapping), store=store)
    assert ok.returncode == 0, ok.stderr
    assert "column TaskSubtype absent in Task.csv: default 'task' used for 1 row" in ok.stdout


# -- 7. the web page and the API show the notes and the exact count ---------------------------

@pytest.fixture
def web(tmp_path):
    from fastapi.testclient import TestClient

    from pulso import tokens
    from pulso.config import Settings
    from pulso.store import Store
    from pulso.web import WebSettings, create_app
    from pulso.web.auth import set_password

    url = f"duckdb:///{tmp_path / 'w.duckdb'}"
    with Store(Settings(url)) as store:
        store.init(timezone="UTC", currency="EUR")
        store.upsert_many({"users": [{"id": "u1", "name": "Ada", "email": "ada@example.com", "role": "admin",
                                      "created_at": "2024-01-01"}]})
        set_password(store, "u1", "correct horse battery")
        token = tokens.create(store, "sync", role="admin").secret
    app = create_app(WebSettings(store=Settings(url), secret_key="s", strict_i18n=True, today=dt.date(2024, 6, 30)))
    client = TestClient(app)
    signin = client.get("/signin").text
    client.post("/signin", data={"email": "ada@example.com", "password": "correct horse battery",
                                 "csrf_token": _csrf(signin), "next": "/"}, follow_redirects=False)
    yield client, token
    app.state.services.close()


def _csrf(html: str) -> str:
    import re

    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _upload_and_run(client, name: str, body: str, mapping_yaml: str) -> str:
    import re

    page = client.get("/data/import")
    preview = client.post("/data/import/preview", data={"csrf_token": _csrf(page.text), "table_name": "deals"},
                          files={"files": (name, body.encode(), "text/csv")})
    token = re.search(r'name="token" value="([0-9a-f]+)"', preview.text).group(1)
    done = client.post("/data/import/run", data={"csrf_token": _csrf(preview.text), "token": token, "mode": "import"},
                       files={"mapping_file": ("m.yaml", mapping_yaml.encode(), "application/x-yaml")})
    return done.text


def test_web_import_page_shows_notes_and_exact_counts(web):
    client, token = web
    tasks = ("name: t\nsources:\n  - headers: [Id, ActivityDate]\n    tables:\n      activities:\n"
             "        columns:\n          id: Id\n          occurred_at: ActivityDate\n"
             "          type: {from: TaskSubtype, default: task}\n")
    html = _upload_and_run(client, "Task.csv", "Id,Subject,ActivityDate\n00T1,a,2024-05-02\n00T2,b,2024-05-03\n", tasks)
    assert 'data-testid="import-notes"' in html
    assert "Columna TaskSubtype ausente en Task.csv: se usó el valor por defecto «task» en 2 filas" in html
    deals = "name: d\ntable: deals\ncolumns: {id: id, status: status, amount: amount, created_at: created_at}\n"
    bad = "id,status,amount,created_at\n" + "".join(f"d{i},open,-1,2024-01-02\n" for i in range(1365))
    html = _upload_and_run(client, "deals.csv", bad, deals)
    assert "1.365 errores; el informe lista los primeros 1.000" in html
    answer = client.post("/api/v1/imports", headers={"Authorization": f"Bearer {token}"}, data={"table": "deals"},
                         files={"files": ("deals.csv", bad.encode(), "text/csv")})
    assert answer.status_code == 422 and answer.json()["error_count"] == 1365 and len(answer.json()["errors"]) == 1000
