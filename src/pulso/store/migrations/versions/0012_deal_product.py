"""deals.product: the product a deal sells (nullable), the `product` dimension of the deal KPIs

Orders already carry a product; a deal may carry one now (imports map it where the CRM's export
has it, e.g. HubSpot's "Product"). Existing deals keep no product.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-12
"""

import sqlalchemy as sa
from alembic import op


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('deals', sa.Column('product', sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column('deals', 'product')
