"""A whole Salesforce weekly Data Export at once: a zip (or its folder) with one CSV per object,
headers exactly as the Data Export writes them, objects the preset does not use, and a header-only
Case.csv. Recognised file by file, loaded in dependency order, all or nothing; hostile zips refused
before anything is unpacked. Counts worked out by hand from the rows below.
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from pathlib import Path

import pytest

from pulso.ingest import ImportFailed, import_files

from .helpers import run_cli, snapshot
from .test_presets_salesforce_odoo import EVENT_HEADER, LEAD_HEADER, OPPORTUNITY_HEADER, TASK_HEADER, lead, task

OWNER = "005000000000001AAA"
T0 = "2024-01-10T09:00:00.000+0000"

ACCOUNT = ("Id,IsDeleted,MasterRecordId,Name,Type,ParentId,BillingCountry,Phone,Industry,AnnualRevenue,OwnerId,"
           "CreatedDate,CreatedById,AccountSource\n"
           f'001A,0,,"Soto, Hermanos y Cía",Customer,,Colombia,6011234,Retail,,{OWNER},{T0},{OWNER},Web\n'
           f"001B,0,,Clínica Norte,Prospect,,Perú,,Healthcare,,{OWNER},{T0},{OWNER},Phone Inquiry\n")
CONTACT = ("Id,IsDeleted,MasterRecordId,AccountId,LastName,FirstName,Salutation,Name,Phone,Email,Title,OwnerId,"
           "CreatedDate\n"
           f"0031,0,,001A,Soto,Ana,Sra.,Ana Soto,6011234,ana@example.com,Gerente,{OWNER},{T0}\n")
USER = ("Id,Username,LastName,FirstName,Name,CompanyName,Email,IsActive,UserRoleId,ProfileId,CreatedDate\n"
        f"{OWNER},rep@example.com.invalid,Paz,Iván,Iván Paz,Pulso Demo,rep@example.com,1,,00e1,{T0}\n")
CAMPAIGN = ("Id,IsDeleted,Name,ParentId,Type,Status,StartDate,EndDate,ExpectedRevenue,BudgetedCost,ActualCost,"
            "IsActive,CurrencyIsoCode,OwnerId,CreatedDate\n"
            "701A,0,Feria Lima 2024,,Trade Show,Completed,2024-01-10,2024-01-12,,5000,4200.50,0,PEN,,"
            "2023-12-01T10:00:00.000+0000\n")
LEADS = LEAD_HEADER + "".join([
    lead("00Q1", "Rojas", "Ana", "Qualified", "1", "2024-03-05", "2024-03-05T15:30:00.000+0000"),
    lead("00Q2", "Vega", "Luis", "Working - Contacted", "0", "", "2024-03-06T09:00:00.000+0000"),
    lead("00Q3", "Mora", "Eva", "Working - Contacted", "0", "", "2024-03-07T09:00:00.000+0000"),
])
MEMBER_HEADER = ("Id,IsDeleted,CampaignId,LeadId,ContactId,Status,HasResponded,CreatedDate,CreatedById,LastModifiedDate,"
                 "LastModifiedById,SystemModstamp,FirstRespondedDate\n")
# Two leads of the campaign, and a contact member (no LeadId: not a lead, skipped and counted).
MEMBERS = MEMBER_HEADER + "".join(f"{i},0,701A,{who},{contact},Sent,0,{T0},{OWNER},{T0},{OWNER},{T0},\n"
                                  for i, who, contact in (("00v1", "00Q1", ""), ("00v2", "00Q2", ""), ("00v3", "", "0031")))


def opportunity(id, account, stage, amount, probability, close, closed, won):
    return (f'{id},0,{account},,"Deal {id}",,{stage},{amount},{probability},,{close},New Customer,,Web,{closed},{won},'
            f"Pipeline,Pipeline,USD,,0,,{OWNER},{T0},{OWNER},{T0},{OWNER},{T0},,1,2024,2024 1\n")


OPPORTUNITIES = OPPORTUNITY_HEADER + "".join([
    opportunity("0061", "001A", "Closed Won", "1200.50", "100", "2024-02-12", "1", "1"),
    opportunity("0062", "001B", "Closed Lost", "800", "0", "2024-02-20", "1", "0"),
    opportunity("0063", "001A", "Prospecting", "1000", "10", "2024-06-30", "0", "0"),
])
# The stage history of the deals (also has Id, StageName and CloseDate, but is not the deals): two
# stage changes of deal 0061, none → Prospecting → Closed Won.
HISTORY = ("Id,OpportunityId,CreatedById,CreatedDate,StageName,Amount,ExpectedRevenue,CloseDate,Probability,"
           "ForecastCategory,SystemModstamp,IsDeleted\n"
           f"0081,0061,{OWNER},{T0},Prospecting,1200.50,120.05,2024-02-12,10,Pipeline,{T0},0\n"
           f"0082,0061,{OWNER},2024-02-12T10:00:00.000+0000,Closed Won,1200.50,1200.50,2024-02-12,100,Closed,{T0},0\n")
CASE_EMPTY = ("Id,IsDeleted,CaseNumber,ContactId,AccountId,Type,Status,Reason,Origin,Subject,Priority,IsClosed,"
              "ClosedDate,IsEscalated,OwnerId,CreatedDate,CreatedById\n")
TASKS = TASK_HEADER + "".join([
    task("00T1", "Llamada inicial", "2024-02-05", "Completed", "1", "2024-02-05T10:00:00.000+0000", "Call", "300", "Outbound"),
    task("00T2", "Propuesta", "2024-02-06", "Completed", "1", "2024-02-06T10:00:00.000+0000", "Email"),
])
EVENTS = EVENT_HEADER + (
    "00U1,,,Demo,Bogotá,0,2024-02-20T15:00:00.000+0000,2024-02-20,60,2024-02-20T15:00:00.000+0000,"
    f"2024-02-20T16:00:00.000+0000,,001A,{OWNER},Meeting,0,Busy,0,0,0,{T0},{OWNER},{T0},{OWNER},{T0}\n")

# Listed so that loading the files one after the other as listed would fail: the campaign members
# (which only update leads) come before the leads, the deals before their accounts.
EXPORT = {"CampaignMember.csv": MEMBERS, "Opportunity.csv": OPPORTUNITIES, "Contact.csv": CONTACT, "User.csv": USER,
          "Case.csv": CASE_EMPTY, "OpportunityHistory.csv": HISTORY, "Lead.csv": LEADS, "Task.csv": TASKS,
          "Event.csv": EVENTS, "Account.csv": ACCOUNT, "Campaign.csv": CAMPAIGN}
WRITTEN = {"campaigns": 1, "accounts": 2, "leads": 3, "stages": 3, "deals": 3, "activities": 3, "deal_stage_changes": 2}


def export_zip(path: Path, files: dict[str, str] = EXPORT, extra: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, "\ufeff" + text)  # the Data Export writes a UTF-8 BOM
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return path


def skipped(result) -> dict[str, tuple[str, str | None]]:
    return {n.file: (n.kind, n.value) for n in result.notes
            if n.kind in ("unused_skipped", "empty_skipped", "overlap_skipped", "not_data_skipped")}


def check_loaded(store) -> None:
    assert {t: n for t, n in store.counts().items() if n and t != "users"} == WRITTEN
    leads = {r["id"]: r for r in store.rows("leads")}
    # The members updated the leads the Lead file created: names kept, campaign set.
    assert {k: (r["name"], r["campaign_id"]) for k, r in leads.items()} == {
        "00Q1": ("Ana Rojas", "701A"), "00Q2": ("Luis Vega", "701A"), "00Q3": ("Eva Mora", None)}
    assert {d["id"]: (d["account_id"], d["status"]) for d in store.rows("deals")} == {
        "0061": ("001A", "won"), "0062": ("001B", "lost"), "0063": ("001A", "open")}


def own_tempdir(monkeypatch, tmp_path) -> Path:
    """A temporary folder of this test alone, where the importer unpacks (another process's imports
    may unpack into the shared one at the same moment)."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_whole_export_zip_through_the_library(store, tmp_path, monkeypatch):
    unpacked = own_tempdir(monkeypatch, tmp_path)
    zipped = export_zip(tmp_path / "WE_00D000000000001_1.zip", extra={"Attachments/00P1.pdf": b"%PDF-1.4",
                                                                      "__MACOSX/._Lead.csv": b"\x00\x05"})
    result = import_files(store, [zipped], mapping="salesforce")
    assert result.status == "committed" and result.written == WRITTEN
    check_loaded(store)
    assert skipped(result) == {
        "Contact.csv": ("unused_skipped", "salesforce"), "User.csv": ("unused_skipped", "salesforce"),
        "Case.csv": ("empty_skipped", None),
        "WE_00D000000000001_1.zip": ("not_data_skipped", "Attachments/00P1.pdf")}
    # Rows read: 3 members + 3 deals + 3 leads + 2 tasks + 1 event + 2 accounts + 1 campaign + 2
    # history rows; one member without a lead skipped.
    assert result.rows_read == 17 and result.skipped == 1
    assert list(unpacked.iterdir()) == []  # the unpacked files are gone


