"""Hostile and malformed files: each is refused with a clear error naming where, and the store is unchanged."""

from __future__ import annotations

import csv
import io
import json

import pytest

from pulso import audit, events
from pulso.ingest import ImportFailed, import_files, list_runs, run_errors, write_error_report
from pulso.ingest.runlog import write_reject_file

from .helpers import snapshot

HEADER = "id,title,status,amount,created_at,closed_at\n"
GOOD = "d1,First,won,100.50,2024-01-02,2024-02-01\nd2,Second,open,200,2024-01-05,\n"


def deals_file(tmp_path, body: str | bytes, name="deals.csv"):
    path = tmp_path / name
    path.write_bytes(body if isinstance(body, bytes) else body.encode())
    return path


def refused(store, path, *, table="deals", **kw) -> str:
    """Import must fail and leave the store exactly as it was; returns the error text."""
    before = snapshot(store)
    with pytest.raises(ImportFailed) as caught:
        import_files(store, [path], table=table, **kw)
    assert snapshot(store) == before
    return str(caught.value)


def test_good_file_then_reimport_is_stable(store, tmp_path):
    path = deals_file(tmp_path, HEADER + GOOD)
    heard = []
    events.on_data_arrived(lambda s, source, tables: heard.append((source, tables)) if s is store else None)
    result = import_files(store, [path], table="deals")
    assert heard == [("import", ("deals",))]
    entry = audit.entries(store, actions=["data.import"])[0]
    assert entry["target_id"] == result.run_id and entry["detail"]["tables"] == {"deals": 2}
    assert result.written == {"deals": 2} and result.status == "committed"
    first = store.rows("deals")
    assert first[0]["external_id"] == "d1" and str(first[0]["amount"]) == "100.50"
    import_files(store, [path], table="deals")
    assert store.rows("deals") == first
    runs = list_runs(store)
    assert [r["status"] for r in runs] == ["committed", "committed"]
    assert runs[0]["files"][0]["sha256"] == runs[1]["files"][0]["sha256"] and runs[0]["actor_kind"] == "cli"


@pytest.mark.parametrize("body, expected", [
    (b"", "the file is empty"),
    (HEADER, "header but no rows"),
    (bytes(range(256)) * 40, "binary file"),
    (b"x" * (50 << 20), "first line is longer than"),
])
def test_unreadable_files(store, tmp_path, body, expected):
    assert expected in refused(store, deals_file(tmp_path, body))


def test_ragged_rows_name_their_line(store, tmp_path):
    text = refused(store, deals_file(tmp_path, HEADER + GOOD + "d3,Third,open\n"))
    assert "deals.csv, line 4" in text and "3 fields where the header has 6" in text


def test_duplicate_ids_in_one_file(store, tmp_path):
    text = refused(store, deals_file(tmp_path, HEADER + GOOD + "d1,Again,open,5,2024-01-03,\n"))
    assert "appears more than once" in text and "line 4" in text and "'d1'" in text


def test_mixed_encodings(store, tmp_path):
    body = (HEADER + GOOD + "d3,Se\u00f1al,open,1,2024-01-01,\n").encode() + "d4,Caf\u00e9,open,1,2024-01-01,\n".encode("latin-1")
    text = refused(store, deals_file(tmp_path, body))
    assert "line 5" in text and "mixes encodings" in text


def test_formulas_are_refused_and_escaped_in_the_report(store, tmp_path):
    body = HEADER + 'd1,"=HYPERLINK(""http://evil"",""x"")",open,1,2024-01-01,\n'
    with pytest.raises(ImportFailed) as caught:
        import_files(store, [deals_file(tmp_path, body)], table="deals")
    error = caught.value.result.errors[0]
    assert error.line == 2 and error.column == "title" and "formula" in error.reason
    out = io.StringIO()
    write_error_report(caught.value.result.errors, out)
    assert "'=HYPERLINK" in out.getvalue() and "\n=HYPERLINK" not in out.getvalue()
    assert store.counts()["deals"] == 0


def test_future_dates_and_negative_amounts(store, tmp_path):
    text = refused(store, deals_file(tmp_path, HEADER + "d1,A,won,10,2024-01-01,2099-01-01\n"))
    assert "line 2" in text and "closed_at is in the future" in text
    text = refused(store, deals_file(tmp_path, HEADER + "d1,A,open,-10,2024-01-01,\n"))
    assert "line 2" in text and "amount" in text and "must not be negative" in text


