"""The words index of search: `search_words(word, tbl, id)` (migration 0013), written with the records.

Search looks a query word up by prefix here (a range of a table sorted by word: DuckDB's zone
maps, PostgreSQL's text_pattern_ops btree) instead of scanning every record's search_text.
The words of a lead, account or deal (`tokens`) are:

- each word of its search_text (pulso.store.searchable: name, e-mail, company; deals: title),
  and what follows each punctuation mark inside it ("ayers-johnson" → "johnson");
- for an e-mail, every fragment from a position of its local part on ("zgarcia@x.es" →
  "garcia@x.es", "arcia@x.es", …), so a part of an address is found as before;
- under tbl "<table>:phone", every suffix of three or more of its phone's digits, so a phone
  is found by any run of its digits (a prefix of one of them).

`write` is called by the store's write door (store/writes.py) before a batch is merged: the
words of the ids written are deleted (those of their stored search columns) and the new ones
inserted, in the same transaction. `remove` is called where a record is deleted.
"""

from __future__ import annotations

import io
from typing import Any, Iterable

import pyarrow as pa
import pyarrow.csv as pa_csv
import sqlalchemy as sa

from pulso.store import schema, searchable

#: Below this many old words a rewrite deletes by literal values (an index or zone-map lookup).
SMALL = 2_000
PHONE_MIN = 3
#: A word is indexed by its first MAX_WORD characters and a phone by its last MAX_PHONE digits:
#: a hostile 60,000-character "word" would otherwise exceed PostgreSQL's btree row size and, with
#: a punctuation mark every other character, make a quadratic number of bytes of fragments.
MAX_WORD = 64
MAX_PHONE = 20


def tokens(search_text: str | None, search_phone: str | None = None) -> tuple[set[str], set[str]]:
    """(text words, phone words) of a record's search columns."""
    words: set[str] = set()
    for word in (search_text or "").split():
        word = word[:MAX_WORD]
        words.add(word)
        at = word.find("@")
        for i in range(1, len(word)):
            if (0 < at and i <= at + 1) or not word[i - 1].isalnum():
                if word[i:]:
                    words.add(word[i:])
    digits = (search_phone or "")[-MAX_PHONE:]
    phone = {digits[i:] for i in range(len(digits) - PHONE_MIN + 1)}
    return words, phone


def rows(table: str, records: Iterable[tuple[Any, str | None, str | None]]) -> pa.Table:
    """The words of (id, search_text, search_phone) records of `table`, sorted by word."""
    word, tbl, ids = [], [], []
    phone_tbl = f"{table}:phone"
    for rid, text, phone in records:
        text_words, phone_words = tokens(text, phone)
        for w in text_words:
            word.append(w), tbl.append(table), ids.append(rid)
        for w in phone_words:
            word.append(w), tbl.append(phone_tbl), ids.append(rid)
    out = pa.table({"word": pa.array(word, pa.string()), "tbl": pa.array(tbl, pa.string()),
                    "id": pa.array(ids, pa.string())})
    return out.sort_by("word") if out.num_rows else out


def _records(table: str, arrow: pa.Table) -> Iterable[tuple[Any, str | None, str | None]]:
    phones = arrow["search_phone"].to_pylist() if "search_phone" in arrow.column_names else [None] * arrow.num_rows
    return zip(arrow["id"].to_pylist(), arrow["search_text"].to_pylist(), phones)


def write(conn: sa.Connection, table: str, arrow: pa.Table) -> None:
    """Replace the words of the records of a complete batch (search columns computed) of `table`."""
    if table not in searchable.TEXT or not arrow.num_rows:
        return
    tbl = schema.table(table)
    phone = [tbl.c.search_phone] if "search_phone" in tbl.c else []
    known = sa.select(sa.func.unnest(sa.bindparam("ids", arrow["id"].to_pylist(), type_=sa.ARRAY(sa.Text))))
    stored = conn.execute(sa.select(tbl.c.id, tbl.c.search_text, *phone).where(tbl.c.id.in_(known))).all()
    if stored:
        remove(conn, table, [(r[0], r[1], r[2] if phone else None) for r in stored])
    insert(conn, rows(table, _records(table, arrow)))


def remove(conn: sa.Connection, table: str, records: list[tuple[Any, str | None, str | None]]) -> None:
    """Delete the words of (id, search_text, search_phone) records as stored."""
    if table not in searchable.TEXT or not records:
        return
    old = rows(table, records)
    if not old.num_rows:
        return
    sw = schema.search_words
    ids = sorted({r[0] for r in records})
    words = sorted(set(old["word"].to_pylist()))
    tbls = [table, f"{table}:phone"]
    if len(words) <= SMALL:  # literal values: DuckDB prunes by the zone maps, PostgreSQL reads its index
        conn.execute(sw.delete().where(sw.c.word.in_(words), sw.c.id.in_(ids), sw.c.tbl.in_(tbls)))
        return
    known = sa.select(sa.func.unnest(sa.bindparam("ids", ids, type_=sa.ARRAY(sa.Text))))
    conn.execute(sw.delete().where(sw.c.tbl.in_(tbls), sw.c.id.in_(known)))


def insert(conn: sa.Connection, words: pa.Table) -> None:
    """Append rows (word, tbl, id), in the order given (sorted by word: the zone maps stay narrow)."""
    if not words.num_rows:
        return
    if conn.dialect.name == "duckdb":
        raw = conn.connection.driver_connection
        raw.register("_stg_search_words", words)
        try:
            conn.exec_driver_sql("INSERT INTO search_words (word, tbl, id) SELECT word, tbl, id FROM _stg_search_words")
        finally:
            raw.unregister("_stg_search_words")
        return
    cursor = conn.connection.driver_connection.cursor()
    options = pa_csv.WriteOptions(include_header=False, quoting_style="needed")
    with cursor.copy("COPY search_words (word, tbl, id) FROM STDIN (FORMAT csv)") as copy:
        for batch in words.to_batches(200_000):
            buffer = io.BytesIO()
            pa_csv.write_csv(pa.Table.from_batches([batch]), buffer, options)
            copy.write(buffer.getvalue())


def starting(dialect: str, table: str, prefix: str, *, phone: bool = False) -> sa.Select:
    """The ids of `table` with a word (phone: a run of digits) starting with `prefix`: a range of
    code points on DuckDB (its zone maps prune it), LIKE 'prefix%' on PostgreSQL (its
    text_pattern_ops index serves it whatever the database's collation)."""
    sw = schema.search_words
    prefix = prefix[:MAX_PHONE if phone else MAX_WORD]  # as the words were indexed
    if dialect == "duckdb":
        found = sa.and_(sw.c.word >= prefix, sw.c.word < prefix + "\U0010ffff")
    else:
        found = sw.c.word.like(prefix.replace("/", "//").replace("%", "/%").replace("_", "/_") + "%", escape="/")
    return sa.select(sw.c.id).where(sw.c.tbl == (f"{table}:phone" if phone else table), found)
