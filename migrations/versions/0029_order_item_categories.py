"""order item categories: an index on the items' category, so the list of categories (the
analytics filter's and the mediators' skills) is read one category at a time from it instead
of scanning every item ever sold

Revision ID: 0029_order_item_categories
Revises: 0028_rate_limit_counters
Create Date: 2026-12-01 05:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0029_order_item_categories'
down_revision = '0028_rate_limit_counters'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('order_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_items_category'), ['category'], unique=False)


def downgrade():
    with op.batch_alter_table('order_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_items_category'))
