"""proposal rejection reason: a party who rejects a proposal may say why

Revision ID: 0018_proposal_rejection_reason
Revises: 0017_case_facts
Create Date: 2026-11-30 16:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_proposal_rejection_reason'
down_revision = '0017_case_facts'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('settlement_proposals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rejection_reason', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('settlement_proposals', schema=None) as batch_op:
        batch_op.drop_column('rejection_reason')
