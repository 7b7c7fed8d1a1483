"""the CRM workspace: survey links, tasks (activities.due_at, done_at), a lead's disqualification reason

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-10
"""

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('survey_invitations',
    sa.Column('id', sa.Text(), nullable=False),
    sa.Column('account_id', sa.Text(), nullable=False),
    sa.Column('ticket_id', sa.Text(), nullable=True),
    sa.Column('kind', sa.Text(), nullable=False),
    sa.Column('token_hash', sa.Text(), nullable=False),
    sa.Column('locale', sa.Text(), server_default='es', nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('response_id', sa.Text(), nullable=True),
    sa.Column('created_by', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_invitations')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_survey_invitations_token_hash'))
    )
    if op.get_bind().dialect.name == 'postgresql':
        op.create_index(op.f('ix_survey_invitations_account_id'), 'survey_invitations', ['account_id'], unique=False)
    # Tasks are activities of type task with a due date and a done date.
    op.add_column('activities', sa.Column('due_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('activities', sa.Column('done_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('leads', sa.Column('disqualified_reason', sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column('leads', 'disqualified_reason')
    op.drop_column('activities', 'done_at')
    op.drop_column('activities', 'due_at')
    op.drop_table('survey_invitations')
