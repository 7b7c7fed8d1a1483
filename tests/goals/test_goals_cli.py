"""The goals, quotas, OKRs, alerts and report commands: output, and hostile arguments refused with
a clear message and nothing stored."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from pulso.cli import app
from pulso.config import Settings
from pulso.store import Store

from goals.helpers import goal_tables_state, tiny_records

runner = CliRunner()


@pytest.fixture
def workspace(tmp_path):
    url = f"duckdb:///{tmp_path / 'goals.duckdb'}"
    with Store(Settings(url)) as store:
        store.init(timezone="UTC", currency="EUR")
        store.upsert_many(tiny_records())
    return url


def ok(*args: str) -> str:
    result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


def refused(*args: str) -> str:
    result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    assert result.exit_code != 0, result.output
    return str(result.exception or result.output)


def state(url: str) -> dict:
    with Store(Settings(url)) as store:
        return goal_tables_state(store)


def test_goal_commands(workspace):
    db = ("--db", workspace)
    out = ok("goals", "add", "close_rate", "--target", "80%", "--start", "2026-04-01", "--deadline", "2026-07-01",
             "--today", "2026-04-30", *db)
    assert "A ✗" in out and "desviado" in out
    [g] = json.loads(ok("goals", "list", "--today", "2026-04-30", "--format", "json", "--lang", "en", *db))
    assert g["kpi"] == "close_rate" and g["status"] == "off_track" and g["target"] == 0.8
    assert g["baseline"] == pytest.approx((0.5 + 0.5 + 0.75) / 3)
    assert [p[1] for p in g["baseline_periods"]] == pytest.approx([0.5, 0.5, 0.75])
    assert json.loads(ok("goals", "show", g["id"], "--today", "2026-04-30", "--format", "json", *db))["id"] == g["id"]
    assert "KPI" in ok("goals", "metrics", *db) and "métrica general" in ok("goals", "metrics", *db)
    ok("goals", "remove", g["id"], *db)
    assert json.loads(ok("goals", "list", "--format", "json", *db)) == []


def test_quota_okr_alert_and_report_commands(workspace, tmp_path):
    db = ("--db", workspace)
    ok("quotas", "set", "--scope", "rep:u1", "--period", "2026-03", "--amount", "4000", *db)
    assert "u1" in ok("quotas", "list", *db)
    assert "50%" in ok("quotas", "leaderboard", "--period", "2026-03", *db)
    out = ok("okrs", "add", "--title", "Vender", "--quarter", "2026-Q1", "--kr", "Cierre|close_rate|0.5|0.7",
             "--kr", "Casos||0|4", *db)
    kr = out.split("key results: ")[1].split(",")[1].strip().rstrip(".")
    ok("okrs", "checkin", kr, "2", "--note", "bien", *db)
    assert "bien" in ok("okrs", "history", kr, *db)
    assert "Vender" in ok("okrs", "list", "--today", "2026-04-15", *db)
    ok("alerts", "add", "stuck", "--param", "days=1", *db)
    assert "stuck" in ok("alerts", "rules", *db)
    out = ok("alerts", "run", "--now", "2026-06-01T00:00:00", *db)
    assert "0 new alert(s)" in out  # every tiny deal is closed
    assert json.loads(ok("alerts", "list", "--format", "json", *db)) == []
    ok("alerts", "channels", "--set", "smtp_host=127.0.0.1", "--set", "smtp_port=2525", *db)
    ok("report-schedules", "add", "--name", "Mensual", "--frequency", "month", "--to", "a@example.com", *db)
    assert "Mensual" in ok("report-schedules", "list", *db)
    html = tmp_path / "r.html"
    ok("report", "--period", "2026-03", "--format", "html", "--lang", "en", "--out", str(html), *db)
    assert "KPI scorecard" in html.read_text()


def test_hostile_arguments_store_nothing(workspace, tmp_path):
    db = ("--db", workspace)
    before = state(workspace)
    for args, message in [
        (("goals", "add", "close_rte", "--target", "1"), "did you mean 'close_rate'"),
        (("goals", "add", "close_rate", "--target", "0.5", "--deadline", "2026-02-31"), "is not a date"),
        (("goals", "add", "close_rate", "--target", "0.5", "--baseline-periods", "99"), "baseline periods"),
        (("goals", "list", "--format", "xml"), "--format: 'xml'"),
        (("okrs", "add", "--title", "x", "--quarter", "2026-Q1", "--kr", "a|b"), "TITLE|KPI|START|TARGET"),
        (("alerts", "add", "stuck", "--param", "days"), "is not NAME=VALUE"),
        (("alerts", "add", "stuck", "--param", "days=" + "9" * 400), "days: '" + "9" * 40 + "…' is not a finite number"),
        (("alerts", "run", "--now", "yesterday"), "--now: 'yesterday'"),
        (("alerts", "snooze", "alert-x", "--hours", "0"), "between 1 and 720"),
        (("alerts", "channels", "--set", "smtp_port=abc"), "whole number"),
        (("alerts", "channels", "--set", "password=x"), "unknown setting"),
        (("report", "--period", "2026-10", "--format", "docx"), "'docx' is not pdf or html"),
        (("report", "--period", "2026-10", "--out", str(tmp_path / "no" / "such" / "dir.pdf")), "cannot write"),
    ]:
        assert message in refused(*args, *db), args
    assert state(workspace) == before


def test_errors_are_one_line_on_stderr(workspace):
    env = {**os.environ, "COLUMNS": "200"}
    done = subprocess.run([sys.executable, "-m", "pulso", "goals", "add", "close_rate", "--target", "abc",
                           "--db", workspace], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 1
    assert done.stderr.strip() == "error: target: 'abc' is not a number"


def test_the_schedules_list_names_the_last_period_sent_by_the_fiscal_year(workspace):
    """A quarterly schedule last sent for April-June 2026 in a workspace whose year starts in April:
    the list says 'Q1 FY2026-27' (the fiscal name), not the stored text."""
    import datetime as dt

    import sqlalchemy as sa

    from pulso.store.tables_goals import report_schedules

    db = ("--db", workspace)
    ok("report-schedules", "add", "--name", "Trimestral", "--frequency", "quarter", "--to", "a@example.com", *db)
    with Store(Settings(workspace)) as store:
        store.set_setting("fiscal_year_start", "4")
        with store.engine.begin() as conn:
            conn.execute(sa.update(report_schedules).values(last_period="2026-Q1", last_start=dt.date(2026, 4, 1)))
    from pulso.cli import common

    wide = [(c, c._width) for c in (common.console, common.err)]  # made at import: COLUMNS comes too late
    for c, _ in wide:
        c.width = 200
    try:
        assert "Q1 FY2026-27" in ok("report-schedules", "list", *db)  # the command line speaks English here (PULSO_LANG)
    finally:
        for c, width in wide:
            c._width = width
