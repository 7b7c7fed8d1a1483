"""The workspace commands as a user types them: init, db upgrade, status, and their errors."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

PULSO = [sys.executable, "-m", "pulso"]


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "COLUMNS": "200", **(env or {})}
    return subprocess.run([*PULSO, *args], capture_output=True, text=True, env=full_env, timeout=120)


def test_init_then_init_again_then_upgrade(tmp_path):
    db = f"duckdb:///{tmp_path / 'w.duckdb'}"
    first = run("init", "--db", db, "--timezone", "Europe/Madrid", "--currency", "MXN")
    assert first.returncode == 0, first.stderr
    assert "Created workspace" in first.stdout and "Europe/Madrid" in first.stdout
    second = run("init", "--db", db)
    assert second.returncode == 0 and "up to date" in second.stdout
    assert "Europe/Madrid" in second.stdout and "MXN" in second.stdout  # settings kept
    upgrade = run("db", "upgrade", "--db", db)
    assert upgrade.returncode == 0 and "Already at the newest schema" in upgrade.stdout


def test_workspace_from_the_environment(tmp_path):
    path = tmp_path / "env.duckdb"
    assert run("init", env={"PULSO_DATABASE_URL": f"duckdb:///{path}"}).returncode == 0
    assert path.exists()
    status = run("status", env={"PULSO_DATABASE_URL": str(path)})  # a bare path works too
    assert status.returncode == 0, status.stderr
    assert "deals" in status.stdout and "none yet" in status.stdout


def test_status_of_a_missing_workspace_says_so_and_creates_nothing(tmp_path):
    path = tmp_path / "missing.duckdb"
    result = run("status", "--db", str(path))
    assert result.returncode == 1
    assert f"no workspace at {path}" in result.stderr and "pulso init" in result.stderr
    assert "Traceback" not in result.stderr
    assert not path.exists()


@pytest.mark.parametrize(
    "url, message",
    [
        ("mysql://u@h/db", "unsupported database 'mysql'"),
        ("nonsense", "is not a database URL"),
    ],
)
def test_bad_urls_are_explained(url, message):
    result = run("status", "--db", url)
    assert result.returncode == 1 and message in result.stderr and "Traceback" not in result.stderr


def test_unreachable_postgres_is_one_clear_line():
    result = run("init", "--db", "postgresql+psycopg://pulso:secret@127.0.0.1:1/nowhere")
    assert result.returncode == 1
    assert "cannot open the workspace at postgresql+psycopg://pulso:***@127.0.0.1:1/nowhere" in result.stderr
    assert "secret" not in result.stderr and "Traceback" not in result.stderr


def test_bad_settings_are_refused(tmp_path):
    result = run("init", "--db", str(tmp_path / "w.duckdb"), "--timezone", "Mars/Olympus")
    assert result.returncode == 1 and "unknown time zone 'Mars/Olympus'" in result.stderr


def test_a_file_held_by_another_process_is_reported_as_busy(tmp_path):
    path = tmp_path / "busy.duckdb"
    assert run("init", "--db", str(path)).returncode == 0
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb, time; c = duckdb.connect({str(path)!r}); print('ready', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        result = run("status", "--db", str(path))
        assert result.returncode == 1
        assert f"in use by another program (process {holder.pid})" in result.stderr
        assert "pulso serve" in result.stderr
    finally:
        holder.kill()
        holder.wait()
