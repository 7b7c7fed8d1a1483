"""Issue 12, finding 5: `pulso demo` is all or nothing. The command is killed (SIGKILL) right after
it printed a given progress line, at several points from the start to the swap; the workspace is
then exactly the old one (row counts known by hand) or the complete new one, never a mix, on
DuckDB and PostgreSQL. `pulso status` tells of a half-built demo left behind."""

from __future__ import annotations

import subprocess
import sys

import pytest

from pulso.config import Settings
from pulso.store import Store, schema

ARGS = ["--size", "100", "--seed", "7", "--as-of", "2026-03-15"]
#: (progress line the demo prints, whether the swap can have happened by the time the kill lands)
KILL_POINTS = [("Preparing the workspace", False), ("Writing customers (accounts)", False), ("Writing activities", True),
               ("Recording the planted stories", True), ("Swapping in the new workspace", True)]


def at(text: str) -> str:
    return text + "+00:00"


def old_records() -> dict[str, list[dict]]:
    """The old workspace, by hand: 1 team, 2 users, 2 stages, 3 accounts, 4 deals."""
    return {
        "teams": [{"id": "t-old", "name": "Antiguo"}],
        "users": [{"id": f"u-old-{i}", "name": f"Old {i}", "email": f"old{i}@example.com", "role": "rep",
                   "team_id": "t-old", "created_at": at("2024-01-01T00:00:00")} for i in (1, 2)],
        "stages": [{"id": "s-open", "name": "Abierta", "position": 1, "kind": "open", "probability": 0.2},
                   {"id": "s-won", "name": "Ganada", "position": 2, "kind": "won", "probability": 1.0}],
        "accounts": [{"id": f"a-old-{i}", "name": f"Cliente {i}", "created_at": at("2024-02-01T00:00:00")}
                     for i in (1, 2, 3)],
        "deals": [{"id": f"d-old-{i}", "owner_id": "u-old-1", "account_id": "a-old-1", "title": f"Vieja {i}",
                   "amount": 100, "currency": "EUR", "stage_id": "s-open", "status": "open", "kind": "new",
                   "created_at": at("2024-03-01T00:00:00")} for i in (1, 2, 3, 4)],
    }


OLD = {name: 0 for name in schema.CANONICAL_TABLES} | {"teams": 1, "users": 2, "stages": 2, "accounts": 3, "deals": 4}


def counts(url: str) -> dict[str, int]:
    with Store(Settings(url)) as store:
        return store.counts()


def pulso(*args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pulso", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kw)


def kill_after(url: str, line: str) -> list[str]:
    """Run `pulso demo` on `url` and kill -9 it as soon as it printed `line`; returns what it printed."""
    proc = pulso("demo", "--db", url, *ARGS)
    printed = []
    try:
        for text in proc.stderr:
            printed.append(text.rstrip())
            if line in text:
                proc.kill()
                break
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()
        proc.stderr.close()
    assert any(line in p for p in printed), printed
    return printed


@pytest.fixture(scope="module")
def new(tmp_path_factory) -> dict[str, int]:
    """The row counts of the complete new demo (a run left alone, on a new DuckDB file)."""
    url = f"duckdb:///{tmp_path_factory.mktemp('demo-new') / 'new.duckdb'}"
    done = subprocess.run([sys.executable, "-m", "pulso", "demo", "--db", url, *ARGS], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    found = counts(url)
    assert found["accounts"] == 100 and all(found.values())  # a demo fills every table
    return found


@pytest.mark.parametrize("line, may_be_new", KILL_POINTS)
def test_a_killed_demo_leaves_the_old_workspace_or_the_new_one(store, new, line, may_be_new):
    store.upsert_many(old_records())
    store.set_setting("marker", "old")
    assert store.counts() == OLD
    url = store.url
    store.close()
    kill_after(url, line)
    found = counts(url)
    assert found == OLD or (may_be_new and found == new), found
    with Store(Settings(url)) as again:
        assert again.settings_dict()["marker"] == "old"  # settings are kept either way
        if found == OLD:
            assert again.rows("deals")[0]["title"] == "Vieja 1"


def test_status_tells_of_a_half_built_demo_and_the_next_demo_clears_it(tmp_path, new):
    path = tmp_path / "w.duckdb"
    url = f"duckdb:///{path}"
    with Store(Settings(url)) as store:
        store.init()
        store.upsert_many(old_records())
    kill_after(url, "Writing activities")
    left = tmp_path / "w.duckdb.demo-build"
    assert left.exists() and counts(url) == OLD
    status = subprocess.run([sys.executable, "-m", "pulso", "status", "--db", url], capture_output=True, text=True)
    assert status.returncode == 0
    assert "interrupted `pulso demo` left a half-built workspace" in " ".join(status.stderr.split())
    assert str(left) in status.stderr.replace("\n", "")
    done = subprocess.run([sys.executable, "-m", "pulso", "demo", "--db", url, *ARGS], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert counts(url) == new and not left.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.duckdb"]


def test_a_demo_killed_on_a_new_file_leaves_no_workspace(tmp_path):
    path = tmp_path / "fresh.duckdb"
    kill_after(f"duckdb:///{path}", "Writing activities")
    assert not path.exists()
    status = subprocess.run([sys.executable, "-m", "pulso", "status", "--db", f"duckdb:///{path}"],
                            capture_output=True, text=True)
    assert status.returncode == 1
    text = " ".join(status.stderr.split())
    assert f"no workspace at {path}" in text and "interrupted `pulso demo`" in text


def test_keep_refuses_a_workspace_with_data_and_leaves_nothing_behind(tmp_path):
    path = tmp_path / "k.duckdb"
    url = f"duckdb:///{path}"
    with Store(Settings(url)) as store:
        store.init()
        store.upsert_many(old_records())
    done = subprocess.run([sys.executable, "-m", "pulso", "demo", "--db", url, "--keep", *ARGS],
                          capture_output=True, text=True)
    assert done.returncode == 1 and "already holds data" in done.stderr
    assert counts(url) == OLD and sorted(p.name for p in tmp_path.iterdir()) == ["k.duckdb"]
