"""search_words: the words index of search (word, tbl, id), filled from the stored search columns

One row per distinct word of each lead's, account's and deal's search_text, its e-mail's
fragments and its phone's digit suffixes (pulso.store.searchwords.tokens, the same function the
store's writes use from then on). The rows go in sorted by word, so a prefix is a narrow range:
DuckDB's zone maps skip the rest; PostgreSQL gets a btree with text_pattern_ops (LIKE 'q%').

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-13
"""

import sqlalchemy as sa
from alembic import op

from pulso.store import searchwords


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

TABLES = {'leads': True, 'accounts': True, 'deals': False}  # table → has search_phone
CHUNK = 200_000


def _chunks(conn, name):
    """(id, search_text, search_phone) of a table's rows, CHUNK at a time, in id order."""
    phone = ', search_phone' if TABLES[name] else ', NULL'
    last = None
    while True:
        after = '' if last is None else 'WHERE id > :last '
        rows = conn.execute(sa.text(f'SELECT id, search_text{phone} FROM "{name}" {after}ORDER BY id LIMIT {CHUNK}'),
                            {'last': last}).all()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def upgrade() -> None:
    conn = op.get_bind()
    duck = conn.dialect.name == 'duckdb'
    op.create_table('search_words', sa.Column('word', sa.Text(), nullable=False),
                    sa.Column('tbl', sa.Text(), nullable=False), sa.Column('id', sa.Text(), nullable=False))
    if duck:  # unsorted chunks into a scratch table, then one sort by word into the index
        conn.exec_driver_sql('CREATE TEMPORARY TABLE _words_fill (word TEXT, tbl TEXT, id TEXT)')
    for name in TABLES:
        for rows in _chunks(conn, name):
            words = searchwords.rows(name, rows)
            if not duck:
                searchwords.insert(conn, words)
                continue
            raw = conn.connection.driver_connection
            raw.register('_words_chunk', words)
            try:
                conn.exec_driver_sql('INSERT INTO _words_fill SELECT word, tbl, id FROM _words_chunk')
            finally:
                raw.unregister('_words_chunk')
    if duck:
        conn.exec_driver_sql('INSERT INTO search_words SELECT word, tbl, id FROM _words_fill ORDER BY word')
        conn.exec_driver_sql('DROP TABLE _words_fill')
    else:
        op.create_index('ix_search_words_word', 'search_words', ['word'],
                        postgresql_ops={'word': 'text_pattern_ops'})


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_index('ix_search_words_word', table_name='search_words')
    op.drop_table('search_words')
