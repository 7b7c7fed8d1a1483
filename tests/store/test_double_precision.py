"""Fractions and scores read back as written on both backends (migration 0018): DuckDB stored
sa.Float as a 4-byte FLOAT, so a stage's 0.1 came back as 0.10000000149 and a duplicate pair's
probability could fall either side of a threshold depending on the backend."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import command

from pulso.dedupe.clusters import clusters
from pulso.store.store import _alembic_config

NOW = dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc)


def _stage(store, sid: str, probability: float) -> None:
    store.upsert_many({"stages": [{"id": sid, "name": sid, "position": 1, "kind": "open", "probability": probability}]})


def test_a_stage_probability_and_a_survey_score_read_back_exactly(store):
    _stage(store, "s1", 0.1)
    store.upsert_many({"survey_responses": [{"id": "r1", "kind": "csat", "score": 4.7, "scale_min": 1, "scale_max": 5,
                                             "answered_at": NOW}]})
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT probability FROM stages WHERE id = 's1'")).scalar() == 0.1
        assert conn.execute(sa.text("SELECT score FROM survey_responses WHERE id = 'r1'")).scalar() == 4.7


def test_a_pair_at_exactly_the_threshold_counts_on_both_backends(store):
    store.upsert_many({"accounts": [{"id": i, "name": "Ana Ruiz", "created_at": NOW} for i in ("a1", "a2")]})
    with store.engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO duplicate_candidates (id, table_name, record_id, duplicate_of, probability, "
                             "status, found_at) VALUES ('dc1', 'accounts', 'a2', 'a1', 0.95, 'pending', :now)"), {"now": NOW})
    [found] = clusters(store, "accounts", at_least=0.95)
    assert sorted(found.ids) == ["a1", "a2"] and found.probability == 0.95


def test_the_migration_rounds_duckdbs_four_byte_values(store_on):
    store = store_on("duckdb")
    cfg = _alembic_config()
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0017")
    _stage(store, "s1", 0.1)
    with store.engine.connect() as conn:  # a 4-byte float before
        assert conn.execute(sa.text("SELECT CAST(probability AS DOUBLE) FROM stages")).scalar() != 0.1
    store.upgrade()
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT probability FROM stages")).scalar() == 0.1
        assert conn.execute(sa.text("SELECT data_type FROM information_schema.columns WHERE table_name = 'stages' "
                                    "AND column_name = 'probability'")).scalar() == "DOUBLE"