def test_whole_export_without_a_mapping_finds_the_preset(store, tmp_path):
    result = import_files(store, [export_zip(tmp_path / "export.zip")])
    assert result.mapping == "salesforce" and result.written == WRITTEN


def test_whole_export_folder_through_the_cli(store, tmp_path):
    folder = tmp_path / "export"
    (folder / "objects").mkdir(parents=True)  # nested folders are fine
    for name, text in EXPORT.items():
        (folder / ("objects" if name.startswith("Opp") else "") / name).write_text("\ufeff" + text, encoding="utf-8")
    done = run_cli("import", str(folder), "--mapping", "salesforce", store=store)
    assert done.returncode == 0, done.stderr
    assert "Note: User.csv: not used by the mapping salesforce: skipped" in done.stdout
    assert "Note: Case.csv: only a header, no rows: skipped" in done.stdout
    check_loaded(store)


def test_whole_export_zip_through_the_cli(store, tmp_path):
    done = run_cli("import", str(export_zip(tmp_path / "export.zip")), store=store)
    assert done.returncode == 0, done.stderr
    assert "Contact.csv: not used by the mapping salesforce" in done.stdout
    check_loaded(store)


def test_whole_export_is_all_or_nothing(store, tmp_path):
    store.upsert_many({"accounts": [{"id": "old", "name": "Antes", "created_at": "2024-01-01"}]})
    before = snapshot(store)
    bad = OPPORTUNITIES + opportunity("0064", "001A", "Prospecting", "mil", "10", "2024-06-30", "0", "0")
    with pytest.raises(ImportFailed) as refused:
        import_files(store, [export_zip(tmp_path / "export.zip", {**EXPORT, "Opportunity.csv": bad})], mapping="salesforce")
    errors = refused.value.result.errors
    assert [(e.file, e.line, e.column) for e in errors] == [("Opportunity.csv", 5, "Amount")]
    assert snapshot(store) == before


