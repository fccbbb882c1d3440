"""outbox: the recipient's address and name kept on the message

The outbox takes a recipient's id, address and name when a message is queued, so delivering
it reads no account.

Revision ID: 0006_outbox_recipient_address
Revises: 0005_audit_subject_index
Create Date: 2026-11-30 08:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_outbox_recipient_address'
down_revision = '0005_audit_subject_index'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recipient_address', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('recipient_name', sa.String(length=80), nullable=True))
    op.execute(
        "UPDATE outbox_messages SET"
        " recipient_address = (SELECT email FROM users WHERE users.id = recipient_id),"
        " recipient_name = (SELECT display_name FROM users WHERE users.id = recipient_id)"
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.alter_column('recipient_address', existing_type=sa.String(length=254), nullable=False)
        batch_op.alter_column('recipient_name', existing_type=sa.String(length=80), nullable=False)


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('recipient_name')
        batch_op.drop_column('recipient_address')
