"""`pulso kpi ...` as users and other tools type it: list, show (table, CSV, JSON), explain, drill, errors."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from pulso.cli import app
from pulso.config import Settings
from pulso.engine import DIALECTS
from pulso.store import Store

runner = CliRunner()


@pytest.fixture
def workspace(tmp_path):
    """A DuckDB workspace in Madrid time: u1 wins 1 of 2 deals in January, u2 wins 1 of 1 in February."""
    url = f"duckdb:///{tmp_path / 'kpi.duckdb'}"
    store = Store(Settings(url))
    store.init(timezone="Europe/Madrid", currency="EUR")
    store.upsert_many({
        "users": [{"id": u, "name": u, "email": f"{u}@x.test", "role": "rep", "created_at": "2024-01-01"} for u in ("u1", "u2")],
        "deals": [
            {"id": "d1", "owner_id": "u1", "status": "won", "amount": 100, "currency": "EUR", "created_at": "2025-01-02", "closed_at": "2025-01-10"},
            {"id": "d2", "owner_id": "u1", "status": "lost", "created_at": "2025-01-02", "closed_at": "2025-01-31 23:30"},
            {"id": "d3", "owner_id": "u2", "status": "won", "amount": 50, "currency": "EUR", "created_at": "2025-01-05", "closed_at": "2025-02-01 00:30"},
        ],
    })
    store.close()
    return url


def invoke(*args: str, env: dict | None = None):
    result = runner.invoke(app, list(args), env={"COLUMNS": "200", **(env or {})})
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    full = {**os.environ, "COLUMNS": "200", **(env or {})}
    return subprocess.run([sys.executable, "-m", "pulso", *args], capture_output=True, text=True, env=full, timeout=180)


def test_list_in_both_languages_and_as_json(monkeypatch):
    items = json.loads(invoke("kpi", "list", "--format", "json", "--lang", "en"))
    assert len(items) == 57  # the 55 KPIs of ../shared/KPIS.md's tables and its two SLA shares (first response, resolution)
    close = next(i for i in items if i["key"] == "close_rate")
    assert close["name"] == "Close (win) rate" and close["unit"] == "%" and close["direction"] == "up"
    assert "owner" in close["dimensions"] and close["area"] == "sales"
    from pulso.cli import console

    monkeypatch.setattr(console, "width", 200)  # a wide terminal: names on one line
    assert "Tasa de cierre" in invoke("kpi", "list")


def test_show_json_is_an_array_of_rows_with_fractions(workspace):
    rows = json.loads(invoke("kpi", "show", "close_rate", "--from", "2025-01-01", "--to", "2025-03-01",
                             "--grain", "month", "--by", "owner", "--format", "json", "--db", workspace))
    assert [(r["period_start"], r["owner"], r["value"], r["numerator"], r["denominator"]) for r in rows] == [
        ("2025-01-01", "u1", 0.5, 1.0, 2.0),   # 50 % is 0.5 in JSON
        ("2025-01-01", "u2", None, 0.0, 0.0),
        ("2025-02-01", "u1", None, 0.0, 0.0),
        ("2025-02-01", "u2", 1.0, 1.0, 1.0),   # closed 00:30 on 1 February, Madrid time
    ]
    assert {"previous", "year_ago", "period_end"} <= set(rows[0])


def test_show_without_grain_is_one_row_and_where_filters(workspace):
    rows = json.loads(invoke("kpi", "show", "revenue_won", "--from", "2025-01-01", "--to", "2025-03-01",
                             "--format", "json", "--db", workspace))
    assert len(rows) == 1 and rows[0]["value"] == 150.0 and rows[0]["denominator"] is None
    only = json.loads(invoke("kpi", "show", "revenue_won", "--from", "2025-01-01", "--to", "2025-03-01",
                             "--where", "owner=u2", "--format", "json", "--db", workspace))
    assert only[0]["value"] == 50.0
    both = json.loads(invoke("kpi", "show", "revenue_won", "--from", "2025-01-01", "--to", "2025-03-01",
                             "--where", "owner=u1", "--where", "owner=u2", "--format", "json", "--db", workspace))
    assert both[0]["value"] == 150.0


def test_show_as_csv_and_as_a_table(workspace):
    text = invoke("kpi", "show", "close_rate", "--from", "2025-01-01", "--to", "2025-02-01", "--format", "csv", "--db", workspace)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["value"] == "0.5" and rows[0]["denominator"] == "2.0"
    table = invoke("kpi", "show", "close_rate", "--from", "2025-01-01", "--to", "2025-02-01", "--db", workspace)
    assert "50.0%" in table and "Tasa de cierre" in table  # the reader's format (tests run in English)


def test_workspace_from_the_environment(workspace):
    rows = json.loads(invoke("kpi", "show", "leads_created", "--from", "2025-01-01", "--to", "2025-02-01",
                             "--format", "json", env={"PULSO_DATABASE_URL": workspace}))
    assert rows[0]["value"] == 0.0


@pytest.mark.parametrize("dialect", DIALECTS)
def test_explain_prints_the_formula_and_sql(dialect):
    text = invoke("kpi", "explain", "close_rate", "--dialect", dialect, "--lang", "en")
    assert "deals won ÷ deals closed" in text and "SELECT" in text.upper() and dialect in text


def test_drill_pages_and_parts(workspace):
    records = json.loads(invoke("kpi", "drill", "close_rate", "--from", "2025-01-01", "--to", "2025-03-01",
                                "--part", "denominator", "--limit", "2", "--format", "json", "--db", workspace))
    assert [r["id"] for r in records] == ["d1", "d2"] and records[0]["table"] == "deals"
    rest = json.loads(invoke("kpi", "drill", "close_rate", "--from", "2025-01-01", "--to", "2025-03-01",
                             "--part", "denominator", "--offset", "2", "--format", "json", "--db", workspace))
    assert [r["id"] for r in rest] == ["d3"]
    won = json.loads(invoke("kpi", "drill", "close_rate", "--from", "2025-01-01", "--to", "2025-03-01",
                            "--format", "json", "--db", workspace))
    assert [r["id"] for r in won] == ["d1", "d3"]


@pytest.mark.parametrize("args, message", [
    (["show", "close_rte"], "unknown KPI 'close_rte'; did you mean 'close_rate'?"),
    (["show", "close_rate", "--grain", "monthly"], "unknown grain 'monthly'; did you mean 'month'?"),
    (["show", "close_rate", "--by", "ownr"], "did you mean 'owner'?"),
    (["show", "close_rate", "--where", "owner"], "is not DIM=VALUE"),
    (["show", "close_rate", "--where", "plan=pro"], "unknown dimension 'plan' for close_rate"),
    (["show", "close_rate", "--format", "xml"], "--format: 'xml' is not one of table, csv, json"),
])
def test_errors_are_one_clear_line_and_exit_1(workspace, args, message):
    key, *rest = args[1:]
    full = ["kpi", args[0], key, "--from", "2025-01-01", "--to", "2025-02-01", *rest, "--db", workspace]
    result = run(*full)
    assert result.returncode == 1, result.stdout
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_bad_dates_and_dialects_are_refused(workspace):
    result = run("kpi", "show", "close_rate", "--from", "2025-13-01", "--to", "2025-02-01", "--db", workspace)
    assert result.returncode == 1 and "--from: '2025-13-01' is not a date" in result.stderr
    result = run("kpi", "explain", "close_rate", "--dialect", "oracle")
    assert result.returncode == 1 and "unknown dialect 'oracle'" in result.stderr and "Traceback" not in result.stderr
