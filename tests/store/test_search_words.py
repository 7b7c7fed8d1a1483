"""The words index of search (pulso.store.searchwords, migration 0013), both backends: the words a
record's search columns give, written with the record, rewritten on an edit, removed when the
record is deleted or merged away (and back on the merge's undo), and filled by the migration
for records stored before it. Every expected set is worked out by hand from the record."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import command

from pulso import audit, dedupe
from pulso.access import Scope
from pulso.store import records, schema, searchwords
from pulso.store.store import _alembic_config

MAR = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)

# "Ana Pérez", "zana@x.es", "Ayers-Johnson", "+34 611-22" → search_text "ana perez zana@x.es ayers-johnson",
# search_phone "3461122": the words, the e-mail from each position of its local part and after '@'
# and '.', the company after its hyphen; the phone's suffixes of three digits or more.
ANA_TEXT = {"ana", "perez", "zana@x.es", "ana@x.es", "na@x.es", "a@x.es", "@x.es", "x.es", "es",
            "ayers-johnson", "johnson"}
ANA_PHONE = {"3461122", "461122", "61122", "1122", "122"}


def words(store, rid: str) -> set[tuple[str, str]]:
    sw = schema.search_words
    with store.engine.connect() as conn:
        return {(r.tbl, r.word) for r in conn.execute(sa.select(sw.c.tbl, sw.c.word).where(sw.c.id == rid))}


def ana(rid: str = "l1") -> dict:
    return {"id": rid, "name": "Ana Pérez", "email": "zana@x.es", "company": "Ayers-Johnson", "phone": "+34 611-22",
            "created_at": MAR}


def expected(text: set[str], phone: set[str], table: str = "leads") -> set[tuple[str, str]]:
    return {(table, w) for w in text} | {(f"{table}:phone", w) for w in phone}


def test_the_tokens_of_search_columns():
    assert searchwords.tokens("ana perez zana@x.es ayers-johnson", "3461122") == (ANA_TEXT, ANA_PHONE)
    assert searchwords.tokens("", "12") == (set(), set())  # fewer than three digits: no phone word


def test_words_are_written_rewritten_on_an_edit_and_removed_on_delete(store):
    store.upsert_many({"leads": [ana(), {"id": "l2", "name": "Eva", "created_at": MAR}],
                       "deals": [{"id": "d1", "title": "Gafas Únicas", "status": "open", "created_at": MAR}]})
    assert words(store, "l1") == expected(ANA_TEXT, ANA_PHONE)
    assert words(store, "l2") == {("leads", "eva")}
    assert words(store, "d1") == {("deals", "gafas"), ("deals", "unicas")}
    store.upsert_many({"leads": [{"id": "l1", "name": "Ana Ruiz", "phone": None}]})  # e-mail and company kept
    assert words(store, "l1") == expected(ANA_TEXT - {"perez"} | {"ruiz"}, set())
    assert words(store, "l2") == {("leads", "eva")}  # another record's words untouched
    records.delete(store, Scope.company(), "leads", "l1")
    assert words(store, "l1") == set()
    records.delete(store, Scope.company(), "deals", "d1")
    assert words(store, "d1") == set() and words(store, "l2") == {("leads", "eva")}


def test_a_merge_removes_the_merged_records_words_and_its_undo_puts_them_back(store):
    store.upsert_many({"accounts": [{"id": "a1", "name": "Muñoz", "created_at": MAR},
                                    {"id": "a2", "name": "Munoz SL", "phone": "600", "created_at": MAR}]})
    assert words(store, "a2") == {("accounts", "munoz"), ("accounts", "sl"), ("accounts:phone", "600")}
    actor = audit.Actor("system")
    merge_id = dedupe.merge(store, "accounts", "a1", "a2", actor=actor)
    assert words(store, "a2") == set()
    assert words(store, "a1") == {("accounts", "munoz"), ("accounts:phone", "600")}  # the phone it took from a2
    dedupe.undo(store, merge_id, actor=actor)
    assert words(store, "a2") == {("accounts", "munoz"), ("accounts", "sl"), ("accounts:phone", "600")}
    assert words(store, "a1") == {("accounts", "munoz")}


def test_the_migration_fills_the_words_of_records_stored_before_it(store):
    store.upsert_many({"leads": [ana()], "deals": [{"id": "d1", "title": "Máquina", "status": "open", "created_at": MAR}]})
    cfg = _alembic_config()
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0012")
    with store.engine.connect() as conn:
        assert "search_words" not in sa.inspect(conn).get_table_names()
    store.upgrade()
    assert words(store, "l1") == expected(ANA_TEXT, ANA_PHONE)
    assert words(store, "d1") == {("deals", "maquina")}
    if store.dialect == "postgres":  # the btree LIKE 'q%' uses
        with store.engine.connect() as conn:
            index = conn.execute(sa.text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_search_words_word'"))
            assert "text_pattern_ops" in index.scalar()


def test_a_huge_word_is_indexed_by_its_first_64_characters_and_a_long_phone_by_its_last_20_digits(store):
    # 60,000 characters of "a-": before the cap PostgreSQL refused the write (a btree row is at most
    # ~2,700 bytes) and the fragments after each hyphen made ~900 MB. Now the word is cut to its first
    # 64 characters: "a-a-…a-" (32 pairs), whose fragments after a hyphen start at 32 places (the cut
    # word itself included once, and its last fragment after the 32nd hyphen is empty, so not a word).
    store.upsert_many({"leads": [{"id": "big", "name": "a-" * 30_000, "phone": "9" * 30 + "12345",
                                  "created_at": MAR}]})
    found = words(store, "big")
    text = {w for t, w in found if t == "leads"}
    phone = {w for t, w in found if t == "leads:phone"}
    assert max(len(w) for w in text) == 64 and len(text) == 32
    assert max(len(w) for w in phone) == 20 and len(phone) == 18  # suffixes of 20 down to 3 digits
    with store.engine.connect() as conn:
        dialect = conn.dialect.name
        hit = conn.execute(searchwords.starting(dialect, "leads", "a-" * 40)).scalars().all()  # 80 > 64: cut too
        tail = conn.execute(searchwords.starting(dialect, "leads", "9912345", phone=True)).scalars().all()
    assert hit == ["big"] and tail == ["big"]
