"""search columns: leads and accounts get search_text and search_phone, deals search_text, filled
for the records already stored; on PostgreSQL, pg_trgm GIN indexes on them when the extension can
be created (search works without them, by scanning)

The store computes the columns on every write from then on (store/searchable.py, called by
store/writes.py). The backfill runs the same Arrow function over the stored rows, so a record
written before and one written after this migration compare alike.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-11
"""

import pyarrow as pa
import sqlalchemy as sa
from alembic import op

from pulso.store import searchable


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

TABLES = {'leads': True, 'accounts': True, 'deals': False}  # table → has search_phone
CHUNK = 50_000


def _columns(name):
    return ['search_text', 'search_phone'] if TABLES[name] else ['search_text']


def _fields(name):
    return [*searchable.TEXT[name], *([searchable.PHONE[name]] if TABLES[name] else [])]


def _backfill_duckdb(conn, name):
    raw = conn.connection.driver_connection
    fields = _fields(name)
    rows = raw.sql(f'SELECT id, {", ".join(fields)} FROM "{name}"').to_arrow_table()
    if not rows.num_rows:
        return
    computed = searchable.compute(name, {f: rows[f] for f in fields})
    staged = pa.table({'id': rows['id'], **computed})
    raw.register('_search_fill', staged)
    try:
        sets = ', '.join(f'{c} = s.{c}' for c in _columns(name))
        raw.execute(f'UPDATE "{name}" SET {sets} FROM _search_fill s WHERE "{name}".id = s.id')
    finally:
        raw.unregister('_search_fill')


def _backfill_postgresql(conn, name):
    fields = _fields(name)
    table = sa.table(name, sa.column('id'), *(sa.column(f) for f in fields))
    ids = conn.execute(sa.select(table.c.id).order_by(table.c.id)).scalars().all()
    columns = _columns(name)
    for lo in range(0, len(ids), CHUNK):
        chunk = ids[lo:lo + CHUNK]
        rows = conn.execute(sa.select(table.c.id, *(table.c[f] for f in fields))
                            .where(table.c.id == sa.func.any(sa.bindparam('ids', chunk, type_=sa.ARRAY(sa.Text))))
                            ).all()
        arrays = {f: pa.array([r[i + 1] for r in rows], type=pa.string()) for i, f in enumerate(fields)}
        computed = searchable.compute(name, arrays)
        params = {'ids': [r[0] for r in rows], **{c: computed[c].to_pylist() for c in columns}}
        unnest = ', '.join(f'unnest(CAST(:{c} AS text[])) AS {c}' for c in ['ids', *columns])
        sets = ', '.join(f'{c} = v.{c}' for c in columns)
        conn.execute(sa.text(f'UPDATE "{name}" SET {sets} FROM (SELECT {unnest}) v WHERE "{name}".id = v.ids'), params)


def _trigram_available(conn):
    """pg_trgm created (or there already); False when the cluster lacks it or refuses it."""
    try:
        with conn.begin_nested():
            conn.exec_driver_sql('CREATE EXTENSION IF NOT EXISTS pg_trgm')
        return True
    except sa.exc.DBAPIError:
        return False


def upgrade() -> None:
    conn = op.get_bind()
    for name in TABLES:
        for column in _columns(name):
            op.add_column(name, sa.Column(column, sa.Text(), server_default='', nullable=False))
        if conn.dialect.name == 'duckdb':
            _backfill_duckdb(conn, name)
        else:
            _backfill_postgresql(conn, name)
    if conn.dialect.name == 'postgresql' and _trigram_available(conn):
        for name in TABLES:
            for column in _columns(name):
                op.create_index(op.f(f'ix_{name}_{column}'), name, [column], unique=False,
                                postgresql_using='gin', postgresql_ops={column: 'gin_trgm_ops'})


def downgrade() -> None:
    conn = op.get_bind()
    for name in TABLES:
        for column in _columns(name):
            if conn.dialect.name == 'postgresql':
                op.execute(f'DROP INDEX IF EXISTS ix_{name}_{column}')
            op.drop_column(name, column)
