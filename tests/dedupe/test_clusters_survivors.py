"""Issue 17 item 6 below the web: hand-made pending pairs grouped into clusters, the default survivor
and values, chosen values written to the survivor, references re-pointed and put back by undo (a
cluster and a bulk merge as one step), bulk preview counts, the history with names, refusals that
leave the store unchanged, and the finding's progress. Both backends."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from pulso import audit, dedupe
from pulso.store import schema

ACTOR = audit.Actor("user", "a0")
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)


def day(n: int) -> dt.datetime:
    return T0 + dt.timedelta(days=n)


def seed(store) -> None:
    store.upsert_many({
        "users": [{"id": "a0", "name": "Alba Admin", "email": "a0@example.com", "role": "admin", "created_at": T0}],
        "accounts": [
            # one person three times: x1 the oldest (name, e-mail), x2 the most complete (name, phone,
            # company), x3 the most recent (name, another e-mail)
            {"id": "x1", "name": "Ana Ruiz", "email": "ana@ruiz.es", "owner_id": "a0", "created_at": day(0)},
            {"id": "x2", "name": "Ana Ruiz Gil", "phone": "+34 600 111 222", "company": "Ruiz SL", "owner_id": "a0",
             "created_at": day(1)},
            {"id": "x3", "name": "A. Ruiz", "email": "ana.ruiz@correo.es", "owner_id": "a0", "created_at": day(2)},
            # another pair, less likely
            {"id": "x4", "name": "Bruno Paz", "email": "bruno@paz.es", "owner_id": "a0", "created_at": day(0)},
            {"id": "x5", "name": "Bruno Paz", "owner_id": "a0", "created_at": day(3)},
            {"id": "x6", "name": "Carla Sola", "owner_id": "a0", "created_at": day(0)},
        ],
        # references to the copies: leads converted into them
        "leads": [{"id": "l1", "name": "Ana (web)", "owner_id": "a0", "created_at": day(0), "account_id": "x3"},
                  {"id": "l2", "name": "Ana (feria)", "owner_id": "a0", "created_at": day(0), "account_id": "x1"},
                  {"id": "l3", "name": "Bruno (web)", "owner_id": "a0", "created_at": day(0), "account_id": "x5"}],
    })
    dc = schema.duplicate_candidates
    with store.connect() as conn:
        conn.execute(dc.insert(), [
            {"id": f"accounts:{r}:{d}", "table_name": "accounts", "record_id": r, "duplicate_of": d, "probability": p,
             "status": "pending", "found_at": T0}
            for r, d, p in (("x2", "x1", 0.99), ("x3", "x2", 0.97), ("x5", "x4", 0.91))])


def snapshot(store) -> dict:
    out = {}
    with store.engine.connect() as conn:
        for t in (schema.accounts, schema.leads, schema.duplicate_candidates, schema.search_words):
            out[t.name] = sorted(tuple(str(v) for v in r) for r in conn.execute(sa.select(t)))
    return out


def test_pairs_group_into_connected_clusters():
    assert dedupe.group([("b", "a"), ("c", "b"), ("e", "d")]) == [["a", "b", "c"], ["d", "e"]]
    assert dedupe.group([("a", "b"), ("c", "d"), ("d", "b")]) == [["a", "b", "c", "d"]]
    assert dedupe.group([]) == []


def test_clusters_default_survivor_values_merge_undo_and_history(store):
    seed(store)
    got = dedupe.clusters(store)
    assert [(c.id, c.ids, round(c.probability, 4)) for c in got] == [
        ("accounts:x1", ["x1", "x2", "x3"], 0.97), ("accounts:x4", ["x4", "x5"], 0.91)]
    ana = got[0]
    assert [m["owner"] for m in ana.members] == ["Alba Admin"] * 3
    # x2 fills three fields (name, phone, company), x1 and x3 two: x2 survives; the e-mail it lacks
    # comes from the most recent member that has one (x3); fields nobody filled stay the survivor's
    assert ana.survivor == "x2"
    assert ana.choice == {"name": "x2", "email": "x3", "phone": "x2", "company": "x2", "country": "x2",
                          "segment": "x2", "source": "x2"}
    # Bruno: both fill two fields... x4 has name and e-mail (2), x5 name (1): x4
    assert got[1].survivor == "x4"

    before = snapshot(store)
    batch = dedupe.merge_cluster(store, "accounts", "x2", ana.ids, {**ana.choice, "name": "x1", "email": "x1"},
                                 actor=ACTOR)
    with store.engine.connect() as conn:
        a = schema.accounts
        rows = {r["id"]: dict(r) for r in conn.execute(sa.select(a)).mappings()}
        leads = dict(conn.execute(sa.select(schema.leads.c.id, schema.leads.c.account_id)).all())
        events = conn.execute(sa.select(sa.func.count()).select_from(schema.usage_events)
                              .where(schema.usage_events.c.user_id == "a0")).scalar()
    assert sorted(rows) == ["x2", "x4", "x5", "x6"]
    survivor = rows["x2"]
    assert (survivor["name"], survivor["email"], survivor["phone"], survivor["company"]) == (
        "Ana Ruiz", "ana@ruiz.es", "+34 600 111 222", "Ruiz SL")
    assert "ana ruiz" in survivor["search_text"] and "gil" not in survivor["search_text"]
    assert leads == {"l1": "x2", "l2": "x2", "l3": "x5"}
    assert events == 2  # one per record merged away
    assert [c.id for c in dedupe.clusters(store)] == ["accounts:x4"]

    history = dedupe.history(store)
    assert [(h["actor"], h["merged_name"], h["survivor_name"], h["batch"], h["undone"]) for h in history] == [
        # newest first: x3 merged after x1; the survivor is named as it is now
        ("Alba Admin", "A. Ruiz", "Ana Ruiz", batch, False), ("Alba Admin", "Ana Ruiz", "Ana Ruiz", batch, False)]

    assert dedupe.undo_batch(store, batch, actor=ACTOR) == 2
    assert snapshot(store) == before
    assert all(h["undone"] for h in dedupe.history(store))
    with pytest.raises(dedupe.MergeError):
        dedupe.undo_batch(store, batch, actor=ACTOR)


def test_bulk_preview_counts_and_bulk_merge_undone_as_one_step(store):
    seed(store)
    # at 0.98 only x2~x1: one cluster, one record disappears; its survivor x2 (3 fields against 2)
    at98 = dedupe.bulk_preview(store, 0.98)
    assert (at98["count"], at98["disappear"]) == (1, 1)
    assert [(c.ids, c.survivor) for c in at98["clusters"]] == [(["x1", "x2"], "x2")]
    # at 0.95: x1~x2~x3, three records become one: two disappear
    assert (dedupe.bulk_preview(store, 0.95)["count"], dedupe.bulk_preview(store, 0.95)["disappear"]) == (1, 2)
    # at 0.9: both clusters, 2 + 1 disappear
    at90 = dedupe.bulk_preview(store, 0.9)
    assert (at90["count"], at90["disappear"]) == (2, 3)
    assert dedupe.bulk_merge(store, 0.995, actor=ACTOR) is None

    before = snapshot(store)
    batch = dedupe.bulk_merge(store, 0.9, actor=ACTOR)
    with store.engine.connect() as conn:
        assert sorted(conn.execute(sa.select(schema.accounts.c.id)).scalars()) == ["x2", "x4", "x6"]
        assert dict(conn.execute(sa.select(schema.leads.c.id, schema.leads.c.account_id)).all()) == {
            "l1": "x2", "l2": "x2", "l3": "x4"}
        # defaults written: x2 took x3's e-mail (the most recent that had one), x4 kept its own
        assert conn.execute(sa.select(schema.accounts.c.email).where(schema.accounts.c.id == "x2")).scalar() == \
            "ana.ruiz@correo.es"
    assert dedupe.undo_batch(store, batch, actor=ACTOR) == 3
    assert snapshot(store) == before


@pytest.mark.parametrize("survivor, ids, choice", [
    ("x9", ["x1", "x2"], {}),                       # a survivor outside the cluster
    ("x2", ["x2"], {}),                             # nothing to merge
    ("x2", ["x1", "x2"], {"owner_id": "x1"}),       # a field that cannot be chosen
    ("x2", ["x1", "x2"], {"search_text": "x1"}),
    ("x2", ["x1", "x2"], {"name": "x6"}),           # a value from outside the cluster
    ("x2", ["x1", "x2", "nobody"], {}),             # a record that does not exist
])
def test_hostile_merges_are_refused_and_the_store_is_unchanged(store, survivor, ids, choice):
    seed(store)
    before = snapshot(store)
    with pytest.raises(dedupe.MergeError):
        dedupe.merge_cluster(store, "accounts", survivor, ids, choice, actor=ACTOR)
    assert snapshot(store) == before


def test_finding_reports_its_progress_step_by_step(store):
    seed(store)
    heard = []
    found = dedupe.finding.find_all(store, progress=lambda f, step, table: heard.append((round(f, 3), step, table)))
    # two tables, each: reading 0-10 %, comparing to 90 %, saving, done; half of the whole each
    assert heard == [(0.0, "read", "accounts"), (0.05, "compare", "accounts"), (0.45, "save", "accounts"),
                     (0.5, "done", "accounts"), (0.5, "read", "leads"), (0.55, "compare", "leads"),
                     (0.95, "save", "leads"), (1.0, "done", "leads")]
    assert set(found) == {"accounts", "leads"}
    job = dedupe.finding.start(store)
    job.wait()
    state = job.state()
    assert (state["running"], state["percent"], state["step"], state["error"]) == (False, 100, "done", None)
    assert state["pairs"] == found


def test_pulso_dedupe_find_prints_its_progress(store):
    from typer.testing import CliRunner

    from pulso.cli import app

    seed(store)
    url = store.url
    store.close()  # DuckDB: the command opens the workspace itself
    result = CliRunner().invoke(app, ["dedupe", "find", "--db", url, "--table", "accounts"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    percents = [line.split("%")[0].strip() for line in result.output.splitlines() if "%" in line]
    assert percents[:4] == ["0", "10", "90", "100"]