def test_cli_refuses_a_bad_row_and_writes_nothing(store, tmp_path):
    before = snapshot(store)
    bad = OPPORTUNITIES.replace("1200.50", "-5")
    done = run_cli("import", str(export_zip(tmp_path / "export.zip", {**EXPORT, "Opportunity.csv": bad})), store=store)
    assert done.returncode != 0 and "Opportunity.csv" in done.stdout + done.stderr
    assert snapshot(store) == before


def hostile(path: Path, name: str, data: bytes, attr: int | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("Account.csv", "\ufeff" + ACCOUNT)
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED
        if attr is not None:
            info.external_attr = attr << 16
        z.writestr(info, data)
    return path


@pytest.mark.parametrize("entry, data, attr, reason", [
    ("../x.csv", b"Id,Name\n1,a\n", None, "points outside the zip"),
    ("/etc/x.csv", b"Id,Name\n1,a\n", None, "points outside the zip"),
    ("Lead.csv", b"/etc/passwd", 0o120777, "symbolic link"),
    ("Opportunity.csv", b"Id,Name,StageName,CloseDate\n" + b"0061,a,Closed Won,2024-01-01\n" * 200_000, None,
     "zip bomb"),
])
def test_hostile_zips_are_refused_before_unpacking(store, tmp_path, monkeypatch, entry, data, attr, reason):
    before = snapshot(store)
    unpacked = own_tempdir(monkeypatch, tmp_path)
    zipped = hostile(tmp_path / "export.zip", entry, data, attr)
    with pytest.raises(ImportFailed) as refused:
        import_files(store, [zipped], mapping="salesforce")
    error = refused.value.result.errors[0]
    assert error.file == "export.zip" and reason in error.reason
    assert refused.value.result.status == "failed"
    assert snapshot(store) == before
    assert not (tmp_path / "x.csv").exists() and not Path("/etc/x.csv").exists()
    assert list(unpacked.iterdir()) == []


def test_several_files_named_on_the_command_line_are_ordered_too(store, tmp_path):
    # Lead and CampaignMember both feed leads: the members update the leads in a later step.
    paths = []
    for name in ("CampaignMember.csv", "Lead.csv", "Campaign.csv"):
        (tmp_path / name).write_text(EXPORT[name], encoding="utf-8")
        paths.append(tmp_path / name)
    result = import_files(store, paths, mapping="salesforce")
    assert result.written == {"campaigns": 1, "leads": 3}
    assert re.fullmatch(r"[0-9a-f]{12}", result.run_id)
    assert {r["id"]: r["campaign_id"] for r in store.rows("leads")} == {"00Q1": "701A", "00Q2": "701A", "00Q3": None}


# -- the import page: a zip upload, a dry run, then the import without uploading again ----------------

ADMINS = {"u1": "ada@example.com", "u2": "bea@example.com"}
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    from fastapi.testclient import TestClient

    from pulso.config import Settings
    from pulso.store import Store
    from pulso.web import WebSettings, create_app
    from pulso.web.auth import set_password

    url = f"duckdb:///{tmp_path_factory.mktemp('webzip') / 'w.duckdb'}"
    with Store(Settings(url)) as store:
        store.init(timezone="UTC", currency="USD")
        store.upsert_many({"users": [{"id": uid, "name": uid, "email": email, "role": "admin", "created_at": "2024-01-01"}
                                     for uid, email in ADMINS.items()]})
        for uid in ADMINS:
            set_password(store, uid, PASSWORD)
    app = create_app(WebSettings(store=Settings(url), secret_key="s", strict_i18n=True))
    clients = {}
    for uid, email in ADMINS.items():
        client = TestClient(app)
        client.post("/signin", data={"email": email, "password": PASSWORD, "csrf_token": csrf(client.get("/signin").text),
                                     "next": "/"}, follow_redirects=False)
        clients[uid] = client
    yield app, clients
    app.state.services.close()


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def upload(client, data: bytes) -> str:
    page = client.get("/data/import")
    preview = client.post("/data/import/preview", data={"csrf_token": csrf(page.text)},
                          files={"files": ("WE_00D000000000001_1.zip", data, "application/zip")})
    assert 'data-testid="export-files"' in preview.text, preview.text[-2000:]
    return preview.text


def form_fields(html: str, testid: str) -> dict[str, str]:
    form = re.search(rf'<form[^>]*data-testid="{testid}".*?</form>', html, re.S).group(0)
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form))


