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

A word of search_text is indexed once per place it holds (migration 0019): `pos` is its position
(0 for the first word; kind 0 is pos 0), NULL for a fragment and a phone's digits. Search finds
a phrase ("jose garcia": a word "jose" followed by a word starting with "garcia") by joining the
rows of its words on id and consecutive positions, so a query of several words is ranked by the
index alone too. Only a record's first MAX_POS words get a position: a word first seen beyond
them has one row without it (a hostile name of 30,000 "a a a…" is one row, not 30,000).

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
#: Words of search_text past this many are indexed without a position (once per distinct word).
MAX_POS = 1_000


FIRST, WORD, FRAGMENT = 0, 1, 2  # kinds of index rows


def tokens(search_text: str | None, search_phone: str | None = None) -> tuple[set[str], set[str]]:
    """(text words, phone words) of a record's search columns."""
    words, phone = kinds(search_text, search_phone)
    return set(words), set(phone)


def kinds(search_text: str | None, search_phone: str | None = None) -> tuple[dict[str, int], dict[str, int]]:
    """({text word: kind}, {phone word: kind}) of a record's search columns: a word's least kind
    (FIRST, WORD or FRAGMENT)."""
    words: dict[str, int] = {}
    for word, kind, _pos in places(search_text):
        words[word] = min(words.get(word, FRAGMENT), kind)
    return words, _phone(search_phone)


def places(search_text: str | None) -> list[tuple[str, int, int | None]]:
    """(word, kind, pos) rows of a search_text: each word at each of its first MAX_POS places (a
    word seen only after them once, without a position), then each fragment that is not also a
    word (kind FRAGMENT, no position)."""
    out: list[tuple[str, int, int | None]] = []
    seen: set[str] = set()
    fragments: dict[str, None] = {}  # in order of appearance
    for n, word in enumerate((search_text or "").split()):
        word = word[:MAX_WORD]
        if n < MAX_POS or word not in seen:
            out.append((word, FIRST if n == 0 else WORD, n if n < MAX_POS else None))
        if word in seen:
            continue
        seen.add(word)
        at = word.find("@")
        for i in range(1, len(word)):
            if ((0 < at and i <= at + 1) or not word[i - 1].isalnum()) and word[i:]:
                fragments.setdefault(word[i:])
    return out + [(f, FRAGMENT, None) for f in fragments if f not in seen]


def _phone(search_phone: str | None) -> dict[str, int]:
    digits = (search_phone or "")[-MAX_PHONE:]
    return {digits[i:]: WORD if i == 0 else FRAGMENT for i in range(len(digits) - PHONE_MIN + 1)}


def rows(table: str, records: Iterable[tuple[Any, ...]]) -> pa.Table:
    """The words of (id, search_text, search_phone[, owner_id, name]) records of `table`, sorted by
    word. With the records' owner and name: a row per place of a word (`places`), with owner_id,
    name, kind and pos columns; without them (the index before migration 0016): a row per
    distinct word."""
    word, tbl, ids, owners, names, kind, pos = [], [], [], [], [], [], []
    phone_tbl = f"{table}:phone"
    owned = False
    for rid, text, phone, *rest in records:
        owned = owned or bool(rest)
        owner, name = rest if rest else (None, None)
        text_rows = places(text) if rest else [(w, k, None) for w, k in kinds(text)[0].items()]
        found = [(table, w, k, p) for w, k, p in text_rows] + [(phone_tbl, w, k, None) for w, k in _phone(phone).items()]
        for where, w, k, p in found:
            word.append(w), tbl.append(where), ids.append(rid), owners.append(owner), names.append(name)
            kind.append(k), pos.append(p)
    columns = {"word": pa.array(word, pa.string()), "tbl": pa.array(tbl, pa.string()), "id": pa.array(ids, pa.string())}
    if owned:
        columns.update(owner_id=pa.array(owners, pa.string()), name=pa.array(names, pa.string()),
                       kind=pa.array(kind, pa.int16()), pos=pa.array(pos, pa.int16()))
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


def insert(conn: sa.Connection, words: pa.Table, *, into: str = "search_words") -> None:
    """Append rows (word, tbl, id[, owner_id, name, kind, pos]), in the order given (sorted by word: the
    zone maps stay narrow), to the index (`into`: a table of its columns, migration 0019's scratch
    table)."""
    if not words.num_rows:
        return
    if "owner_id" not in words.column_names and _owned(conn):
        words = _with_owners(conn, words)
    columns = ", ".join(c for c in ("word", "tbl", "id", "owner_id", "name", "kind", "pos") if c in words.column_names)
    if conn.dialect.name == "duckdb":
        raw = conn.connection.driver_connection
        raw.register("_stg_search_words", words)
        try:
            conn.exec_driver_sql(f"INSERT INTO {into} ({columns}) SELECT {columns} FROM _stg_search_words")
        finally:
            raw.unregister("_stg_search_words")
        return
    cursor = conn.connection.driver_connection.cursor()
    options = pa_csv.WriteOptions(include_header=False, quoting_style="needed")
    with cursor.copy(f"COPY {into} ({columns}) FROM STDIN (FORMAT csv)") as copy:
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