def test_every_error_is_recorded_with_file_line_column_value(store, tmp_path):
    body = HEADER + "d1,A,open,abc,2024-01-01,\nd2,B,maybe,5,31/02/2024,\n"
    with pytest.raises(ImportFailed) as caught:
        import_files(store, [deals_file(tmp_path, body)], table="deals")
    run = list_runs(store)[0]
    assert run["status"] == "failed" and run["id"] == caught.value.result.run_id
    stored = {(e["line"], e["column_name"], e["value"]) for e in run_errors(store, run["id"])}
    assert (2, "amount", "abc") in stored and (3, "created_at", "31/02/2024") in stored


def test_partial_writes_good_rows_and_reports_rejects(store, tmp_path):
    body = HEADER + GOOD + "d3,C,open,-1,2024-01-01,\nd4,D,lost,7,2024-01-01,2024-01-09\n"
    result = import_files(store, [deals_file(tmp_path, body)], table="deals", partial=True)
    assert result.status == "partial" and result.written == {"deals": 3} and result.rejected == 1
    assert {r["id"] for r in store.rows("deals")} == {"d1", "d2", "d4"}
    assert [(e.line, e.column) for e in result.errors] == [(4, "amount")]
    out = io.StringIO()
    write_reject_file(result, [tmp_path / "deals.csv"], out)
    rejected = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(rejected) == 1 and rejected[0]["line"] == "4" and json.loads(rejected[0]["row"])["id"] == "d3"


def test_dry_run_writes_nothing_but_is_recorded(store, tmp_path):
    before = snapshot(store)
    result = import_files(store, [deals_file(tmp_path, HEADER + GOOD)], table="deals", dry_run=True)
    assert result.status == "dry_run" and result.written == {"deals": 2}
    assert snapshot(store) == before and list_runs(store)[0]["status"] == "dry_run"


def test_other_formats_and_spellings(store, tmp_path):
    """Semicolons, decimal commas, day-first dates, quoted newlines, XLSX, JSON lines, Parquet."""
    import openpyxl
    import pyarrow as pa
    import pyarrow.parquet as pq

    semi = deals_file(tmp_path, "Identificador;Título;Estado;Importe;Fecha de creación\n"
                                "e1;\"Dos\nlíneas\";open;1.234,50;31/01/2024\n", "es.csv")
    result = import_files(store, [semi], table="deals")
    row = store.rows("deals")[0]
    assert result.written == {"deals": 1} and row["title"] == "Dos\nlíneas" and str(row["amount"]) == "1234.50"
    assert row["created_at"].date().isoformat() == "2024-01-31"

    book = openpyxl.Workbook()
    book.active.append(["id", "title", "status", "created_at"])
    book.active.append(["x1", "Excel", "open", 45322])  # Excel serial of 2024-01-31
    book.save(tmp_path / "deals.xlsx")
    (tmp_path / "deals.jsonl").write_text(json.dumps({"id": "j1", "status": "open", "created_at": "2024-01-01"}) + "\n")
    pq.write_table(pa.table({"id": ["p1"], "status": ["open"], "created_at": ["2024-01-01"]}), tmp_path / "deals.parquet")
    for name in ("deals.xlsx", "deals.jsonl", "deals.parquet"):
        assert import_files(store, [tmp_path / name], table="deals").status == "committed", name
    dates = {r["id"]: r["created_at"].date().isoformat() for r in store.rows("deals")}
    assert dates["x1"] == "2024-01-31" and {"j1", "p1"} <= set(dates)


def test_ambiguous_dates_need_an_order(store, tmp_path):
    body = HEADER + "d1,A,open,1,03/04/2024,\n"
    assert "day-first or month-first" in refused(store, deals_file(tmp_path, body))
    import_files(store, [deals_file(tmp_path, body)], table="deals", date_order="mdy")
    assert store.rows("deals")[0]["created_at"].date().isoformat() == "2024-03-04"


def test_duplicate_ids_across_batches_of_a_large_file(store, tmp_path):
    """A file is written a batch (50,000 rows) at a time; an id repeated in a later batch is still caught."""
    rows = "".join(f"d{i},T,open,1,2024-01-01,\n" for i in range(60_000))
    text = refused(store, deals_file(tmp_path, HEADER + rows + "d7,Again,open,1,2024-01-01,\n"))
    assert "line 60002" in text and "appears more than once" in text and "'d7'" in text
