"""What issue 15's speed work could break, both backends: the words index carries each record's
owner (migration 0016) and follows a reassignment, so a rep's search reads only their own rows and
still finds only their records; a common word's ranking (name first, then a word, then the rest,
each by name); the board's first 50 cards a column with count and totals over the whole column
(a LIMIT per column, no window); a stage move's writes (the deal, one stage change, the audit, the
usage event, the data version) leaving the words index as it was."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import command

from pulso import workspace as ws
from pulso.store import schema
from pulso.store.store import _alembic_config

UTC = dt.timezone.utc
MAR = dt.datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _people(store) -> None:
    """Team t1: reps u1, u2 and manager m1; team t2: rep u3; admin a0."""
    store.upsert_many({
        "teams": [{"id": "t1", "name": "Norte", "manager_id": "m1"}, {"id": "t2", "name": "Sur"}],
        "users": [{"id": u, "name": u, "email": f"{u}@x.es", "role": r, "team_id": t, "created_at": MAR}
                  for u, r, t in (("u1", "rep", "t1"), ("u2", "rep", "t1"), ("m1", "manager", "t1"),
                                  ("u3", "rep", "t2"), ("a0", "admin", None))],
    })


def _owners(store, rid: str) -> set[tuple[str, str | None]]:
    sw = schema.search_words
    with store.engine.connect() as conn:
        return {(r.tbl, r.owner_id) for r in conn.execute(sa.select(sw.c.tbl, sw.c.owner_id).where(sw.c.id == rid))}


def _words(store) -> list[tuple]:
    sw = schema.search_words
    with store.engine.connect() as conn:
        return sorted(tuple(r) for r in conn.execute(sa.select(sw.c.word, sw.c.tbl, sw.c.id, sw.c.owner_id)))


def _found(store, who: str, query: str, table: str = "leads") -> list[str]:
    return [r["id"] for r in ws.search(store, ws.caller_for(store, who), query, tables=(table,))]


def test_the_words_index_carries_each_records_owner_and_follows_a_reassignment(store):
    _people(store)
    store.upsert_many({"leads": [{"id": "l1", "name": "Lucía Garcés", "phone": "611 222 333", "owner_id": "u1",
                                  "created_at": MAR}]})
    assert _owners(store, "l1") == {("leads", "u1"), ("leads:phone", "u1")}
    assert _found(store, "u1", "garces") == ["l1"] and _found(store, "u3", "garces") == []
    ws.reassign(store, ws.caller_for(store, "a0"), "leads", ["l1"], "u3")
    assert _owners(store, "l1") == {("leads", "u3"), ("leads:phone", "u3")}
    assert _found(store, "u3", "garces") == ["l1"] and _found(store, "u3", "222333") == ["l1"]
    assert _found(store, "u1", "garces") == [] and _found(store, "u1", "222333") == []


def test_the_migration_gives_the_stored_words_their_records_owners(store):
    _people(store)
    store.upsert_many({"leads": [{"id": "l1", "name": "Ana", "owner_id": "u1", "created_at": MAR},
                                 {"id": "l2", "name": "Eva", "created_at": MAR}],
                       "deals": [{"id": "d1", "title": "Torno", "owner_id": "u3", "status": "open", "created_at": MAR}]})
    cfg = _alembic_config()
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0015")
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM information_schema.columns WHERE table_name = 'search_words' "
                                    "AND column_name = 'owner_id' AND table_schema = current_schema()")).scalar() == 0
    store.upgrade()
    assert _owners(store, "l1") == {("leads", "u1")} and _owners(store, "l2") == {("leads", None)}
    assert _owners(store, "d1") == {("deals", "u3")}
    assert _found(store, "u3", "torno", "deals") == ["d1"] and _found(store, "u1", "torno", "deals") == []


def test_a_common_word_is_ranked_and_scoped_by_the_callers_records(store):
    _people(store)
    lead = {"created_at": MAR}
    store.upsert_many({"leads": [
        {**lead, "id": "g1", "name": "García Ruiz", "owner_id": "u1"},            # name starts with it
        {**lead, "id": "g2", "name": "Ana García", "owner_id": "u1"},             # a word starts with it
        {**lead, "id": "g3", "name": "Pepe", "email": "pgarcia@x.es", "owner_id": "u1"},  # inside an e-mail
        {**lead, "id": "g4", "name": "Garcíaz Bo", "owner_id": "u2"},             # name starts with it
        {**lead, "id": "g5", "name": "Luis García", "owner_id": "u3"},            # another team
        {**lead, "id": "g6", "name": "Adela", "company": "Ayers-García", "owner_id": "u2"},  # after a hyphen
        {**lead, "id": "g7", "name": "Zoe García", "owner_id": None},            # nobody's
    ]})
    # rank 0 (name starts with "garcia"): García Ruiz, Garcíaz Bo; rank 1 (a word starts with it):
    # Ana García, Luis García, Zoe García; rank 2: Adela (ayers-garcia), Pepe (pgarcia@); each by name
    assert _found(store, "a0", "GARCÍA") == ["g1", "g4", "g2", "g5", "g7", "g6", "g3"]
    assert _found(store, "u1", "garcia") == ["g1", "g2", "g3"]
    assert _found(store, "u2", "garcia") == ["g4", "g6"]
    assert _found(store, "m1", "garcia") == ["g1", "g4", "g2", "g6", "g3"]  # team t1: u1, u2, m1
    assert _found(store, "u3", "garcia") == ["g5"]
    assert _found(store, "u1", "garcia ana") == ["g2"] and _found(store, "u3", "garcia ana") == []


def _deal(i: int, stage: str, **more) -> dict:
    return {"id": f"d{i:02d}", "owner_id": "u1", "stage_id": stage, "status": "open", "currency": "EUR",
            "created_at": MAR + dt.timedelta(minutes=i), **more}


def test_the_board_shows_the_first_50_cards_of_each_column_and_totals_all_of_them(store):
    _people(store)
    store.upsert_many({
        "stages": [{"id": "s1", "name": "Nuevo", "position": 1, "kind": "open", "probability": 0.25, "pipeline": "default"},
                   {"id": "s2", "name": "Oferta", "position": 2, "kind": "open", "probability": 0.5, "pipeline": "default"}],
        # s1: 55 deals of 10 EUR; d00-d04 expected to close on 1-5 April, the rest without a date
        # (oldest first); s2: three of 40 EUR, one of 7 USD
        "deals": [_deal(i, "s1", amount=10, **({"expected_close_at": dt.datetime(2026, 4, 5 - i, tzinfo=UTC)}
                                               if i < 5 else {})) for i in range(55)]
        + [_deal(60 + i, "s2", amount=40) for i in range(3)] + [_deal(63, "s2", amount=7, currency="USD")],
    })
    got = ws.board(store, ws.caller_for(store, "a0"), ["s1", "s2"])
    s1, s2 = got["columns"]["s1"], got["columns"]["s2"]
    # d04 closes 1 April, d03 2 April … d00 5 April; then d05 … d49 (45 of the 50 without a date)
    assert [d["id"] for d in s1["deals"]] == ["d04", "d03", "d02", "d01", "d00"] + [f"d{i:02d}" for i in range(5, 50)]
    assert s1["count"] == 55 and s1["totals"] == [{"currency": "EUR", "amount": 550.0, "weighted": 137.5}]
    assert [d["id"] for d in s2["deals"]] == ["d60", "d61", "d62", "d63"] and s2["count"] == 4
    assert s2["totals"] == [{"currency": "EUR", "amount": 120.0, "weighted": 60.0},
                            {"currency": "USD", "amount": 7.0, "weighted": 3.5}]
    rest = ws.board(store, ws.caller_for(store, "a0"), ["s1"], limit=50, offset=50)
    assert [d["id"] for d in rest["columns"]["s1"]["deals"]] == [f"d{i:02d}" for i in range(50, 55)]
    mine = ws.board(store, ws.caller_for(store, "u2"), ["s1", "s2"])
    assert mine["columns"] == {"s1": {"count": 0, "totals": [], "deals": []}, "s2": {"count": 0, "totals": [], "deals": []}}


def test_a_stage_move_writes_its_deal_one_stage_change_the_audit_and_the_usage_and_leaves_the_words(store):
    _people(store)
    store.upsert_many({
        "stages": [{"id": "s1", "name": "Nuevo", "position": 1, "kind": "open", "probability": 0.1, "pipeline": "default"},
                   {"id": "s2", "name": "Oferta", "position": 2, "kind": "open", "probability": 0.5, "pipeline": "default"}],
        "deals": [_deal(1, "s1", title="Torno CNC", amount=100)],
        "leads": [{"id": "l1", "name": "Ana", "owner_id": "u1", "created_at": MAR}],
    })
    settings, changes, audit, usage = (schema.workspace_settings, schema.deal_stage_changes, schema.audit_log,
                                       schema.usage_events)
    with store.engine.connect() as conn:
        version = conn.execute(sa.select(settings.c.value).where(settings.c.key == "data_version")).scalar()
    words = _words(store)
    moved = ws.move_deal(store, ws.caller_for(store, "u1"), "d01", "s2")
    assert moved["stage_id"] == "s2" and moved["status"] == "open"
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(schema.deals.c.stage_id, schema.deals.c.title, schema.deals.c.amount)
                            .where(schema.deals.c.id == "d01")).one() == ("s2", "Torno CNC", 100)
        assert [tuple(r) for r in conn.execute(sa.select(changes.c.deal_id, changes.c.from_stage_id, changes.c.to_stage_id,
                                                         changes.c.changed_by))] == [("d01", "s1", "s2", "u1")]
        assert conn.execute(sa.select(sa.func.count()).select_from(audit)
                            .where(audit.c.action == "workspace.deal.move")).scalar() == 1
        assert conn.execute(sa.select(sa.func.count()).select_from(usage).where(usage.c.user_id == "u1")).scalar() == 1
        after = conn.execute(sa.select(settings.c.value).where(settings.c.key == "data_version")).scalar()
    assert after != version
    assert _words(store) == words  # the title and owner did not change: same words, same owners
    assert ("torno", "deals", "d01", "u1") in words
