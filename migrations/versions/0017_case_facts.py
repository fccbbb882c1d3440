"""case facts: one row per case with what the analytics read, kept by a sweep

The figures read each case's facts (its durations already worked out, the time to first
action above all, which was read from the audit trail case by case) instead of the cases
and their audit trail; a watermark says how far the sweep has read the audit trail. The
first run of the sweep fills the facts of every case.

Revision ID: 0017_case_facts
Revises: 0016_analytics_indexes
Create Date: 2026-11-30 13:50:00.000000

"""
from alembic import op
import sqlalchemy as sa

from app.core.db import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0017_case_facts'
down_revision = '0016_analytics_indexes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'case_facts',
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('filed_at', UTCDateTime(), nullable=False),
        sa.Column('filed_day', sa.String(length=10), nullable=False),
        sa.Column('filed_month', sa.String(length=7), nullable=False),
        sa.Column('claim_type', sa.String(length=30), nullable=False),
        sa.Column('responsible_party', sa.String(length=20), nullable=False),
        sa.Column('mediator_id', sa.Integer(), nullable=True),
        sa.Column('decision_kind', sa.String(length=30), nullable=True),
        sa.Column('settled_by_first_proposal', sa.Boolean(), nullable=False),
        sa.Column('intake_seconds', sa.Float(), nullable=True),
        sa.Column('first_action_seconds', sa.Float(), nullable=True),
        sa.Column('resolution_seconds', sa.Float(), nullable=True),
        sa.Column('proposals_accepted', sa.Integer(), nullable=False),
        sa.Column('proposals_rejected', sa.Integer(), nullable=False),
        sa.Column('proposals_expired', sa.Integer(), nullable=False),
        sa.Column('obligations_done', sa.Integer(), nullable=False),
        sa.Column('obligations_missed', sa.Integer(), nullable=False),
        sa.Column('buyer_score', sa.Integer(), nullable=True),
        sa.Column('seller_score', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_facts_case_id_cases')),
        sa.PrimaryKeyConstraint('case_id', name=op.f('pk_case_facts')),
    )
    with op.batch_alter_table('case_facts', schema=None) as batch_op:
        batch_op.create_index(
            'ix_case_facts_filed',
            [
                'filed_at',
                'claim_type',
                'responsible_party',
                'mediator_id',
                'decision_kind',
                'settled_by_first_proposal',
                'intake_seconds',
                'first_action_seconds',
                'resolution_seconds',
                'filed_day',
                'filed_month',
                'order_id',
                'buyer_score',
                'seller_score',
                'proposals_accepted',
                'proposals_rejected',
                'proposals_expired',
                'obligations_done',
                'obligations_missed',
            ],
            unique=False,
        )

    op.create_table(
        'case_fact_categories',
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('category', sa.String(length=60), nullable=False),
        sa.Column('filed_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['case_id'], ['cases.id'], name=op.f('fk_case_fact_categories_case_id_cases')
        ),
        sa.PrimaryKeyConstraint('case_id', 'category', name=op.f('pk_case_fact_categories')),
    )
    with op.batch_alter_table('case_fact_categories', schema=None) as batch_op:
        batch_op.create_index(
            'ix_case_fact_categories_filed', ['filed_at', 'category'], unique=False
        )

    op.create_table(
        'fact_watermarks',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('moved_at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_fact_watermarks')),
    )


def downgrade():
    op.drop_table('fact_watermarks')
    with op.batch_alter_table('case_fact_categories', schema=None) as batch_op:
        batch_op.drop_index('ix_case_fact_categories_filed')
    op.drop_table('case_fact_categories')
    with op.batch_alter_table('case_facts', schema=None) as batch_op:
        batch_op.drop_index('ix_case_facts_filed')
    op.drop_table('case_facts')
