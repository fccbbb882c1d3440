"""analytics indexes: cases by filing date, audit events by case and step, restrictions by
case

The dashboard and the public page read the cases filed in a date range, grouped and
measured by a few of their columns, which the index holds so that it answers alone; the
time to the mediator's first action is read from the audit trail, whose subject index now
also holds the action and the time.

Revision ID: 0016_analytics_indexes
Revises: 0015_decision_appeals
Create Date: 2026-11-30 12:40:00.000000

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '0016_analytics_indexes'
down_revision = '0015_decision_appeals'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(
            'ix_cases_analytics',
            [
                'filed_at',
                'claim_type',
                'responsible_party',
                'mediator_id',
                'decision_kind',
                'severity_confirmed_at',
                'decided_at',
                'order_id',
            ],
            unique=False,
        )

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_subject')
        batch_op.create_index(
            'ix_audit_events_subject',
            ['subject_type', 'subject_id', 'action', 'created_at'],
            unique=False,
        )

    with op.batch_alter_table('selling_restrictions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_selling_restrictions_case_id'), ['case_id'], unique=False)


def downgrade():
    with op.batch_alter_table('selling_restrictions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_selling_restrictions_case_id'))

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_subject')
        batch_op.create_index('ix_audit_events_subject', ['subject_type', 'subject_id'], unique=False)

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_analytics')
