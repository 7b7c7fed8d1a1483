"""user_invites: one-time set-password links of invited users and password resets (/admin/users)

Only the SHA-256 of a link's token is kept; a link works once, before its expiry, for an active
user (pulso.users).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-14
"""

import sqlalchemy as sa
from alembic import op


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('user_invites',
    sa.Column('id', sa.Text(), nullable=False),
    sa.Column('user_id', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.Text(), nullable=True),
    sa.Column('locale', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_invites'))
    )


def downgrade() -> None:
    op.drop_table('user_invites')
