"""An index on activities(deal_id), both backends: the deal board reads the next open task of its
shown cards (pulso.workspace.board, at most 50 cards a column) by deal id

Without it DuckDB scanned the activities table (5.4 M rows on the large demo) for 300 deal ids;
with it an index scan reads their tasks. PostgreSQL had no index on the column either. DuckDB
updates an indexed column as delete + insert: fine, its tables declare no foreign keys (0010).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-14
"""

from alembic import op


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_activities_deal_id', 'activities', ['deal_id'])


def downgrade() -> None:
    op.drop_index('ix_activities_deal_id', table_name='activities')
