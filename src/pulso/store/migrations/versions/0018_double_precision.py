"""Fractions and scores are double precision on DuckDB too

`sa.Float` is PostgreSQL's double precision but DuckDB's 4-byte FLOAT: a stage's probability of
0.1 was read back as 0.10000000149 on DuckDB (its weighted pipeline off in the ninth digit), and a
duplicate pair's probability stored as 0.95 could fall either side of "at least 95 %" depending
on the backend. The columns become DOUBLE (`sa.Double`); the stored values are rounded to six
decimals on the way (a 4-byte float holds about seven significant digits: 0.10000000149 → 0.1).
PostgreSQL's columns already are double precision: nothing to do there.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05
"""

from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

COLUMNS = [('stages', 'probability'), ('survey_responses', 'score'), ('survey_responses', 'scale_min'),
           ('survey_responses', 'scale_max'), ('duplicate_candidates', 'probability'), ('merges', 'probability')]


def _retype(sql_type: str, using: str) -> None:
    if op.get_bind().dialect.name != 'duckdb':
        return
    for table, column in COLUMNS:
        op.execute(f'ALTER TABLE {table} ALTER COLUMN {column} TYPE {sql_type} USING {using.format(c=column)}')


def upgrade() -> None:
    _retype('DOUBLE', 'round(CAST({c} AS DOUBLE), 6)')


def downgrade() -> None:
    _retype('FLOAT', 'CAST({c} AS FLOAT)')