def _prefixed(column: sa.ColumnElement, prefix: str, dialect: str) -> sa.ColumnElement:
    """column starts with prefix: a range of code points on DuckDB (its zone maps prune it), LIKE
    'prefix%' on PostgreSQL (its text_pattern_ops index serves it whatever the collation)."""
    if dialect == "duckdb":
        return sa.and_(column >= prefix, column < prefix + "\U0010ffff")
    return column.like(prefix.replace("/", "//").replace("%", "/%").replace("_", "/_") + "%", escape="/")


def starting(dialect: str, tables: str | tuple[str, ...], prefix: str, *, phone: bool = False,
             owners: sa.ColumnElement | None = None, columns: tuple[str | sa.ColumnElement, ...] = ("id",)) -> sa.Select:
    """The rows of the index of `tables` (one name or several) with a word (phone: a run of digits,
    in "<table>:phone") starting with `prefix` (see `_prefixed`), cut as the words were indexed.
    `owners`: a condition on search_words.owner_id (the caller's scope), None for every row;
    `columns`: those read (names of search_words' columns, or expressions on them)."""
    sw = schema.search_words
    names = (tables,) if isinstance(tables, str) else tables
    prefix = prefix[:MAX_PHONE if phone else MAX_WORD]
    query = sa.select(*(sw.c[c] if isinstance(c, str) else c for c in columns)).where(
        sw.c.tbl.in_([f"{t}:phone" if phone else t for t in names]), _prefixed(sw.c.word, prefix, dialect))
    return query if owners is None else query.where(owners)


def matches(dialect: str, tables: tuple[str, ...], words: list[str], digits: str = "", *,
            owners: sa.ColumnElement | None = None) -> sa.Select:
    """(tbl, id, rank, name) of each record of `tables` matching a query's `words` (every one
    starts a word of it) or its `digits` (a run of its phone's digits, for the tables that keep a
    phone; "" for none), ranked by the index alone: 0 where the words start its search_text, one
    after the other, the last as a prefix ("jose garcia": a word "jose", then a word starting
    with "garcia"), 1 where they stand so elsewhere or the whole phone starts with the digits,
    else 2. One word's rank is the least kind of its rows (its first word 0, another word 1, a
    fragment 2). Each word's range of the index is read once for every table.

    Several words: the rows of their ranges are kept (a MATERIALIZED common table expression,
    `placed`). A row of word i at position p belongs to the phrase starting at p - i when it
    stands as the query has it (a word before the last one whole, compared by its first MAX_WORD
    characters as indexed), and carries bit i. The records with rows of every word match (an
    INTERSECT: quicker than grouping every row when the words are common); their rows grouped by
    (record, start), a group with every bit is the phrase. `owners`: as in `starting`."""
    sw = schema.search_words

    def rows(word: str, *columns: str | sa.ColumnElement) -> sa.Select:
        return starting(dialect, tables, word, owners=owners, columns=("tbl", "id", *columns))

    phones = tuple(t for t in tables if t in searchable.PHONE)
    parts = [starting(dialect, phones, digits, phone=True, owners=owners,
                      columns=(sa.func.replace(sw.c.tbl, ":phone", "").label("tbl"), "id", "kind", "name"))
             ] if digits and phones else []
    if len(words) == 1:
        parts.append(rows(words[0], "kind", "name"))
    elif words:
        every = (1 << len(words)) - 1
        placed = sa.union_all(*(
            rows(word, "name", sa.case((sw.c.pos.isnot(None) if n == len(words) - 1 else
                                           sa.and_(sw.c.pos.isnot(None), sw.c.word == word[:MAX_WORD]),
                                           sw.c.pos - n), else_=sa.null()).label("start"),
                 sa.literal(1 << n, sa.Integer).label("bit"))
            for n, word in enumerate(words))).cte("placed").prefix_with("MATERIALIZED")
        held = sa.intersect(*(sa.select(placed.c.tbl, placed.c.id).where(placed.c.bit == 1 << n)
                              for n in range(len(words)))).subquery("held")
        groups = (sa.select(placed.c.tbl, placed.c.id, placed.c.start, sa.func.bit_or(placed.c.bit).label("bits"),
                            sa.func.min(placed.c.name).label("name"))
                  .join(held, sa.and_(held.c.tbl == placed.c.tbl, held.c.id == placed.c.id))
                  .group_by(placed.c.tbl, placed.c.id, placed.c.start).subquery("groups"))
        phrase = sa.and_(groups.c.start.isnot(None), groups.c.bits == every)
        rank = sa.case((sa.and_(phrase, groups.c.start == 0), FIRST), (phrase, WORD), else_=FRAGMENT)
        parts.append(sa.select(groups.c.tbl, groups.c.id, rank.label("kind"), groups.c.name))
    hits = (sa.union_all(*parts) if len(parts) > 1 else parts[0]).subquery("hits")
    return (sa.select(hits.c.tbl, hits.c.id, sa.func.min(hits.c.kind).label("rank"),
                      sa.func.min(hits.c.name).label("name")).group_by(hits.c.tbl, hits.c.id))
