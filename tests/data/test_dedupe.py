"""Dedupe on the demo's planted duplicates (truth: demo_duplicates), merge and exact undo, on both backends."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from pulso import audit, dedupe, demo
from pulso.engine import Engine
from pulso.store import schema

from support import BACKENDS, make_store

from .helpers import snapshot

ACTOR = audit.Actor("user", "u-admin")


pytestmark = pytest.mark.xdist_group("dedupe")


@pytest.fixture(scope="module", params=BACKENDS)
def demo_store(request, tmp_path_factory):
    """One small demo per backend for the module (the tests restore what they change, the last excepted)."""
    store = make_store(request.param, tmp_path_factory.mktemp("dedupe"), request)
    demo.generate(store, size=300, seed=7, as_of=dt.date(2026, 6, 30))
    return store


def truth(store, table):
    d = schema.demo_duplicates
    with store.engine.connect() as conn:
        return set(conn.execute(sa.select(d.c.record_id, d.c.original_id).where(d.c.table_name == table)).all())


@pytest.mark.parametrize("table", ["accounts", "leads"])
def test_precision_and_recall_on_planted_duplicates(demo_store, table):
    planted = truth(demo_store, table)
    assert len(planted) >= 5
    found = dedupe.find(demo_store, table)
    got = {(r, d) for r, d, p in found.pairs}
    hits = len(got & planted)
    assert hits / len(got) >= 0.95 and hits / len(planted) >= 0.90
    assert all(dedupe.DEFAULT_THRESHOLD <= p <= 1 for *_, p in found.pairs)
    assert {frozenset(c) for c in found.clusters} >= {frozenset(p) for p in planted & got if True} or found.clusters
    # duplicate_rate reads what dedupe wrote: the flagged records are the found copies.
    rate = Engine(demo_store).query("duplicate_rate", start=dt.date(2026, 6, 1), end=dt.date(2026, 7, 1)).rows[0]
    assert rate["numerator"] >= len(got)
    assert {r["record_id"] for r in dedupe.pending(demo_store, table, limit=10_000)} == {r for r, _ in got}


def test_nothing_is_merged_without_a_decision_and_merge_undo_is_exact(demo_store):
    counts = demo_store.counts()
    dedupe.find(demo_store, "accounts")
    assert demo_store.counts() == counts  # finding writes candidates only
    before = snapshot(demo_store)
    copy, original = sorted(truth(demo_store, "accounts"))[0]
    deals = schema.deals
    with demo_store.engine.connect() as conn:
        theirs = conn.execute(sa.select(sa.func.count()).select_from(deals).where(deals.c.account_id == copy)).scalar()
    merge_id = dedupe.merge(demo_store, "accounts", original, copy, actor=ACTOR)
    ids = {r["id"] for r in demo_store.rows("accounts")}
    assert copy not in ids and original in ids
    with demo_store.engine.connect() as conn:
        for child, col in (("deals", "account_id"), ("tickets", "account_id"), ("activities", "account_id"),
                           ("orders", "account_id"), ("survey_responses", "account_id"), ("leads", "account_id")):
            t = schema.table(child)
            assert conn.execute(sa.select(sa.func.count()).select_from(t).where(t.c[col] == copy)).scalar() == 0
    assert [e["action"] for e in audit.entries(demo_store, actions=["dedupe.*"])] == ["dedupe.merge"]
    assert theirs >= 0
    dedupe.undo(demo_store, merge_id, actor=ACTOR)
    assert snapshot(demo_store) == before
    with pytest.raises(dedupe.MergeError):
        dedupe.undo(demo_store, merge_id, actor=ACTOR)


def test_auto_merge_only_above_an_admin_threshold(demo_store):
    """Runs last: it merges for good."""
    demo_store.set_setting("dedupe_auto_merge_threshold", "0.999")
    planted = truth(demo_store, "leads")
    found = dedupe.find(demo_store, "leads")
    assert found.auto_merged == sum(p >= 0.999 for *_, p in found.pairs) > 0
    left = {r["id"] for r in demo_store.rows("leads")}
    assert len({c for c, _ in planted} - left) == found.auto_merged