def test_web_zip_dry_run_then_import_without_uploading_again(web, tmp_path):
    app, clients = web
    store = app.state.services.store
    html = upload(clients["u1"], export_zip(tmp_path / "export.zip").read_bytes())
    listed = re.search(r'data-testid="export-files">(.*?)</ol>', html, re.S).group(1)
    order = re.findall(r"<li>(.*?)</li>", listed)
    # Parents first; the campaign members, which only update leads, last.
    assert order[-1] == "CampaignMember.csv" and order.index("Account.csv") < order.index("Opportunity.csv")
    assert set(order) == {"Account.csv", "Campaign.csv", "Lead.csv", "Opportunity.csv", "Task.csv", "Event.csv",
                          "CampaignMember.csv", "OpportunityHistory.csv"}
    assert order.index("Opportunity.csv") < order.index("OpportunityHistory.csv")  # the deals before their history
    assert "User.csv: no lo usa la correspondencia salesforce: se omite" in html
    token = re.search(r'name="token" value="([0-9a-f]{32})"', html).group(1)
    before = snapshot(store)
    dry = clients["u1"].post("/data/import/run", data={"csrf_token": csrf(html), "token": token, "preset": "salesforce",
                                                       "mode": "dry_run"})
    assert 'data-testid="import-result"' in dry.text and store.counts()["deals"] == 0 and snapshot(store) == before
    again = form_fields(dry.text, "commit-form")
    assert again["token"] == token and again["preset"] == "salesforce"
    done = clients["u1"].post("/data/import/run", data={**again, "mode": "import"})
    assert "Resultado: escrita" in done.text, done.text[-3000:]
    check_loaded(store)
    # The upload is gone once imported: the same button again says so.
    gone = clients["u1"].post("/data/import/run", data={**again, "mode": "import"})
    assert "Los ficheros subidos ya no están" in gone.text


def test_web_upload_id_unknown_or_of_another_admin_is_refused(web, tmp_path):
    app, clients = web
    store = app.state.services.store
    html = upload(clients["u2"], export_zip(tmp_path / "export.zip").read_bytes())
    theirs = re.search(r'name="token" value="([0-9a-f]{32})"', html).group(1)
    mine = clients["u1"].get("/data/import").text
    before = snapshot(store)
    for token in (theirs, "0" * 32, "../../etc"):
        refused = clients["u1"].post("/data/import/run", data={"csrf_token": csrf(mine), "token": token,
                                                              "preset": "salesforce", "mode": "import"})
        assert 'data-testid="import-error"' in refused.text
        assert "Los ficheros subidos ya no están (se guardan 24 horas) o no los subiste tú" in refused.text
    assert snapshot(store) == before
    # Its owner can still import it.
    done = clients["u2"].post("/data/import/run", data={"csrf_token": csrf(html), "token": theirs, "preset": "salesforce",
                                                        "mode": "import"})
    assert "Resultado: escrita" in done.text
