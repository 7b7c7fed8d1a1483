"""exchange rates: units of a currency per one unit of the reporting currency, by date

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-08
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('exchange_rates',
    sa.Column('id', sa.Text(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('rate_date', sa.Date(), nullable=False),
    sa.Column('rate', sa.Numeric(precision=24, scale=10), nullable=False),
    sa.Column('source', sa.Text(), nullable=True),
    sa.CheckConstraint('rate > 0', name=op.f('ck_exchange_rates_rate_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_rates'))
    )
    if op.get_bind().dialect.name == 'postgresql':
        op.create_index(op.f('ix_exchange_rates_currency_rate_date'), 'exchange_rates', ['currency', 'rate_date'],
                        unique=False)


def downgrade() -> None:
    op.drop_table('exchange_rates')
