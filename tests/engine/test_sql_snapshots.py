"""The compiled SQL of every catalog KPI is kept in tests/engine/snapshots/<dialect>/<kpi>.sql, so
a change to the engine's SQL shows in review as a diff of those files.

After a change to the engine or the catalog that changes SQL on purpose, write them again with
`python -m pulso.engine.snapshots refresh` and commit the diff with the change.
"""

from __future__ import annotations

import difflib

import pytest
import sqlglot

from pulso.engine import Engine
from pulso.engine import snapshots as S


@pytest.mark.parametrize("dialect", S.DIALECTS)
def test_every_kpi_compiles_to_its_snapshot(dialect):
    want = S.snapshots(dialect)
    here = {p.name: p for p in (S.FOLDER / dialect).glob("*.sql")}
    stale = sorted(set(here) - set(want))
    assert not stale, f"snapshots of KPIs no longer in the catalog: {stale}; run `{S.REFRESH}`"
    differ = [name for name, text in want.items() if name not in here or S._read(here[name]) != text]
    if differ:
        name = differ[0]
        old = S._read(here[name]).splitlines(keepends=True) if name in here else []
        diff = "".join(difflib.unified_diff(old, want[name].splitlines(keepends=True), f"{dialect}/{name}", "engine"))
        pytest.fail(f"{len(differ)} {dialect} snapshot(s) differ from the engine's SQL: {differ}.\n"
                    f"If the change is meant, run `{S.REFRESH}` and commit the files.\n{diff[:4000]}")


def test_a_snapshot_holds_each_query_shape_in_its_dialect():
    close_duck = S._read(S.FOLDER / "duckdb" / "close_rate.sql")
    close_pg = S._read(S.FOLDER / "postgres" / "close_rate.sql")
    # close_rate can be split by owner: two statements, the second one returning an "owner" column.
    assert close_duck.count("-- close_rate · duckdb · ") == 2 and close_duck.count(";\n") == 2
    assert 'AS "owner"' in close_duck.split("by owner", 1)[1]
    # DuckDB places events by hour slot inside the query's time windows; PostgreSQL range-joins.
    assert '"pulso_period_slots"' in close_duck and "GETVARIABLE('pulso_lo')" in close_duck
    assert '"_p_start"' in close_pg and "pulso_period_slots" not in close_pg and "GETVARIABLE" not in close_pg
    # A KPI with no owner dimension (time on site is split by source only) has one statement.
    visits = S._read(S.FOLDER / "postgres" / "avg_time_on_site_seconds.sql")
    assert visits.count("-- avg_time_on_site_seconds · postgres · ") == 1


@pytest.mark.parametrize("key", ["close_rate", "revenue_won"])
def test_the_snapshot_is_the_sql_the_engine_runs(store, key):
    """Engine.query on a real store (one currency) compiles the very statement of the snapshot
    (line breaks aside)."""
    engine = Engine(store)
    engine.query(key, start=S.START, end=S.END, grain=S.GRAIN)
    ran = [sql for shape, (sql, *_) in engine._plans.items() if shape[:2] == ("q", key)]
    text = S._read(S.FOLDER / store.dialect / f"{key}.sql")
    first = text.split("no split\n", 1)[1].split(";\n", 1)[0]
    one_line = sqlglot.transpile(first, read=store.dialect, write=store.dialect)[0]
    assert one_line in [sqlglot.transpile(sql, read=store.dialect, write=store.dialect)[0] for sql in ran]


def test_refresh_writes_what_changed_and_removes_what_is_gone(tmp_path):
    (tmp_path / "duckdb").mkdir()
    (tmp_path / "duckdb" / "gone_kpi.sql").write_text("SELECT 1;\n")
    assert S.refresh(tmp_path, ["duckdb"], ["close_rate"]) == ["duckdb/close_rate.sql", "duckdb/gone_kpi.sql"]
    assert sorted(p.name for p in (tmp_path / "duckdb").iterdir()) == ["close_rate.sql"]
    assert S.refresh(tmp_path, ["duckdb"], ["close_rate"]) == []  # the same SQL twice: nothing to write
    assert S.differences(tmp_path, ["duckdb"], ["close_rate"]) == []
    path = tmp_path / "duckdb" / "close_rate.sql"
    path.write_bytes(path.read_bytes().replace(b"'won'", b"'lost'"))
    assert S.differences(tmp_path, ["duckdb"], ["close_rate"]) == ["duckdb/close_rate.sql"]

