"""DuckDB workspaces without foreign keys on the canonical tables (PostgreSQL keeps them)

DuckDB runs an update of an indexed column as delete + insert, and its foreign keys index every
referencing column and refuse that delete while children point at the row: a deal that moved
stage or changed owner could not be written once an activity pointed at it. The store checks
every reference itself before writing and refuses to delete a record that others point to
(store/writes.py, store/records.py), so DuckDB needs no declared foreign keys.

DuckDB cannot drop a constraint with ALTER TABLE: each canonical table that declares foreign
keys is copied, dropped (children first), created again from its own definition less the
FOREIGN KEY clauses (columns, types, defaults, NOT NULL and the primary key unchanged) and
refilled. The OKR tables keep theirs (their rows are written by the goals module alone).
Nothing to do on PostgreSQL.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-10
"""

import re

from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

# The canonical tables, parents before children, and the foreign keys 0001 declared on them.
FOREIGN_KEYS = {
    'teams': [],
    'users': [('team_id', 'teams')],
    'campaigns': [],
    'accounts': [('owner_id', 'users')],
    'leads': [('account_id', 'accounts'), ('campaign_id', 'campaigns'), ('owner_id', 'users')],
    'stages': [],
    'deals': [('account_id', 'accounts'), ('campaign_id', 'campaigns'), ('lead_id', 'leads'),
              ('owner_id', 'users'), ('stage_id', 'stages')],
    'deal_stage_changes': [('changed_by', 'users'), ('deal_id', 'deals'), ('from_stage_id', 'stages'),
                           ('to_stage_id', 'stages')],
    'tickets': [('account_id', 'accounts'), ('owner_id', 'users')],
    'activities': [('account_id', 'accounts'), ('deal_id', 'deals'), ('lead_id', 'leads'),
                   ('owner_id', 'users'), ('ticket_id', 'tickets')],
    'survey_responses': [('account_id', 'accounts'), ('ticket_id', 'tickets')],
    'orders': [('account_id', 'accounts'), ('deal_id', 'deals')],
    'subscriptions': [('account_id', 'accounts')],
    'spend': [('campaign_id', 'campaigns')],
    'web_sessions': [],
    'quotas': [('owner_id', 'users'), ('team_id', 'teams')],
    'usage_events': [('user_id', 'users')],
}
_FK_CLAUSE = re.compile(r',\s*FOREIGN KEY\s*\([^)]*\)\s*REFERENCES\s+[^\s(]+\s*\([^)]*\)', re.IGNORECASE)


def _rebuild(with_keys: bool) -> None:
    conn = op.get_bind()
    if conn.dialect.name != 'duckdb':
        return
    run = conn.exec_driver_sql
    names = [t for t, keys in FOREIGN_KEYS.items() if keys]
    ddl = {}
    for name in names:
        [sql] = run('SELECT sql FROM duckdb_tables() WHERE table_name = ? AND NOT temporary', (name,)).one()
        sql = _FK_CLAUSE.sub('', sql.rstrip().rstrip(';'))
        if 'FOREIGN KEY' in sql.upper():
            raise RuntimeError(f'migration 0010: cannot read the foreign keys of {name}: {sql}')
        if with_keys:
            keys = ''.join(f', FOREIGN KEY ({c}) REFERENCES {t}(id)' for c, t in FOREIGN_KEYS[name])
            sql = sql[:-1] + keys + ')'
        ddl[name] = sql
        run(f'CREATE TEMPORARY TABLE "_keep_{name}" AS SELECT * FROM "{name}"')
    for name in reversed(names):  # children before the parents they point to
        run(f'DROP TABLE "{name}"')
    for name in names:
        run(ddl[name])
        run(f'INSERT INTO "{name}" SELECT * FROM "_keep_{name}"')
        run(f'DROP TABLE "_keep_{name}"')


def upgrade() -> None:
    _rebuild(with_keys=False)


def downgrade() -> None:
    _rebuild(with_keys=True)
