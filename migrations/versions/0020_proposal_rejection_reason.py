"""proposal rejection reason: a party who rejects a proposal may say why

Revision ID: 0020_proposal_rejection_reason
Revises: 0019_negotiation_thread
Create Date: 2026-11-30 16:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020_proposal_rejection_reason'
down_revision = '0019_negotiation_thread'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('settlement_proposals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rejection_reason', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('settlement_proposals', schema=None) as batch_op:
        batch_op.drop_column('rejection_reason')
