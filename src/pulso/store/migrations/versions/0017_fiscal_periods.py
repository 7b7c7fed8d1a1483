"""okr_objectives.start_date/end_date and report_schedules.last_start: stored periods keep their dates

Quarters and years follow the workspace's fiscal year (`fiscal_year_start`), so a text such as
`2026-Q3` names another span once the setting changes. An objective now keeps the first day of
its quarter and the day after its last (`start_date`, `end_date`); a report schedule the first
day of the last period it sent (`last_start`). Both are filled here from the texts stored so
far, which always meant calendar quarters (and months, ISO weeks): no objective moves and no
report is sent twice or skipped when the fiscal year start changes later. The texts stay (the
`quarter` as named when the objective was saved; `last_period`).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-20
"""

import datetime as dt
import re

import sqlalchemy as sa
from alembic import op


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def _start(text):
    """The first day of a period stored as text (calendar quarters, as all of them were), or None."""
    found = re.fullmatch(r'(\d{4})(?:-(?:(\d{2})|Q([1-4])|W(\d{2})))?', (text or '').strip())
    if not found:
        return None
    year, month, quarter, week = found.groups()
    try:
        if month:
            return dt.date(int(year), int(month), 1)
        if quarter:
            return dt.date(int(year), 3 * (int(quarter) - 1) + 1, 1)
        if week:
            return dt.date.fromisocalendar(int(year), int(week), 1)
        return dt.date(int(year), 1, 1)
    except ValueError:
        return None


def _plus_quarter(day):
    index = day.year * 12 + day.month - 1 + 3
    return dt.date(index // 12, index % 12 + 1, 1)


def upgrade() -> None:
    conn = op.get_bind()
    have = {r[0] for r in conn.execute(sa.text(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'okr_objectives' "
        "AND table_schema = current_schema()"))}
    for name in ('start_date', 'end_date'):
        if name not in have:  # a DuckDB workspace downgraded once keeps them
            op.add_column('okr_objectives', sa.Column(name, sa.Date(), nullable=True))
    op.add_column('report_schedules', sa.Column('last_start', sa.Date(), nullable=True))
    for oid, quarter in conn.execute(sa.text('SELECT id, quarter FROM okr_objectives WHERE start_date IS NULL')).fetchall():
        start = _start(quarter)
        if start is not None:
            conn.execute(sa.text('UPDATE okr_objectives SET start_date = :s, end_date = :e WHERE id = :id'),
                         {'s': start, 'e': _plus_quarter(start), 'id': oid})
    for sid, last in conn.execute(sa.text('SELECT id, last_period FROM report_schedules '
                                          'WHERE last_period IS NOT NULL')).fetchall():
        start = _start(last)
        if start is not None:
            conn.execute(sa.text('UPDATE report_schedules SET last_start = :s WHERE id = :id'), {'s': start, 'id': sid})


def downgrade() -> None:
    op.drop_column('report_schedules', 'last_start')
    if op.get_bind().dialect.name == 'duckdb':
        # okr_key_results' foreign key keeps DuckDB from altering okr_objectives: the columns stay,
        # emptied, so that the next upgrade fills them again from the quarter's text
        op.execute('UPDATE okr_objectives SET start_date = NULL, end_date = NULL')
        return
    op.drop_column('okr_objectives', 'end_date')
    op.drop_column('okr_objectives', 'start_date')
