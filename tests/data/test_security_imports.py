"""Issue 12, findings 6, 8, 14, 15 and the XLSX part of 18: hostile imports through every door.

Each hostile file is built here, by hand; every answer it must give (the file, line and column
named, the store unchanged, the run recorded as failed) is written out in the test.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import time
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from pulso import tokens
from pulso.config import Settings
from pulso.ingest import ImportFailed, import_files, list_runs, load_mapping, run_errors
from pulso.ingest.mapping import MappingError
from pulso.ingest.runlog import UnknownRun
from pulso.ingest.xlsx import check_workbook
from pulso.web.auth import set_password
from pulso.web import uploads as upload_folder

from support import BACKENDS, make_store  # noqa: E402  (tests/ is on sys.path, see tests/conftest.py)

from .helpers import run_cli, snapshot

EMAIL, PASSWORD = "ada@example.com", "correct horse battery"
GOOD_CSV = b"id,title,status,amount,created_at\ng1,Bien,open,10,2024-01-02\n"
EDITOR = {"col__id": "id", "col__title": "title", "col__status": "status", "col__amount": "amount",
          "col__created_at": "created_at"}


# -- hostile files (finding 8) ----------------------------------------------------------------

def big_cell_csv() -> bytes:
    """Line 3 has a 5 MB title (over Python's 128 KB csv field limit) and an amount that is not a number."""
    return (b"id,title,status,amount,created_at\nd1,Uno,open,10,2024-01-02\n"
            b"d2," + b"x" * (5 << 20) + b",open,abc,2024-01-03\n")


def deep_jsonl() -> bytes:
    """Line 2 nests an array 100,000 deep (json.loads: RecursionError)."""
    return (b'{"id": "j1", "status": "open", "created_at": "2024-01-02"}\n'
            b'{"id": "j2", "status": "open", "created_at": "2024-01-03", "extra": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n")


def digits_jsonl() -> bytes:
    """Line 2 has a 5,000-digit whole number as amount (int(): over 4,300 digits, ValueError)."""
    return (b'{"id": "j1", "status": "open", "amount": 5, "created_at": "2024-01-02"}\n'
            b'{"id": "j2", "status": "open", "amount": ' + b"7" * 5000 + b', "created_at": "2024-01-03"}\n')


# file name → (content, what the error must say: where, then why)
HOSTILE = {
    "big.csv": (big_cell_csv, "big.csv, line 3, column amount: amount 'abc' is not a number"),
    "deep.jsonl": (deep_jsonl, "deep.jsonl, line 2: the JSON nests arrays or objects too deeply to be read"),
    "digits.jsonl": (digits_jsonl, "digits.jsonl, line 2, column amount: amount '" + "7" * 5000 + "' is too large"),
}

#: the page's reader is Spanish: a reason that is a msgid reads in Spanish there (the API keeps the English)
SPANISH_PAGE = {"big.csv": ("is not a number", "no es un número"), "digits.jsonl": ("is too large", "es demasiado grande"),
                "deep.jsonl": ("line 2: the JSON nests arrays or objects too deeply to be read",
                               "línea 2: el JSON anida listas u objetos demasiado hondo para leerlo")}


def _failed_run_says(store, expected: str) -> None:
    run = list_runs(store)[0]
    assert run["status"] == "failed" and run["rows_written"] == 0
    assert expected.split(": ", 1)[1][:60] in run["message"]
    assert [e["reason"] for e in run_errors(store, run["id"])][0][:40] == expected.split(": ", 1)[1][:40]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_files_through_the_library_fail_cleanly(store, tmp_path, name):
    build, expected = HOSTILE[name]
    path = tmp_path / name
    path.write_bytes(build())
    before = snapshot(store)
    with pytest.raises(ImportFailed) as caught:
        import_files(store, [path], table="deals")
    assert expected in str(caught.value)
    assert snapshot(store) == before
    _failed_run_says(store, expected)
    # The connection of this thread is usable: an ordinary import commits.
    good = tmp_path / "good.csv"
    good.write_bytes(GOOD_CSV)
    assert import_files(store, [good], table="deals").status == "committed"
    assert store.counts()["deals"] == before[0]["deals"] + 1


def test_an_unexpected_error_mid_import_rolls_back_and_is_recorded(store, tmp_path):
    """Ctrl-C or a bug while a streamed import holds its transaction: nothing written, run recorded."""
    path = tmp_path / "many.csv"
    path.write_bytes(b"id,status,created_at\n" + b"".join(b"m%d,open,2024-01-02\n" % i for i in range(60_000)))

    def interrupt(step: str, rows: int) -> None:
        if rows >= 50_000:  # the first batch (50,000 rows) is written inside the open transaction
            raise RuntimeError("stopped by the test")

    before = snapshot(store)
    with pytest.raises(RuntimeError, match="stopped by the test"):
        import_files(store, [path], table="deals", progress=interrupt)
    assert snapshot(store) == before
    run = list_runs(store)[0]
    assert run["status"] == "failed" and "the import stopped: RuntimeError: stopped by the test" in run["message"]
    good = tmp_path / "good.csv"
    good.write_bytes(GOOD_CSV)
    assert import_files(store, [good], table="deals").status == "committed"




def test_hostile_files_through_the_command_line(store, tmp_path):
    for name, (build, expected) in HOSTILE.items():
        path = tmp_path / name
        path.write_bytes(build())
        done = run_cli("import", str(path), "--table", "deals", store=store)
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr[-2000:]
        assert expected[:70] in " ".join(done.stderr.split()), (name, done.stderr[-2000:])
    assert [r["status"] for r in list_runs(store)] == ["failed"] * 3
    assert store.counts()["deals"] == 0


# -- the web app on each backend --------------------------------------------------------------

@pytest.fixture(scope="module", params=BACKENDS)
def web(request, tmp_path_factory):
    """An app on a small workspace of each backend, an admin signed in, and an admin API token."""
    from pulso.web import WebSettings, create_app

    store = make_store(request.param, tmp_path_factory.mktemp("secimp"), request)
    store.upsert_many({"users": [{"id": "u1", "name": "Ada", "email": EMAIL, "role": "admin", "created_at": "2024-01-01"}],
                       "deals": [{"id": "keep", "status": "open", "created_at": "2024-01-01"}]})
    set_password(store, "u1", PASSWORD)
    secret = tokens.create(store, "sync", role="admin").secret
    store.close()
    app = create_app(WebSettings(store=Settings(store.url), secret_key="s", strict_i18n=True, today=dt.date(2024, 6, 30)))
    client = TestClient(app, raise_server_exceptions=False)
    signin = client.get("/signin")
    client.post("/signin", data={"email": EMAIL, "password": PASSWORD, "csrf_token": csrf(signin.text), "next": "/"},
                follow_redirects=False)
    yield {"app": app, "client": client, "auth": {"Authorization": f"Bearer {secret}"}}
    app.state.services.close()


@pytest.fixture
def uploads(tmp_path, monkeypatch) -> Path:
    """This test's own uploads folder."""
    folder = tmp_path / "uploads"
    monkeypatch.setattr(upload_folder, "UPLOADS", folder)
    return folder


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def in_store(web, fn, *args):
    return web["app"].state.services.run(fn, web["app"].state.services.store, *args)


def preview(web, name: str, content: bytes):
    client = web["client"]
    page = client.get("/data/import")
    return client.post("/data/import/preview", data={"csrf_token": csrf(page.text), "table_name": "deals"},
                       files={"files": (name, content, "application/octet-stream")})


def token_of(html: str) -> str:
    return re.search(r'name="token" value="([0-9a-f]+)"', html).group(1)


def shown_error(html: str) -> str:
    found = re.search(r'data-testid="import-error">([^<]*)<', html)
    if found:
        return " ".join(found.group(1).split())
    rows = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td><td>[^<]*</td><td>([^<]*)</td></tr>", html)
    file, line, column, reason = rows[0]
    return f"{file}" + (f", line {line}" if line else "") + (f", column {column}" if column else "") + f": {reason}"


def unescape(text: str) -> str:
    return text.replace("&#39;", "'").replace("&#34;", '"').replace("&quot;", '"').replace("&amp;", "&")


def ordinary_requests_work(web) -> None:
    client = web["client"]
    assert client.get("/data/import").status_code == 200
    assert client.get("/data/import.json").status_code == 200
    good = client.post("/api/v1/imports", headers=web["auth"], data={"table": "deals", "dry_run": "true"},
                       files={"files": ("good.csv", GOOD_CSV, "text/csv")})
    assert good.status_code == 200 and good.json()["status"] == "dry_run", good.text


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_files_through_the_web_page_and_the_api(web, uploads, name):
    build, expected = HOSTILE[name]
    content = build()
    store_before = in_store(web, snapshot)
    runs_before = len(in_store(web, list_runs))
    shown = preview(web, name, content)
    assert shown.status_code == 200
    messages = []
    if 'name="token"' in shown.text:  # the preview reads the first rows only; the import reads them all
        headers = re.findall(r"<th>([^<]*)</th>", shown.text.split('class="preview"')[1].split("</tr>")[0])
        editor = {k: v for k, v in EDITOR.items() if v in headers}
        form = {"csrf_token": csrf(shown.text), "token": token_of(shown.text), "table": "deals", "preset": "", **editor}
        for mode in ("dry_run", "import"):
            done = web["client"].post("/data/import/run", data={**form, "mode": mode})
            assert done.status_code == 200 and "rechazada" in done.text
            messages.append(unescape(shown_error(done.text)))
    else:
        messages.append(unescape(shown_error(shown.text)))
    api = web["client"].post("/api/v1/imports", headers=web["auth"], data={"table": "deals"},
                             files={"files": (name, content, "application/octet-stream")})
    assert api.status_code == 422, api.text[:500]
    error = api.json()["errors"][0]
    messages.append(f"{error['file']}, line {error['line']}" + (f", column {error['column']}" if error["column"] else "")
                    + f": {error['reason']}")
    page = expected.replace(*SPANISH_PAGE[name]) if name in SPANISH_PAGE else expected
    assert all(m.startswith(page) for m in messages[:-1]) and messages[-1].startswith(expected), messages
    assert in_store(web, snapshot) == store_before
    runs = in_store(web, list_runs)
    assert len(runs) > runs_before and runs[0]["status"] == "failed" and runs[0]["files"][0]["name"] == name
    ordinary_requests_work(web)


# -- finding 6: presets by name only on the web; mapping files bounded on the command line -----

@pytest.mark.parametrize("preset", ["/etc/passwd", "/proc/self/environ", "/dev/zero", "../../etc/passwd", "salesforce.yaml"])
def test_the_web_form_takes_preset_names_only(web, uploads, preset):
    shown = preview(web, "ventas.csv", GOOD_CSV)
    form = {"csrf_token": csrf(shown.text), "token": token_of(shown.text), "table": "deals", "preset": preset,
            "mode": "dry_run", **EDITOR}
    started = time.process_time()  # CPU, not wall: the bound must not depend on the machine's load
    done = web["client"].post("/data/import/run", data=form)
    assert time.process_time() - started < 5
    assert done.status_code == 200 and "Correspondencia desconocida" in done.text
    assert "root:" not in done.text and "PATH=" not in done.text


def test_the_web_form_takes_an_uploaded_mapping_file_of_bounded_size(web, uploads):
    shown = preview(web, "ventas.csv", GOOD_CSV)
    form = {"csrf_token": csrf(shown.text), "token": token_of(shown.text), "table": "deals", "preset": "", "mode": "dry_run"}
    mapping = b"name: mine\ntable: deals\ncolumns: {id: id, status: status, created_at: created_at}\n"
    done = web["client"].post("/data/import/run", data=form, files={"mapping_file": ("mine.yaml", mapping, "application/yaml")})
    assert done.status_code == 200 and 'data-testid="import-result"' in done.text and "prueba" in done.text
    assert in_store(web, list_runs)[0]["mapping"] == "mine"
    huge = b"# " + b"x" * (300 << 10) + b"\n" + mapping
    refused = web["client"].post("/data/import/run", data=form, files={"mapping_file": ("huge.yaml", huge, "application/yaml")})
    assert refused.status_code == 200 and "huge.yaml: too large for a mapping (at most 256 KB)" in refused.text


def test_the_api_takes_preset_names_only(web, uploads):
    files = {"files": ("Opportunity.csv", GOOD_CSV, "text/csv")}
    for mapping in ("/etc/passwd", "/dev/zero"):
        refused = web["client"].post("/api/v1/imports", headers=web["auth"], data={"mapping": mapping}, files=files)
        assert refused.status_code == 422 and refused.json()["error"]["code"] == "unknown_mapping"


def test_mapping_files_on_the_command_line_are_bounded(store, tmp_path):
    started = time.process_time()  # CPU, not wall: the bound must not depend on the machine's load
    with pytest.raises(MappingError, match="must be a YAML file, not a folder, device or pipe"):
        load_mapping("/dev/zero")
    with pytest.raises(MappingError, match="must be a YAML file"):
        load_mapping(tmp_path)
    huge = tmp_path / "huge.yaml"
    huge.write_bytes(b"# " + b"x" * (300 << 10) + b"\n")
    with pytest.raises(MappingError, match="huge.yaml: 307,203 bytes is too large for a mapping"):
        load_mapping(huge)
    assert time.process_time() - started < 5
    data = tmp_path / "deals.csv"
    data.write_bytes(GOOD_CSV)
    done = run_cli("import", str(data), "--table", "deals", "--mapping", "/dev/zero", store=store)
    assert done.returncode == 1 and "not a folder, device or pipe" in done.stderr and "Traceback" not in done.stderr


# -- finding 14: upload names and the uploads folder -------------------------------------------

def raw_multipart(fields: dict[str, str], filename: bytes, content: bytes) -> tuple[bytes, str]:
    """A multipart body with the file name sent byte for byte (a browser library would escape it)."""
    boundary = "pulsotestboundary"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="'.encode() + filename
                 + b'"\r\nContent-Type: text/csv\r\n\r\n' + content + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


@pytest.mark.parametrize("sent, shown", [
    (b"..", "upload"), (b".", "upload"), (b"a" * 300 + b".csv", "a" * 116 + ".csv"),
    (b"bad\x00name.csv", "badname.csv"), (b"../../etc/cron.d/x.csv", "x.csv"), (b"..\\..\\win.csv", "win.csv"),
])
def test_upload_names_are_the_servers_and_the_folder_is_private(web, uploads, sent, shown):
    client = web["client"]
    body, kind = raw_multipart({"csrf_token": csrf(client.get("/data/import").text), "table_name": "deals"}, sent, GOOD_CSV)
    answer = client.post("/data/import/preview", content=body, headers={"content-type": kind})
    assert answer.status_code == 200, answer.text[:300]
    assert f"Vista previa: {shown}<" in answer.text or f"Preview: {shown}<" in answer.text
    folder = uploads / token_of(answer.text)
    assert stat.S_IMODE(uploads.stat().st_mode) == 0o700 and stat.S_IMODE(folder.stat().st_mode) == 0o700
    stored = sorted(p.name for p in folder.iterdir())
    assert stored[0] in ("1.csv", "1") and stored[1:] == ["names.json"]
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in folder.iterdir())
    assert [p for p in uploads.parent.rglob("*") if p.name in ("etc", "cron.d", "win.csv")] == []


def test_uploads_go_away_after_the_import_a_failed_preview_or_a_day(web, uploads):
    client = web["client"]
    shown = preview(web, "ventas.csv", b"id,title,status,amount,created_at\nw1,Web,open,10,2024-01-02\n")
    token = token_of(shown.text)
    done = client.post("/data/import/run", data={"csrf_token": csrf(shown.text), "token": token, "table": "deals",
                                                 "preset": "", "mode": "import", **EDITOR})
    assert "escrita" in done.text and not (uploads / token).exists()
    empty = preview(web, "empty.csv", b"")
    assert "empty.csv: el archivo está vacío" in empty.text and list(uploads.iterdir()) == []
    stale = uploads / ("a" * 32)
    stale.mkdir()
    (stale / "1.csv").write_bytes(GOOD_CSV)
    day_old = time.time() - 25 * 3600
    os.utime(stale, (day_old, day_old))
    fresh = token_of(preview(web, "ventas.csv", GOOD_CSV).text)
    assert not stale.exists() and (uploads / fresh).is_dir()
    gone = client.post("/data/import/run", data={"csrf_token": csrf(shown.text), "token": "a" * 32, "table": "deals",
                                                 "preset": "", "mode": "dry_run", **EDITOR})
    assert "Los ficheros subidos ya no están" in gone.text


# -- finding 15: the error report download ------------------------------------------------------

@pytest.mark.parametrize("run_id", ["0123456789ab", "nope", 'x"; filename*=UTF-8\'\'evil.html', "abc\r\nSet-Cookie: a=b",
                                    "0123456789AB", "0123456789abc"])
def test_error_reports_of_unknown_runs_are_404(web, run_id):
    from urllib.parse import quote

    answer = web["client"].get(f"/data/imports/{quote(run_id, safe='')}/errors.csv")
    assert answer.status_code == 404 and "content-disposition" not in answer.headers
    assert "a=b" not in answer.headers.get("set-cookie", "")


def test_the_error_report_of_a_known_run(web, uploads):
    bad = web["client"].post("/api/v1/imports", headers=web["auth"], data={"table": "deals"},
                             files={"files": ("bad.csv", b"id,status,created_at\nb1,maybe,2024-01-02\n", "text/csv")})
    run_id = bad.json()["run_id"]
    answer = web["client"].get(f"/data/imports/{run_id}/errors.csv")
    assert answer.status_code == 200
    assert answer.headers["content-disposition"] == f'attachment; filename="pulso-import-{run_id}-errors.csv"'
    assert answer.text.splitlines()[1].startswith("bad.csv,2,status,maybe,")


def test_run_errors_refuses_unknown_ids(store):
    for run_id in ("0123456789ab", "../../x", ""):
        with pytest.raises(UnknownRun, match="no import run"):
            run_errors(store, run_id)


# -- finding 18 (XLSX): refused on size and shape before any row is parsed ----------------------

def workbook(tmp_path: Path, name: str, sheet_xml: bytes | None = None, *, level: int = 6) -> Path:
    """A real workbook (openpyxl), with its first sheet's XML replaced when given."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["id", "status", "created_at"])
    book.active.append(["x1", "open", "2024-01-02"])
    plain = tmp_path / f"plain-{name}"
    book.save(plain)
    path = tmp_path / name
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as out:
        for entry in src.infolist():
            body = src.read(entry)
            if entry.filename == "xl/worksheets/sheet1.xml" and sheet_xml is not None:
                body = sheet_xml
            out.writestr(entry.filename, body)
    return path


SHEET_OPEN = (b'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/'
              b'spreadsheetml/2006/main">')
HEADER_ROW = (b'<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c><c r="B1" t="inlineStr"><is><t>status</t></is></c>'
              b'<c r="C1" t="inlineStr"><is><t>created_at</t></is></c></row>')


def column_letters(n: int) -> str:
    letters = ""
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def refused_fast(store, path: Path, expected: str) -> None:
    with pytest.raises(Exception) as direct:  # the check that runs before openpyxl opens the file
        check_workbook(path, path.name)
    assert expected in str(direct.value)
    started = time.process_time()  # CPU, not wall: the bound must not depend on the machine's load
    with pytest.raises(ImportFailed) as caught:
        import_files(store, [path], table="deals")
    assert time.process_time() - started < 5
    assert f"\n  {path.name}" in str(caught.value) and expected in str(caught.value)


def test_xlsx_zip_bomb_is_refused_from_the_zip_directory(store, tmp_path):
    bomb = SHEET_OPEN + b"<sheetData>" + HEADER_ROW + b" " * (200 << 20) + b"</sheetData></worksheet>"
    path = workbook(tmp_path, "bomb.xlsx", bomb, level=9)
    del bomb
    refused_fast(store, path, "its part xl/worksheets/sheet1.xml unpacks")
    assert store.counts()["deals"] == 0 and list_runs(store)[0]["status"] == "failed"


def test_xlsx_over_the_unpacked_size_limit(store, tmp_path, monkeypatch):
    from pulso.ingest import xlsx

    monkeypatch.setattr(xlsx, "MAX_UNCOMPRESSED", 1 << 20)
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (i, i, i * 7919 % 104729) for i in range(2, 40_000))
    path = workbook(tmp_path, "large.xlsx", SHEET_OPEN + b"<sheetData>" + HEADER_ROW + rows + b"</sheetData></worksheet>")
    refused_fast(store, path, "the workbook unpacks to 1 MB, over the limit of 1 MB")


def test_xlsx_declaring_300000_columns(store, tmp_path):
    ref = f"A1:{column_letters(300_000)}2".encode()
    sheet = SHEET_OPEN + b'<dimension ref="' + ref + b'"/><sheetData>' + HEADER_ROW + b"</sheetData></worksheet>"
    refused_fast(store, workbook(tmp_path, "wide.xlsx", sheet), "declares 300,000 columns and 2 rows")


def test_xlsx_with_a_300000_cell_header_row(store, tmp_path):
    cells = b"".join(b"<c><v>%d</v></c>" % i for i in range(300_000))
    sheet = SHEET_OPEN + b"<sheetData><row>" + cells + b"</row></sheetData></worksheet>"
    refused_fast(store, workbook(tmp_path, "wide2.xlsx", sheet), "the first row of sheet sheet1 has more than 16,384 cells")


def test_xlsx_row_number_far_beyond_excel(store, tmp_path):
    sheet = (SHEET_OPEN + b"<sheetData>" + HEADER_ROW + b'<row r="2"><c r="A2" t="inlineStr"><is><t>x1</t></is></c></row>'
             b'<row r="900000000"><c r="A900000000"><v>1</v></c></row></sheetData></worksheet>')
    path = workbook(tmp_path, "far.xlsx", sheet)
    started = time.process_time()  # CPU, not wall: the bound must not depend on the machine's load
    with pytest.raises(ImportFailed) as caught:
        import_files(store, [path], table="deals")
    assert time.process_time() - started < 5
    assert "far.xlsx, line 1048577: the sheet has more than 1,048,576 rows (Excel's limit)" in str(caught.value)


def test_xlsx_blank_rows_are_skipped_and_lines_stay_right(store, tmp_path):
    sheet = (SHEET_OPEN + b"<sheetData>" + HEADER_ROW
             + b'<row r="2"><c r="A2" t="inlineStr"><is><t>x1</t></is></c><c r="B2" t="inlineStr"><is><t>open</t></is></c>'
               b'<c r="C2" t="inlineStr"><is><t>2024-01-02</t></is></c></row>'
             + b'<row r="5"><c r="A5" t="inlineStr"><is><t>x2</t></is></c><c r="B5" t="inlineStr"><is><t>maybe</t></is></c>'
               b'<c r="C5" t="inlineStr"><is><t>2024-01-02</t></is></c></row></sheetData></worksheet>')
    with pytest.raises(ImportFailed) as caught:
        import_files(store, [workbook(tmp_path, "gaps.xlsx", sheet)], table="deals")
    errors = caught.value.result.errors
    assert [(e.file, e.line, e.column, e.value) for e in errors] == [("gaps.xlsx", 5, "status", "maybe")]
    assert caught.value.result.rows_read == 2
