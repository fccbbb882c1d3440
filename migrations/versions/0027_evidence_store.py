"""evidence store: the names of stored files are indexed, so the sweep that removes files
no row names looks each name up instead of scanning every entry

Revision ID: 0027_evidence_store
Revises: 0026_queue_order
Create Date: 2026-11-30 22:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0027_evidence_store'
down_revision = '0026_queue_order'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('evidence_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_entries_stored_name'), ['stored_name'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_entries_thumbnail_name'), ['thumbnail_name'], unique=False)


def downgrade():
    with op.batch_alter_table('evidence_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_entries_thumbnail_name'))
        batch_op.drop_index(batch_op.f('ix_evidence_entries_stored_name'))
