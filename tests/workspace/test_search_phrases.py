"""A search of several words is ranked by the words index alone (migration 0019: each word of
search_text with its position), both backends: where the words start the record, one after the
other, it comes first; where they stand together elsewhere, second; where they are all there but
apart, last; each group by name. Exact however many records match (the ranking used to look at
the first 300 found only). Every expected order is worked out by hand from the names."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import command

from pulso import workspace as ws
from pulso.store import schema, searchwords
from pulso.store.store import _alembic_config

MAR = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)


def _people(store) -> None:
    store.upsert_many({
        "teams": [{"id": "t1", "name": "Norte"}],
        "users": [{"id": u, "name": u, "email": f"{u}@x.es", "role": r, "team_id": "t1", "created_at": MAR}
                  for u, r in (("u1", "rep"), ("u3", "rep"), ("a0", "admin"))],
    })


def _ids(store, who: str, query: str, table: str = "leads", limit: int = 20) -> list[str]:
    return [r["id"] for r in ws.search(store, ws.caller_for(store, who), query, tables=(table,), limit=limit)]


def test_the_places_of_a_records_words():
    # "garcia" holds places 1 and 2: a row for each; "luz", after the hyphen of "ana-luz", is a fragment
    assert searchwords.places("ana garcia garcia ana-luz") == [
        ("ana", 0, 0), ("garcia", 1, 1), ("garcia", 1, 2), ("ana-luz", 1, 3), ("luz", 2, None)]
    assert searchwords.places("") == []
    many = " ".join(["a"] * (searchwords.MAX_POS + 5) + ["zeta"])
    placed = searchwords.places(many)
    assert len(placed) == searchwords.MAX_POS + 1  # "a" at its first MAX_POS places; "zeta", first seen later, once
    assert placed[-1] == ("zeta", searchwords.WORD, None)
    assert searchwords.kinds("pepe jose.garcia@x.es")[0]["garcia@x.es"] == searchwords.FRAGMENT


LEADS = {
    "a": ("José García Ruiz", None, None, "u1"),   # "jose garcia" starts it                 → first
    "e": ("José Garcíaz", None, None, "u3"),       # the last word as a prefix              → first
    "b": ("Ana José García", None, None, "u1"),    # together, after "ana"                  → second
    "c": ("García José", None, None, "u1"),        # both, the other way round              → last
    "d": ("Josefa García", None, None, "u1"),      # "jose" only begins "josefa"            → last
    "f": ("José Pérez", None, "García SL", "u3"),  # "jose perez garcia sl": apart          → last
    "g": ("Pepe", "jose.garcia@x.es", None, "u3"),  # inside one e-mail word                 → last
    "h": ("Luis Gómez", None, None, "u1"),         # neither                                → not found
}


def _leads(store) -> None:
    store.upsert_many({"leads": [{"id": k, "name": n, "email": m, "company": c, "owner_id": o, "created_at": MAR}
                                 for k, (n, m, c, o) in LEADS.items()]})


def test_the_words_together_at_the_start_then_together_elsewhere_then_apart_each_by_name(store):
    _people(store)
    _leads(store)
    # first: a, e ("José García Ruiz" < "José Garcíaz": a space sorts before "z"); second: b; last, by
    # name: "García José" < "Josefa García" < "José Pérez" ("e" before "é") < "Pepe"
    assert _ids(store, "a0", "josé garcía") == ["a", "e", "b", "c", "d", "f", "g"]
    assert _ids(store, "a0", "JOSE   GARCIA") == ["a", "e", "b", "c", "d", "f", "g"]  # case, accents, spaces aside
    assert _ids(store, "a0", "josé garcía", limit=3) == ["a", "e", "b"]
    # only c has them in this order; the rest by name: "Ana…" < "Josefa…" < "José García Ruiz" < "José Garcíaz"
    # < "José Pérez" < "Pepe"
    assert _ids(store, "a0", "garcía josé") == ["c", "b", "d", "a", "e", "f", "g"]
    assert _ids(store, "u1", "josé garcía") == ["a", "b", "c", "d"]  # a rep: their own records only
    assert _ids(store, "a0", "josé garcía ruiz") == ["a"]


def test_a_repeated_word_needs_two_places(store):
    _people(store)
    store.upsert_many({"deals": [
        {"id": "d0", "title": "García García SL", "status": "open", "created_at": MAR},      # at the start → first
        {"id": "d1", "title": "Taller García García", "status": "open", "created_at": MAR},  # elsewhere   → second
        {"id": "d2", "title": "García Sur", "status": "open", "created_at": MAR},            # once        → last
        {"id": "d3", "title": "Gafas", "status": "open", "created_at": MAR},
    ]})
    assert _ids(store, "a0", "garcía garcía", "deals") == ["d0", "d1", "d2"]


def test_the_ranking_is_exact_however_many_records_match(store):
    _people(store)
    # 320 records with both words apart ("Pérez Zoe Ana 000"...), and, stored last, one with them at the
    # start and one with them together after "zulema": the old ranking read the first 300 ids found
    apart = [{"id": f"p{n:03}", "name": f"Pérez Zoe Ana {n:03}", "created_at": MAR} for n in range(320)]
    store.upsert_many({"leads": apart})
    store.upsert_many({"leads": [{"id": "start", "name": "Ana Pérez", "created_at": MAR},
                                 {"id": "inside", "name": "Zulema Ana Pérez", "created_at": MAR}]})
    assert _ids(store, "a0", "ana pérez", limit=4) == ["start", "inside", "p000", "p001"]
    assert len(_ids(store, "a0", "ana pérez", limit=100)) == 100


def test_the_migration_places_the_words_of_an_existing_workspace(store):
    _people(store)
    _leads(store)
    cfg = _alembic_config()
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0018")
    sw = schema.search_words
    with store.engine.connect() as conn:
        columns = set(conn.execute(sa.text("SELECT column_name FROM information_schema.columns WHERE "
                                           "table_name = 'search_words' AND table_schema = current_schema()")).scalars())
        # back to one row per distinct word and its least kind, no position
        rows = conn.execute(sa.text("SELECT word, kind FROM search_words WHERE id = 'b' AND tbl = 'leads' "
                                    "ORDER BY word")).all()
    assert "pos" not in columns
    assert [tuple(r) for r in rows] == [("ana", 0), ("garcia", 1), ("jose", 1)]
    store.upgrade()
    with store.engine.connect() as conn:
        placed = conn.execute(sa.select(sw.c.word, sw.c.kind, sw.c.pos, sw.c.owner_id, sw.c.name)
                              .where(sw.c.id == "b", sw.c.tbl == "leads").order_by(sw.c.pos)).all()
    assert [tuple(r) for r in placed] == [("ana", 0, 0, "u1", "Ana José García"), ("jose", 1, 1, "u1", "Ana José García"),
                                          ("garcia", 1, 2, "u1", "Ana José García")]
    assert _ids(store, "a0", "josé garcía") == ["a", "e", "b", "c", "d", "f", "g"]
    if store.dialect == "postgres":  # the btree LIKE 'q%' uses, built again
        with store.engine.connect() as conn:
            index = conn.execute(sa.text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_search_words_word'"))
            assert "text_pattern_ops" in index.scalar()
