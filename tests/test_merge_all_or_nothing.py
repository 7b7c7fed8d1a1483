"""Issue 17 item 6: a cluster merge and a bulk merge are all or nothing, on both backends.

A real constraint makes the second merge of a batch fail (a unique index on `merges.actor_id`
created by the test: the database itself refuses the second row); every table of the workspace is
then exactly as it was (compared row by row, data version included), the audit log gains one
`dedupe.merge_failed` entry and nothing else, and the web says so in the reader's language. A
merge bumps the data version, writes one usage event per record merged away (undo: one per record
put back) and keeps the search words in step with the records; a survey link sent to a record merged
away follows it to the survivor (and back on undo).
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
import sqlalchemy as sa

from pulso import audit, dedupe
from pulso.store import schema
from pulso.web.auth import set_password
from support import signed_in_app

ACTOR = audit.Actor("user", "a0")
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)
PASSWORD = "correct horse battery"


def day(n: int) -> dt.datetime:
    return T0 + dt.timedelta(days=n)


def seed(store) -> None:
    """Two clusters: p1~p2 (0.99) and q1~q2~q3 (0.96, 0.95); references to the copies two levels deep
    (a lead of q3, a deal of q3 and of that lead with an activity below it, a lead of p2)."""
    store.upsert_many({
        "users": [{"id": "a0", "name": "Alba Admin", "email": "alba@example.com", "role": "admin", "created_at": T0}],
        "stages": [{"id": "s1", "name": "Nueva", "position": 1, "kind": "open", "probability": 0.1}],
        "accounts": [
            {"id": "p1", "name": "Pedro Luna", "email": "pedro@luna.es", "phone": "+34 600 000 001", "owner_id": "a0",
             "created_at": day(0)},
            {"id": "p2", "name": "Pedro Luna", "owner_id": "a0", "created_at": day(1)},
            {"id": "q1", "name": "Quima Sol", "email": "quima@sol.es", "owner_id": "a0", "created_at": day(0)},
            {"id": "q2", "name": "Quima Sol Ruiz", "phone": "+34 611 222 333", "company": "Sol SL", "owner_id": "a0",
             "created_at": day(1)},
            {"id": "q3", "name": "Q. Sol", "email": "q.sol@correo.es", "owner_id": "a0", "created_at": day(2)},
        ],
        "leads": [{"id": "l1", "name": "Quima (web)", "owner_id": "a0", "created_at": day(0), "account_id": "q3"},
                  {"id": "l2", "name": "Pedro (feria)", "owner_id": "a0", "created_at": day(0), "account_id": "p2"}],
        "deals": [{"id": "d1", "title": "Web Sol", "account_id": "q3", "lead_id": "l1", "owner_id": "a0", "stage_id": "s1",
                   "status": "open", "created_at": day(3)}],
        "activities": [{"id": "v1", "type": "call", "deal_id": "d1", "account_id": "q3", "owner_id": "a0",
                        "occurred_at": day(4)}],
    })
    dc = schema.duplicate_candidates
    with store.connect() as conn:
        # a survey link sent to q3, not answered yet: its answer must land on the record that stays
        conn.execute(schema.metadata.tables["survey_invitations"].insert().values(
            id="i1", account_id="q3", kind="nps", token_hash="h1", sent_at=day(5), expires_at=day(40)))
        conn.execute(dc.insert(), [
            {"id": f"accounts:{r}:{d}", "table_name": "accounts", "record_id": r, "duplicate_of": d, "probability": p,
             "status": "pending", "found_at": T0}
            for r, d, p in (("p2", "p1", 0.99), ("q2", "q1", 0.96), ("q3", "q2", 0.95))])


def everything(store) -> dict:
    """Every table of the workspace, row by row (the audit log apart: it is only ever added to)."""
    out = {}
    with store.engine.connect() as conn:
        for t in schema.metadata.sorted_tables:
            if t.name != "audit_log":
                out[t.name] = sorted(tuple(str(v) for v in r) for r in conn.execute(sa.select(t)))
    return out


def audit_entries(store) -> list[tuple]:
    with store.engine.connect() as conn:
        t = schema.audit_log
        return sorted((r["action"], r["target_id"], r["detail"]) for r in conn.execute(sa.select(t)).mappings())


def second_merge_fails(store) -> None:
    """A real constraint: one merge per actor. The first merge of a batch is written, the second refused."""
    with store.connect() as conn:
        conn.execute(sa.text("CREATE UNIQUE INDEX one_merge_each ON merges (actor_id)"))


def failed_entries(store, before: list[tuple]) -> list[dict]:
    new = [e for e in audit_entries(store) if e not in before]
    assert [e[0] for e in new] == ["dedupe.merge_failed"]
    return [json.loads(e[2]) for e in new]


def test_a_cluster_merge_failing_at_its_second_step_leaves_the_store_as_it_was(store):
    seed(store)
    second_merge_fails(store)
    before, entries = everything(store), audit_entries(store)
    q = dedupe.cluster(store, "accounts:q1")
    assert (q.ids, q.survivor) == (["q1", "q2", "q3"], "q2")
    with pytest.raises(dedupe.MergeFailed) as raised:
        dedupe.merge_cluster(store, "accounts", q.survivor, q.ids, q.choice, actor=ACTOR, probability=q.probability)
    assert everything(store) == before  # q1 not merged either; no merges row, usage event, version bump
    [detail] = failed_entries(store, entries)
    # q1 then q3 merge into q2: the second (q3) failed, the first was taken back with it
    assert (detail["survivor"], detail["records"], detail["failed_at"]) == ("q2", ["q1", "q3"], "q3")
    assert raised.value.text and "Q. Sol" in str(raised.value)
    # and it can be done once the cause is gone
    with store.connect() as conn:
        conn.execute(sa.text("DROP INDEX one_merge_each"))
    dedupe.merge_cluster(store, "accounts", q.survivor, q.ids, q.choice, actor=ACTOR)
    assert sorted(r["id"] for r in store.rows("accounts")) == ["p1", "p2", "q2"]


def test_a_bulk_merge_failing_in_its_second_cluster_leaves_the_store_as_it_was(store):
    seed(store)
    second_merge_fails(store)
    before, entries = everything(store), audit_entries(store)
    preview = dedupe.bulk_preview(store, 0.9)
    assert (preview["count"], preview["disappear"]) == (2, 3)  # p2 into p1 first (0.99), then q1, q3 into q2
    with pytest.raises(dedupe.MergeFailed):
        dedupe.bulk_merge(store, 0.9, actor=ACTOR)
    assert everything(store) == before  # p2 is back too: the first cluster went with the second's failure
    [detail] = failed_entries(store, entries)
    assert (detail["survivor"], detail["failed_at"]) == ("q2", "q1")


def test_a_merge_bumps_the_version_counts_its_usage_and_keeps_the_words(store):
    seed(store)
    before, version = everything(store), store.data_version
    q = dedupe.cluster(store, "accounts:q1")
    batch = dedupe.merge_cluster(store, "accounts", "q2", q.ids, {**q.choice, "email": "q1"}, actor=ACTOR)
    assert store.data_version > version
    with store.engine.connect() as conn:
        u, w = schema.usage_events, schema.search_words
        events = sorted(tuple(r) for r in conn.execute(sa.select(u.c.user_id, u.c.action, u.c.entity)))
        words = {r.id: set() for r in conn.execute(sa.select(w.c.id).where(w.c.tbl == "accounts"))}
        for r in conn.execute(sa.select(w.c.id, w.c.word).where(w.c.tbl == "accounts")):
            words[r.id].add(r.word)
        moved = dict(conn.execute(sa.select(schema.leads.c.id, schema.leads.c.account_id)).all())
        deal = conn.execute(sa.select(schema.deals.c.account_id)).scalar()
        activity = conn.execute(sa.select(schema.activities.c.account_id, schema.activities.c.deal_id)).one()
        invitation = conn.execute(sa.text("SELECT account_id FROM survey_invitations")).scalar()
    # two records merged away: two 'delete' events of accounts by Alba
    assert events == [("a0", "delete", "accounts")] * 2
    # the merged records' words are gone; the survivor is found by the e-mail it took from q1
    assert set(words) == {"p1", "p2", "q2"}
    assert any("quima@sol.es" in x or x == "quima" for x in words["q2"]) and "correo" not in " ".join(words["q2"])
    assert (moved, deal, tuple(activity), invitation) == ({"l1": "q2", "l2": "p2"}, "q2", ("q2", "d1"), "q2")

    version = store.data_version
    assert dedupe.undo_batch(store, batch, actor=ACTOR) == 2
    assert store.data_version > version
    after = everything(store)
    # undo gives back every row (the merges row stays, marked undone; the data version moved on) and
    # counts its own usage: one 'create' per record put back
    assert {k: v for k, v in after.items() if k not in ("merges", "usage_events", "workspace_settings")} == \
        {k: v for k, v in before.items() if k not in ("merges", "usage_events", "workspace_settings")}
    with store.engine.connect() as conn:
        events = sorted(tuple(r) for r in conn.execute(sa.select(u.c.user_id, u.c.action, u.c.entity)))
    assert events == [("a0", "create", "accounts")] * 2 + [("a0", "delete", "accounts")] * 2


def test_the_side_by_side_page_says_a_failed_merge_in_the_readers_language(store):
    seed(store)
    set_password(store, "a0", PASSWORD)
    second_merge_fails(store)
    with signed_in_app(store, "alba@example.com", PASSWORD, today=dt.date(2026, 3, 10)) as (app, client):
        mine = app.state.services.store
        for lang, says in (("es", "No se fusionó nada"), ("en", "Nothing was merged")):
            token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/data/duplicates").text).group(1)
            client.post("/preferences/language", data={"lang": lang, "next": "/", "csrf_token": token})
            page = client.get("/data/duplicates/accounts:q1")
            assert page.status_code == 200
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
            before = app.state.services.run(everything, mine)
            form = {"survivor": "q2", "csrf_token": token, "field_name": "q2", "field_email": "q3", "field_phone": "q2",
                    "field_company": "q2", "field_country": "q2", "field_segment": "q2", "field_source": "q2"}
            answer = client.post("/data/duplicates/accounts:q1/merge", data=form, follow_redirects=False)
            assert answer.status_code == 409, answer.text[:500]
            assert says in answer.text and "Q. Sol" in answer.text
            printed = client.get("/data/duplicates.json?bulk=0.9").json()["preview"]["fingerprint"]
            bulk = client.post("/data/duplicates/bulk", data={"at_least": "0.9", "fingerprint": printed, "csrf_token": token},
                               follow_redirects=False)
            assert bulk.status_code == 409 and says in bulk.text
            assert app.state.services.run(everything, mine) == before
