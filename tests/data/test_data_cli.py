"""The commands as a user runs them: pulso import, imports, dedupe and quality (real processes)."""

from __future__ import annotations

import csv

from .helpers import run_cli as run


def test_import_partial_reject_file_runs_and_quality(store, tmp_path):
    data = tmp_path / "ventas.csv"
    data.write_text("Identificador;Título;Estado;Importe;Fecha de creación\n"
                    "v1;Uno;open;1.500,25;15/03/2024\nv2;Dos;open;-3;16/03/2024\n", encoding="cp1252")
    rejects = tmp_path / "rejects.csv"
    done = run("import", str(data), "--table", "deals", "--partial", "--reject-file", str(rejects), store=store)
    assert done.returncode == 0, done.stderr
    assert "Wrote 1 deals" in done.stdout and "Refused 1 rows" in done.stdout
    assert [r["line"] for r in csv.DictReader(rejects.open())] == ["3"]
    assert str(store.rows("deals")[0]["amount"]) == "1500.25"  # decimal comma, cp1252, semicolons, day-first

    refused = run("import", str(data), "--table", "deals", store=store)
    assert refused.returncode == 1 and "ventas.csv, line 3, column Importe" in refused.stderr
    listed = run("imports", "list", store=store)
    assert "partial" in listed.stdout and "failed" in listed.stdout
    run_id = refused.stderr.split("(run ")[1].split(")")[0]
    errors = run("imports", "errors", run_id, store=store)
    assert "must not be negative" in errors.stdout

    report = run("quality", "report", "--table", "deals", "--lang", "en", store=store)
    assert report.returncode == 0 and "of deals have no owner" in report.stdout and "amount" in report.stdout
    found = run("dedupe", "find", store=store)
    assert found.returncode == 0 and "0 probable duplicate pairs" in found.stdout
    assert run("imports", "mappings").stdout.count("salesforce") >= 1
    suggested = run("imports", "suggest", str(data), "--table", "deals")
    assert "Fecha de creación" in suggested.stdout and "created_at" in suggested.stdout
