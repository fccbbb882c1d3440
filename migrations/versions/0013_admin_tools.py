"""admin tools: a reviewer's suspension reason, withdrawn seats, the audit log by action

An admin's suspension says why (``reviewers.suspension_reason``, None when a low score
suspended them); a suspended reviewer's open seats become ``withdrawn``; the audit log is
read by action, newest first.

Revision ID: 0013_admin_tools
Revises: 0012_reminders_mail_choices
Create Date: 2026-11-30 12:45:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0013_admin_tools'
down_revision = '0012_reminders_mail_choices'
branch_labels = None
depends_on = None

SEAT_STATUSES = ('open', 'voted', 'recused', 'replaced')


def _seat_statuses(statuses):
    return "status IN ({})".format(", ".join(repr(status) for status in statuses))


def upgrade():
    with op.batch_alter_table('reviewers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('suspension_reason', sa.String(length=500), nullable=True))

    with op.batch_alter_table('seats', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_seats_status_known'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_seats_status_known'), _seat_statuses(SEAT_STATUSES + ('withdrawn',))
        )

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_events_action_created_at', ['action', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_action_created_at')

    op.execute("UPDATE seats SET status = 'replaced' WHERE status = 'withdrawn'")
    with op.batch_alter_table('seats', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_seats_status_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_seats_status_known'), _seat_statuses(SEAT_STATUSES))

    with op.batch_alter_table('reviewers', schema=None) as batch_op:
        batch_op.drop_column('suspension_reason')
