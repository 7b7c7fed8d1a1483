"""search_words gets owner_id, name and kind: a rep's search reads only their own rows of the
words index, and a one-word query is ranked by the index alone

Each row of the index carries its record's owner (owner_id: search applies the caller's scope,
pulso.access through pulso.store.scoping, to the index itself), its name (deals: title; search
orders by it) and its kind (pulso.store.searchwords.kinds: 0 the first word of search_text, 1
another of its words or the whole phone, 2 a fragment). Search then stops at the first page of
hits ranked from the index and reads only those records. The store's writes keep the columns
(pulso.store.searchwords.write rewrites a record's words when its search columns, owner or name
change).

No word is computed again in Python: on DuckDB the index is copied with each row's owner, name
and kind (a join with its table by id) into a new table sorted by (tbl, word), in batches (per
tbl and range of words: each sorts a part), which replaces it; on PostgreSQL three columns are added and filled by one UPDATE per table (its
index on word serves as before).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-15
"""

import sqlalchemy as sa
from alembic import op


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

TABLES = {'leads': ('name', 'search_phone'), 'accounts': ('name', 'search_phone'), 'deals': ('title', 'NULL')}
# the kind of a row as pulso.store.searchwords.kinds gives it (words cut at 64 characters, phones
# to their last 20 digits; search_text has one space between words)
KIND = ("CASE WHEN strpos(w.tbl, ':phone') > 0 THEN (CASE WHEN w.word = right(r.phone, 20) THEN 1 ELSE 2 END) "
        "WHEN w.word = left(split_part(r.search_text, ' ', 1), 64) THEN 0 "
        "WHEN length(w.word) < 64 AND strpos(' ' || r.search_text || ' ', ' ' || w.word || ' ') > 0 THEN 1 "
        "WHEN length(w.word) = 64 AND strpos(' ' || r.search_text, ' ' || w.word) > 0 THEN 1 "
        "ELSE 2 END")
KIND_TEXT = KIND.replace(':phone', '\\:phone')  # in sa.text, not a bind parameter
# DuckDB copies the index in batches (per tbl, per range of words): each sorts a part of it
BOUNDS = ('', '0', 'a', 'e', 'i', 'm', 'q', 'u', '\U0010ffff')


def _records(t: str) -> str:
    name, phone = TABLES[t]
    return f'SELECT id, owner_id, "{name}" AS name, search_text, {phone} AS phone FROM "{t}"'


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == 'duckdb':
        conn.exec_driver_sql('CREATE TABLE _search_words_new (word TEXT NOT NULL, tbl TEXT NOT NULL, id TEXT NOT NULL, '
                             'owner_id TEXT, name TEXT, kind SMALLINT)')
        for tbl in sorted(f'{t}{part}' for t in TABLES for part in ('', ':phone') if part == '' or TABLES[t][1] != 'NULL'):
            for low, high in zip(BOUNDS, BOUNDS[1:]):
                conn.execute(sa.text(
                    f'INSERT INTO _search_words_new SELECT w.word, w.tbl, w.id, r.owner_id, r.name, {KIND_TEXT} '
                    f'FROM search_words w LEFT JOIN ({_records(tbl.split(":")[0])}) r ON r.id = w.id '
                    'WHERE w.tbl = :tbl AND w.word >= :low AND w.word < :high ORDER BY w.word'),
                    {'tbl': tbl, 'low': low, 'high': high})
        conn.exec_driver_sql('DROP TABLE search_words')
        conn.exec_driver_sql('ALTER TABLE _search_words_new RENAME TO search_words')
        return
    for column, kind in (('owner_id', sa.Text()), ('name', sa.Text()), ('kind', sa.SmallInteger())):
        op.add_column('search_words', sa.Column(column, kind, nullable=True))
    for t in TABLES:
        conn.exec_driver_sql(f'UPDATE search_words w SET owner_id = r.owner_id, name = r.name, kind = {KIND} '
                             f"FROM ({_records(t)}) r WHERE w.tbl IN ('{t}', '{t}:phone') AND r.id = w.id")


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == 'postgresql':
        for column in ('kind', 'name', 'owner_id'):
            op.drop_column('search_words', column)
        return
    conn.exec_driver_sql('CREATE TABLE _search_words_old (word TEXT NOT NULL, tbl TEXT NOT NULL, id TEXT NOT NULL)')
    conn.exec_driver_sql('INSERT INTO _search_words_old SELECT word, tbl, id FROM search_words ORDER BY word')
    conn.exec_driver_sql('DROP TABLE search_words')
    conn.exec_driver_sql('ALTER TABLE _search_words_old RENAME TO search_words')
