"""import notes: what a run did to read its files (defaults used, dates moved, NUL bytes removed...)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A JSON list of {"kind", "file", "count", "column", "value"} (see pulso.ingest.runlog.Note).
    op.add_column('import_runs', sa.Column('notes', sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column('import_runs', 'notes')
