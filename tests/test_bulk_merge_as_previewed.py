"""Issue 17 item 6: a bulk merge merges exactly what its preview showed, on both backends.

The preview carries a fingerprint of its clusters (each cluster's table, members, survivor and, per
field, the member whose value it keeps and that value); the merge is given it back and refuses,
writing nothing, when the clusters at that probability are no longer exactly those: a pair found
since (written into `duplicate_candidates` as the finding writes them), a cluster dismissed or
merged by someone else, a survivor that changed although the counts did not, a kept value edited
since, a fingerprint that was tampered with. The page says so in the reader's language (409) and
shows the new preview, with its counts, to confirm again.
The seed (two clusters: p1~p2 at 0.99, q1~q2~q3 at 0.96 and 0.95) is test_merge_all_or_nothing's.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from test_merge_all_or_nothing import ACTOR, PASSWORD, audit_entries, day, everything, seed
from pulso import dedupe
from pulso.dedupe import matching
from pulso.dedupe.clusters import PreviewChanged
from pulso.store import schema
from pulso.web.auth import set_password
from support import signed_in_app

SEEDED = [("p2", "p1", 0.99), ("q2", "q1", 0.96), ("q3", "q2", 0.95)]


def a_copy_is_found(store) -> None:
    """An import brings a third Pedro Luna and a finding run pairs it with p1: the run rewrites the
    pending pairs of accounts (matching._save, what `find` does after scoring)."""
    store.upsert_many({"accounts": [{"id": "p3", "name": "Pedro Luna", "owner_id": "a0", "created_at": day(2)}]})
    matching._save(store, "accounts", [*SEEDED, ("p3", "p1", 0.97)], [["p1", "p2", "p3"], ["q1", "q2", "q3"]])


def counts(preview: dict) -> tuple[int, int]:
    return preview["count"], preview["disappear"]


def refused(store, at_least: float, expect: str) -> None:
    """The merge is refused and nothing at all is written (every table, the audit log too)."""
    before, entries = everything(store), audit_entries(store)
    with pytest.raises(PreviewChanged):
        dedupe.bulk_merge(store, at_least, actor=ACTOR, expect=expect)
    assert everything(store) == before and audit_entries(store) == entries


def test_a_bulk_merge_is_refused_when_the_clusters_changed_since_the_preview(store):
    seed(store)
    first = dedupe.bulk_preview(store, 0.9)
    assert counts(first) == (2, 3)  # p2 into p1; q1 and q3 into q2
    a_copy_is_found(store)
    refused(store, 0.9, first["fingerprint"])
    found = dedupe.bulk_preview(store, 0.9)
    assert counts(found) == (2, 4)  # p2 and p3 into p1 now
    dedupe.dismiss_cluster(store, "accounts:q1", actor=ACTOR)  # another admin: "not duplicates"
    refused(store, 0.9, found["fingerprint"])
    dismissed = dedupe.bulk_preview(store, 0.9)
    assert counts(dismissed) == (1, 2)
    p = dedupe.cluster(store, "accounts:p1")
    dedupe.merge_cluster(store, "accounts", p.survivor, p.ids, p.choice, actor=ACTOR)  # merged one by one
    refused(store, 0.9, dismissed["fingerprint"])
    assert counts(dedupe.bulk_preview(store, 0.9)) == (0, 0)


def test_the_same_counts_with_another_survivor_are_refused_too(store):
    seed(store)
    first = dedupe.bulk_preview(store, 0.9)
    assert [c.survivor for c in first["clusters"]] == ["p1", "q2"]
    # p2 gets e-mail, phone and company: four fields filled to p1's three, so p2 would now stay
    store.upsert_many({"accounts": [{"id": "p2", "name": "Pedro Luna", "email": "pedro.luna@correo.es",
                                     "phone": "+34 600 000 002", "company": "Luna SL", "owner_id": "a0",
                                     "created_at": day(1)}]})
    again = dedupe.bulk_preview(store, 0.9)
    assert counts(again) == counts(first) == (2, 3) and [c.survivor for c in again["clusters"]] == ["p2", "q2"]
    refused(store, 0.9, first["fingerprint"])


def test_a_bulk_merge_as_previewed_merges_exactly_what_was_shown(store):
    seed(store)
    preview = dedupe.bulk_preview(store, 0.9)
    assert counts(preview) == (2, 3)
    assert dedupe.bulk_preview(store, 0.9)["fingerprint"] == preview["fingerprint"]  # the same clusters, the same print
    batch = dedupe.bulk_merge(store, 0.9, actor=ACTOR, expect=preview["fingerprint"])
    assert sorted(r["id"] for r in store.rows("accounts")) == ["p1", "q2"]  # the previewed survivors
    merged = [m for m in dedupe.history(store) if m["batch"] == batch]
    assert sorted((m["merged_id"], m["survivor_id"]) for m in merged) == [("p2", "p1"), ("q1", "q2"), ("q3", "q2")]


def test_a_tampered_fingerprint_is_refused(store):
    seed(store)
    right = dedupe.bulk_preview(store, 0.9)["fingerprint"]
    wrong = right[:-1] + ("0" if right[-1] != "0" else "1")
    refused(store, 0.9, wrong)
    refused(store, 0.9, "")
    refused(store, 0.97, right)  # another level's clusters (p only, at 0.99) are not the 0.9 preview's
    assert sorted(r["id"] for r in store.rows("accounts")) == ["p1", "p2", "q1", "q2", "q3"]


def test_the_page_refuses_a_changed_preview_in_the_readers_language_and_shows_the_new_one(store):
    seed(store)
    set_password(store, "a0", PASSWORD)
    with signed_in_app(store, "alba@example.com", PASSWORD, today=dt.date(2026, 3, 10)) as (app, client):
        mine = app.state.services.store
        run = app.state.services.run
        shown = client.get("/data/duplicates.json?bulk=0.9").json()["preview"]
        assert (shown["count"], shown["disappear"]) == (2, 3)
        page = client.get("/data/duplicates?bulk=0.9").text
        assert f'name="fingerprint" value="{shown["fingerprint"]}"' in page  # the form carries what it shows
        run(a_copy_is_found, mine)
        says = {"es": ("Los duplicados cambiaron desde la vista previa", "2 grupos con al menos 90%: desaparecen 4 registros."),
                "en": ("The duplicates changed since the preview", "2 groups with at least 90%: 4 records disappear.")}
        for lang, (changed, counted) in says.items():
            token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/data/duplicates").text).group(1)
            client.post("/preferences/language", data={"lang": lang, "next": "/", "csrf_token": token})
            before, entries = run(everything, mine), run(audit_entries, mine)
            answer = client.post("/data/duplicates/bulk", follow_redirects=False, data={
                "at_least": "0.9", "fingerprint": shown["fingerprint"], "csrf_token": token})
            assert answer.status_code == 409, answer.text[:500]
            text = re.sub(r"[\s\xa0\u202f]+%", "%", answer.text)  # '90 %' or '90%' as the locale writes it
            assert changed in text and counted in text  # the new preview, counted, to confirm again
            assert run(everything, mine) == before and run(audit_entries, mine) == entries
        new = re.search(r'name="fingerprint" value="([^"]+)"', answer.text).group(1)
        assert new != shown["fingerprint"]
        json_answer = client.post("/data/duplicates/bulk", headers={"accept": "application/json"},
                                  data={"at_least": "0.9", "fingerprint": "f" * 64, "csrf_token": token})
        assert json_answer.status_code == 409 and changed in json_answer.json()["error"]
        assert client.post("/data/duplicates/bulk", data={"at_least": "0.9", "csrf_token": token},
                           follow_redirects=False).status_code == 409  # no fingerprint: what was seen is unknown
        assert run(everything, mine) == before
        done = client.post("/data/duplicates/bulk", follow_redirects=False,
                           data={"at_least": "0.9", "fingerprint": new, "csrf_token": token})
        assert done.status_code == 303
        with mine.engine.connect() as conn:
            left = sorted(r[0] for r in conn.execute(sa.select(schema.accounts.c.id)))
        assert left == ["p1", "q2"]  # 6 accounts, the 4 records the new preview said disappear gone


def test_an_edit_to_a_kept_value_since_the_preview_is_refused_and_an_edit_to_a_dropped_one_is_not(store):
    """p1 stays and keeps its own e-mail, pedro@luna.es (p2 has none). Someone edits p1's e-mail
    after the preview: no cluster, survivor or choice changes, but the merge would keep a value the
    preview did not show, so it is refused. An edit to p2's name (p1's name is the one kept) changes
    nothing the merge writes: the preview taken after the first edit still merges."""
    seed(store)
    first = dedupe.bulk_preview(store, 0.9)
    p = next(c for c in first["clusters"] if c.survivor == "p1")
    assert p.choice["email"] == "p1" and p.choice["name"] == "p1"
    pedro = {"id": "p1", "name": "Pedro Luna", "phone": "+34 600 000 001", "owner_id": "a0", "created_at": day(0)}
    store.upsert_many({"accounts": [{**pedro, "email": "pedro.nuevo@luna.es"}]})
    again = dedupe.bulk_preview(store, 0.9)
    assert next(c for c in again["clusters"] if c.survivor == "p1").choice == p.choice  # the same choices
    refused(store, 0.9, first["fingerprint"])
    store.upsert_many({"accounts": [{"id": "p2", "name": "Pedro Luna (feria)", "owner_id": "a0", "created_at": day(1)}]})
    assert dedupe.bulk_preview(store, 0.9)["fingerprint"] == again["fingerprint"]
    dedupe.bulk_merge(store, 0.9, actor=ACTOR, expect=again["fingerprint"])
    kept = {r["id"]: r for r in store.rows("accounts")}
    assert sorted(kept) == ["p1", "q2"] and (kept["p1"]["email"], kept["p1"]["name"]) == ("pedro.nuevo@luna.es", "Pedro Luna")
