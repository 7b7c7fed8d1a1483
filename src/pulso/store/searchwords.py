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

Each row also carries (migration 0016) its record's owner (owner_id: search applies the caller's
scope to the index itself, a rep reads only their own rows of a common word), its name (deals:
title; search orders by it) and its `kind`: 0 for the first word of search_text, 1 for another
of its words or the whole phone, 2 for a fragment (after punctuation, inside an e-mail, a phone's
shorter suffix). A one-word query is thus ranked by the index alone (its rank is the least kind
of the rows it matches, then the name), and only the records shown are read.

`write` is called by the store's write door (store/writes.py) before a batch is merged: for the
ids whose search columns or owner change (or that are new), the stored words are deleted and
the new ones inserted, in the same transaction; a write that changes neither (a stage move)
leaves the index alone. `remove` is called where a record is deleted.
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


FIRST, WORD, FRAGMENT = 0, 1, 2  # kinds of index rows


def tokens(search_text: str | None, search_phone: str | None = None) -> tuple[set[str], set[str]]:
    """(text words, phone words) of a record's search columns."""
    words, phone = kinds(search_text, search_phone)
    return set(words), set(phone)


def kinds(search_text: str | None, search_phone: str | None = None) -> tuple[dict[str, int], dict[str, int]]:
    """({text word: kind}, {phone word: kind}) of a record's search columns: a word's least kind
    (FIRST, WORD or FRAGMENT)."""
    words: dict[str, int] = {}
    for n, word in enumerate((search_text or "").split()):
        word = word[:MAX_WORD]
        words[word] = min(words.get(word, FRAGMENT), FIRST if n == 0 else WORD)
        at = word.find("@")
        for i in range(1, len(word)):
            if (0 < at and i <= at + 1) or not word[i - 1].isalnum():
                if word[i:]:
                    words.setdefault(word[i:], FRAGMENT)
    digits = (search_phone or "")[-MAX_PHONE:]
    phone = {digits[i:]: WORD if i == 0 else FRAGMENT for i in range(len(digits) - PHONE_MIN + 1)}
    return words, phone


def rows(table: str, records: Iterable[tuple[Any, ...]]) -> pa.Table:
    """The words of (id, search_text, search_phone[, owner_id, name]) records of `table`, sorted by
    word; with owner_id, name and kind columns when the records carry their owner and name."""
    word, tbl, ids, owners, names, kind = [], [], [], [], [], []
    phone_tbl = f"{table}:phone"
    owned = False
    for rid, text, phone, *rest in records:
        owned = owned or bool(rest)
        owner, name = rest if rest else (None, None)
        text_words, phone_words = kinds(text, phone)
        for where, found in ((table, text_words), (phone_tbl, phone_words)):
            for w, k in found.items():
                word.append(w), tbl.append(where), ids.append(rid), owners.append(owner), names.append(name)
                kind.append(k)
    columns = {"word": pa.array(word, pa.string()), "tbl": pa.array(tbl, pa.string()), "id": pa.array(ids, pa.string())}
    if owned:
        columns.update(owner_id=pa.array(owners, pa.string()), name=pa.array(names, pa.string()),
                       kind=pa.array(kind, pa.int16()))
    out = pa.table(columns)
    return out.sort_by("word") if out.num_rows else out


def label(table: str) -> str:
    """The column search shows and orders a record by."""
    return "title" if table == "deals" else "name"


def _records(table: str, arrow: pa.Table) -> list[tuple[Any, ...]]:
    """(id, search_text, search_phone, owner_id, name) of a complete batch's records."""
    def column(name: str) -> list[Any]:
        return arrow[name].to_pylist() if name in arrow.column_names else [None] * arrow.num_rows
    return list(zip(column("id"), column("search_text"), column("search_phone"), column("owner_id"),
                    column(label(table))))


