"""A small batch costs what its rows cost, not what the tables hold (issue 15: a stage move under
150 ms on a million deals).

Every statement a one-row write issues is measured by the database itself: on DuckDB each one runs
under EXPLAIN (ANALYZE, FORMAT JSON) (a read is explained first, a write runs once, explained) and a
sequential scan that read any row group of a table counts as reading the whole table; on PostgreSQL
the transaction's own counters (pg_stat_xact_user_tables: rows read by sequential and index scans).
With 3,000 accounts, leads and deals, reading a whole table once is 3,000 rows: the write of one
deal (an update with its account, lead, owner and stage checked) and one new stage change (its deal
checked) may read a few rows by index, never a table.
"""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from pulso.errors import ValidationError
from pulso.store import schema

N = 3000
T0 = "2026-01-05T09:00:00Z"
BIG = ("accounts", "leads", "deals", "deal_stage_changes")


def _seed(store) -> None:
    """u1; stages s1, s2; N accounts a0..; N leads l0.. (lead i of account i); N deals d0.. (lead i,
    account i, stage s1) with one stage change each."""
    store.upsert_many({
        "users": [{"id": "u1", "name": "Ana", "email": "ana@x.es", "role": "rep", "created_at": T0}],
        "stages": [{"id": "s1", "name": "Nuevo", "position": 1, "kind": "open", "probability": 0.1},
                   {"id": "s2", "name": "Propuesta", "position": 2, "kind": "open", "probability": 0.6}],
        "accounts": [{"id": f"a{i}", "name": f"Cuenta {i}", "created_at": T0} for i in range(N)],
        "leads": [{"id": f"l{i}", "name": f"Lead {i}", "account_id": f"a{i}", "created_at": T0} for i in range(N)],
        "deals": [_deal(i, "s1") for i in range(N)],
        "deal_stage_changes": [{"id": f"c{i}", "deal_id": f"d{i}", "to_stage_id": "s1", "changed_at": T0}
                               for i in range(N)],
    })


def _deal(i: int, stage: str) -> dict:
    return {"id": f"d{i}", "title": f"Deal {i}", "amount": "100", "currency": "EUR", "stage_id": stage,
            "owner_id": "u1", "lead_id": f"l{i}", "account_id": f"a{i}", "status": "open", "created_at": T0}


def _move(i: int) -> dict:
    """Deal i moves to s2: the deal updated and one new stage change, as the workspace writes it."""
    return {"deals": [_deal(i, "s2")],
            "deal_stage_changes": [{"id": f"m{i}", "deal_id": f"d{i}", "from_stage_id": "s1", "to_stage_id": "s2",
                                    "changed_at": "2026-01-06T09:00:00Z", "changed_by": "u1"}]}


def _scans(node: dict):
    if node.get("type") == "TABLE_SCAN" or node.get("name") == "TABLE_SCAN":
        yield node
    for child in node.get("children", []):
        yield from _scans(child)


def _duckdb_rows_read(store, batches) -> dict[str, int]:
    """Rows of the BIG tables each statement of the write read (DuckDB's EXPLAIN ANALYZE)."""
    plans: list[dict] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        explain = "EXPLAIN (ANALYZE, FORMAT JSON) " + statement
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):  # a read: explained, then run
            cursor.execute(explain, parameters)
            plans.append(json.loads(cursor.fetchall()[0][1]))
            return statement, parameters
        context.explained = True
        return explain, parameters  # a write runs once, under EXPLAIN ANALYZE

    def after(conn, cursor, statement, parameters, context, executemany):
        if getattr(context, "explained", False):
            plans.append(json.loads(cursor.fetchall()[0][1]))

    sa.event.listen(store.engine, "before_cursor_execute", before, retval=True)
    sa.event.listen(store.engine, "after_cursor_execute", after)
    try:
        store.upsert_many(batches)
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", before)
        sa.event.remove(store.engine, "after_cursor_execute", after)
    read = dict.fromkeys(BIG, 0)
    for plan in plans:
        for op in (s for root in plan["operator"] for s in _scans(root)):
            info = op.get("extra_info", {})
            table = str(info.get("Table", "")).rsplit(".", 1)[-1]
            if table not in read:
                continue
            groups = str(info.get("Row Groups Scanned", "0 / 0")).split("/")[0].strip()
            whole = info.get("Type") != "Index Scan" and groups != "0"
            read[table] += N if whole else int(op.get("intermediate_rows", 0))
    assert plans, "no statement was measured"
    return read


def _postgres_rows_read(store, batches) -> dict[str, int]:
    """Rows of the BIG tables the write's transaction read (sequential and index scans)."""
    stats = sa.text("SELECT relname, coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0) "
                    "FROM pg_stat_xact_user_tables WHERE relname = ANY(:names)").bindparams(names=list(BIG))
    with store.engine.begin() as conn:
        before = dict(conn.execute(stats).all())
        store.upsert_many(batches, conn=conn)
        after = dict(conn.execute(stats).all())
    return {t: after.get(t, 0) - before.get(t, 0) for t in BIG}


def _rows_read(store, batches) -> dict[str, int]:
    return (_duckdb_rows_read if store.dialect == "duckdb" else _postgres_rows_read)(store, batches)


@pytest.fixture
def seeded(store):
    _seed(store)
    return store


def test_a_one_row_write_reads_no_whole_table(seeded):
    read = _rows_read(seeded, _move(7))
    assert all(rows < 50 for rows in read.values()), read
    with seeded.connect() as conn:
        deal = conn.execute(sa.select(schema.deals.c.stage_id).where(schema.deals.c.id == "d7")).scalar()
        change = conn.execute(sa.select(schema.deal_stage_changes.c.to_stage_id)
                              .where(schema.deal_stage_changes.c.id == "m7")).scalar()
    assert (deal, change) == ("s2", "s2")


def test_a_one_row_write_still_checks_its_references(seeded):
    batches = _move(8)
    batches["deals"][0]["lead_id"] = "nobody"
    batches["deal_stage_changes"][0]["deal_id"] = "d-none"
    with pytest.raises(ValidationError) as caught:
        _rows_read(seeded, batches)
    assert [(e.table, e.record_id, e.field) for e in caught.value.errors] == [
        ("deals", "d8", "lead_id"), ("deal_stage_changes", "m8", "deal_id")]
    with seeded.connect() as conn:
        assert conn.execute(sa.select(schema.deals.c.stage_id).where(schema.deals.c.id == "d8")).scalar() == "s1"
