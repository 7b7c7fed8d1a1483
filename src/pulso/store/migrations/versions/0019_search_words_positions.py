"""search_words gets each word's position: a query of several words is ranked by the index alone

Until now a row of the index stood for a distinct word of a record, and a query of several words
("josé garcía") took up to 300 of the records holding them all and read each by primary key to
see whether the words stood together: about 0.1 ms a record on DuckDB, 25 ms for a common name.
Now a word of search_text has a row for each place it holds, with its position (`pos`; NULL for
a fragment and a phone's digits), and search finds "jose" followed by "garcia…" by joining the
rows of the two words on id and consecutive positions (pulso.store.searchwords.phrase).

The index is written again from the stored search columns with pulso.store.searchwords.rows, the
function the store's writes use: on DuckDB into a new table, per tbl and range of words sorted by
word (its zone maps stay narrow), which replaces it; on PostgreSQL the column is added and the rows
replaced, its index on word dropped and built again around the fill. About 2 minutes for a million
leads, accounts and deals; a few seconds for a workspace of a small business. It says how far it has
got after each chunk of records (pulso.store.migrating: `pulso db upgrade` prints it).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

from pulso.i18n import N_
from pulso.store import searchwords
from pulso.store.migrating import report

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

TABLES = {'leads': ('name', 'search_phone'), 'accounts': ('name', 'search_phone'), 'deals': ('title', 'NULL')}
CHUNK = 200_000
COLUMNS = 'word, tbl, id, owner_id, name, kind, pos'
BOUNDS = ('', '0', 'a', 'e', 'i', 'm', 'q', 'u', '\U0010ffff')  # DuckDB sorts the index a part at a time


def _chunks(conn, table):
    """(id, search_text, search_phone, owner_id, name) of a table's records, CHUNK at a time, by id."""
    name, phone = TABLES[table]
    last = None
    while True:
        after = '' if last is None else 'WHERE id > :last '
        rows = conn.execute(sa.text(f'SELECT id, search_text, {phone}, owner_id, "{name}" FROM "{table}" {after}'
                                    f'ORDER BY id LIMIT {CHUNK}'), {'last': last}).all()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _fill(conn, target: str) -> None:
    """Every record's words, as the store writes them, into `target`, saying how far it has got."""
    for table in TABLES:
        total, done = conn.execute(sa.text(f'SELECT count(*) FROM "{table}"')).scalar_one(), 0
        for rows in _chunks(conn, table):
            searchwords.insert(conn, searchwords.rows(table, rows), into=target)
            done += len(rows)
            report(N_("Índice de búsqueda: {table}, {done} de {total} registros"), table=table, done=done, total=total)


def _sorted_copy(conn, source: str, target: str, select: str, group: str = '') -> None:
    """DuckDB: `select` of `source` into `target`, per tbl and range of words, each part sorted by word."""
    tbls = conn.exec_driver_sql(f'SELECT DISTINCT tbl FROM {source} ORDER BY tbl').scalars().all()
    for tbl in tbls:
        for low, high in zip(BOUNDS, BOUNDS[1:]):
            conn.execute(sa.text(f'INSERT INTO {target} SELECT {select} FROM {source} '
                                 f'WHERE tbl = :tbl AND word >= :low AND word < :high {group} ORDER BY word'),
                         {'tbl': tbl, 'low': low, 'high': high})


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == 'duckdb':
        conn.exec_driver_sql('CREATE TEMPORARY TABLE _words_fill (word TEXT, tbl TEXT, id TEXT, owner_id TEXT, '
                             'name TEXT, kind SMALLINT, pos SMALLINT)')
        _fill(conn, '_words_fill')
        report(N_("Índice de búsqueda: ordenando las palabras"))
        conn.exec_driver_sql('CREATE TABLE _search_words_new (word TEXT NOT NULL, tbl TEXT NOT NULL, '
                             'id TEXT NOT NULL, owner_id TEXT, name TEXT, kind SMALLINT, pos SMALLINT)')
        _sorted_copy(conn, '_words_fill', '_search_words_new', COLUMNS)
        conn.exec_driver_sql('DROP TABLE _words_fill')
        conn.exec_driver_sql('DROP TABLE search_words')
        conn.exec_driver_sql('ALTER TABLE _search_words_new RENAME TO search_words')
        return
    op.add_column('search_words', sa.Column('pos', sa.SmallInteger(), nullable=True))
    op.drop_index('ix_search_words_word', table_name='search_words')
    conn.exec_driver_sql('TRUNCATE search_words')
    _fill(conn, 'search_words')
    report(N_("Índice de búsqueda: construyendo el índice de las palabras"))
    op.create_index('ix_search_words_word', 'search_words', ['word'], postgresql_ops={'word': 'text_pattern_ops'})


def downgrade() -> None:
    """One row per distinct word of a record again (its least kind), without positions."""
    conn = op.get_bind()
    kept = 'word, tbl, id, min(owner_id) AS owner_id, min(name) AS name, min(kind) AS kind'
    if conn.dialect.name == 'duckdb':
        conn.exec_driver_sql('CREATE TABLE _search_words_old (word TEXT NOT NULL, tbl TEXT NOT NULL, '
                             'id TEXT NOT NULL, owner_id TEXT, name TEXT, kind SMALLINT)')
        _sorted_copy(conn, 'search_words', '_search_words_old', kept, 'GROUP BY word, tbl, id')
        conn.exec_driver_sql('DROP TABLE search_words')
        conn.exec_driver_sql('ALTER TABLE _search_words_old RENAME TO search_words')
        return
    conn.exec_driver_sql(f'CREATE TEMPORARY TABLE _words_kept AS SELECT {kept} FROM search_words '
                         'GROUP BY word, tbl, id')
    conn.exec_driver_sql('TRUNCATE search_words')
    op.drop_column('search_words', 'pos')
    conn.exec_driver_sql('INSERT INTO search_words (word, tbl, id, owner_id, name, kind) '
                         'SELECT * FROM _words_kept ORDER BY word')
    conn.exec_driver_sql('DROP TABLE _words_kept')