def write(conn: sa.Connection, table: str, arrow: pa.Table) -> None:
    """Replace the words of the records of a complete batch (search columns computed) of `table`
    whose search columns, owner or name differ from those stored (or that are new)."""
    if table not in searchable.TEXT or not arrow.num_rows:
        return
    tbl = schema.table(table)
    phone = tbl.c.search_phone if "search_phone" in tbl.c else sa.null()
    known = sa.select(sa.func.unnest(sa.bindparam("ids", arrow["id"].to_pylist(), type_=sa.ARRAY(sa.Text))))
    stored = {r[0]: tuple(r) for r in conn.execute(sa.select(tbl.c.id, tbl.c.search_text, phone, tbl.c.owner_id,
                                                             tbl.c[label(table)]).where(tbl.c.id.in_(known)))}
    new = [r for r in _records(table, arrow) if stored.get(r[0]) != r]
    remove(conn, table, [stored[r[0]][:3] for r in new if r[0] in stored])
    insert(conn, rows(table, new))


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
    """Append rows (word, tbl, id[, owner_id, name, kind]), in the order given (sorted by word: the zone maps
    stay narrow)."""
    if not words.num_rows:
        return
    if "owner_id" not in words.column_names and _owned(conn):
        words = _with_owners(conn, words)
    columns = ", ".join(c for c in ("word", "tbl", "id", "owner_id", "name", "kind") if c in words.column_names)
    if conn.dialect.name == "duckdb":
        raw = conn.connection.driver_connection
        raw.register("_stg_search_words", words)
        try:
            conn.exec_driver_sql(f"INSERT INTO search_words ({columns}) SELECT {columns} FROM _stg_search_words")
        finally:
            raw.unregister("_stg_search_words")
        return
    cursor = conn.connection.driver_connection.cursor()
    options = pa_csv.WriteOptions(include_header=False, quoting_style="needed")
    with cursor.copy(f"COPY search_words ({columns}) FROM STDIN (FORMAT csv)") as copy:
        for batch in words.to_batches(200_000):
            buffer = io.BytesIO()
            pa_csv.write_csv(pa.Table.from_batches([batch]), buffer, options)
            copy.write(buffer.getvalue())


def _owned(conn: sa.Connection) -> bool:
    """Whether the index has its owner column (not before migration 0016, whose 0013 fills it)."""
    return bool(conn.exec_driver_sql(
        "SELECT count(*) FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name = 'search_words' AND column_name = 'owner_id'").scalar())


def _with_owners(conn: sa.Connection, words: pa.Table) -> pa.Table:
    """Words given without their owner and name (rows of (id, search_text, search_phone)): each
    record's stored owner_id and name, read from its table; its kinds computed again."""
    stored: dict[tuple[str, Any], tuple[Any, ...]] = {}
    pairs = list(zip(words["tbl"].to_pylist(), words["id"].to_pylist()))
    for table in sorted({t.split(":")[0] for t, _ in pairs}):
        tbl = schema.table(table)
        ids = sorted({i for t, i in pairs if t.split(":")[0] == table})
        known = sa.select(sa.func.unnest(sa.bindparam("ids", ids, type_=sa.ARRAY(sa.Text))))
        phone = tbl.c.search_phone if "search_phone" in tbl.c else sa.null()
        for r in conn.execute(sa.select(tbl.c.id, tbl.c.search_text, phone, tbl.c.owner_id, tbl.c[label(table)])
                              .where(tbl.c.id.in_(known))):
            stored[table, r[0]] = tuple(r)
    out = []
    for table in sorted({t.split(":")[0] for t, _ in pairs}):
        given = {i for t, i in pairs if t.split(":")[0] == table}
        found = rows(table, [stored[table, i] for i in sorted(given) if (table, i) in stored])
        mine = set(zip(words["word"].to_pylist(), words["tbl"].to_pylist(), words["id"].to_pylist()))
        keep = [(w, t, i) in mine for w, t, i in zip(found["word"].to_pylist(), found["tbl"].to_pylist(),
                                                    found["id"].to_pylist())] if found.num_rows else []
        if found.num_rows:
            out.append(found.filter(pa.array(keep, pa.bool_())))
    return pa.concat_tables(out).sort_by("word") if out else words


def starting(dialect: str, table: str, prefix: str, *, phone: bool = False,
             owners: sa.ColumnElement | None = None, columns: tuple[str, ...] = ("id",)) -> sa.Select:
    """The ids of `table` with a word (phone: a run of digits) starting with `prefix`: a range of
    code points on DuckDB (its zone maps prune it), LIKE 'prefix%' on PostgreSQL (its
    text_pattern_ops index serves it whatever the database's collation). `owners`: a condition
    on search_words.owner_id (the caller's scope), None for every row; `columns`: those read."""
    sw = schema.search_words
    prefix = prefix[:MAX_PHONE if phone else MAX_WORD]  # as the words were indexed
    if dialect == "duckdb":
        found = sa.and_(sw.c.word >= prefix, sw.c.word < prefix + "\U0010ffff")
    else:
        found = sw.c.word.like(prefix.replace("/", "//").replace("%", "/%").replace("_", "/_") + "%", escape="/")
    query = sa.select(*(sw.c[c] for c in columns)).where(sw.c.tbl == (f"{table}:phone" if phone else table), found)
    return query if owners is None else query.where(owners)
