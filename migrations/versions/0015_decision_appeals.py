"""decision appeals: every imposed decision may be appealed, to a panel or a second mediator

A case records when its decision was appealed: what is decided after its one appeal is final.
An appeal keeps the decision it appeals (kind, outcome, remedy, amount), who hears it (an
appeal panel or a second mediator), the panel whose verdict it appeals, the mediators
involved, and when the final verdict was counted into the appealed panel's reputation.
Existing appeals were all of a panel's verdict, heard by an appeal panel: they are filled in
from their case and the panel that decided it, and their cases from them.

Revision ID: 0015_decision_appeals
Revises: 0014_desk_filters
Create Date: 2026-11-30 13:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

from app.core.db import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0015_decision_appeals'
down_revision = '0014_desk_filters'
branch_labels = None
depends_on = None

BACKFILL = """
UPDATE appeals SET
    decision_kind = 'panel',
    heard_by = 'panel',
    decision_outcome = CASE WHEN party = 'buyer' THEN 'for_seller' ELSE 'for_buyer' END,
    decision_remedy = CASE WHEN party = 'buyer' THEN 'claim_rejected'
        ELSE (SELECT cases.remedy FROM cases WHERE cases.id = appeals.case_id) END,
    decision_amount_fen = CASE WHEN party = 'buyer' THEN NULL
        ELSE (SELECT COALESCE(cases.remedy_amount_fen, orders.amount_fen)
              FROM cases JOIN orders ON orders.id = cases.order_id
              WHERE cases.id = appeals.case_id) END,
    panel_id = (SELECT MAX(panels.id) FROM panels
                WHERE panels.case_id = appeals.case_id AND panels.round = 'first'
                AND panels.status = 'decided')
"""


def upgrade():
    # a plain ALTER TABLE: rebuilding cases would delete the rows that refer to it on SQLite
    op.add_column('cases', sa.Column('appealed_at', UTCDateTime(), nullable=True))

    with op.batch_alter_table('appeals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decision_kind', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('decision_outcome', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('decision_remedy', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('decision_amount_fen', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('heard_by', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('panel_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('first_mediator_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('hearing_mediator_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('final_verdict', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('reputation_revised_at', UTCDateTime(), nullable=True))

    op.execute(BACKFILL)
    op.execute(
        "UPDATE cases SET appealed_at = "
        "(SELECT appeals.created_at FROM appeals WHERE appeals.case_id = cases.id)"
    )

    with op.batch_alter_table('appeals', schema=None) as batch_op:
        for column in ('decision_kind', 'decision_outcome', 'decision_remedy', 'heard_by'):
            batch_op.alter_column(column, nullable=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_appeals_panel_id_panels'), 'panels', ['panel_id'], ['id']
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_appeals_first_mediator_id_users'), 'users', ['first_mediator_id'], ['id']
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_appeals_hearing_mediator_id_users'),
            'users',
            ['hearing_mediator_id'],
            ['id'],
        )
        batch_op.create_check_constraint(
            batch_op.f('ck_appeals_heard_by_known'), "heard_by IN ('panel', 'mediator')"
        )
        batch_op.create_check_constraint(
            batch_op.f('ck_appeals_decision_kind_known'),
            "decision_kind IN ('default_judgment', 'mediator', 'panel')",
        )


def downgrade():
    with op.batch_alter_table('appeals', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_appeals_decision_kind_known'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_appeals_heard_by_known'), type_='check')
        batch_op.drop_constraint(
            batch_op.f('fk_appeals_hearing_mediator_id_users'), type_='foreignkey'
        )
        batch_op.drop_constraint(batch_op.f('fk_appeals_first_mediator_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_appeals_panel_id_panels'), type_='foreignkey')
        for column in (
            'reputation_revised_at',
            'final_verdict',
            'hearing_mediator_id',
            'first_mediator_id',
            'panel_id',
            'heard_by',
            'decision_amount_fen',
            'decision_remedy',
            'decision_outcome',
            'decision_kind',
        ):
            batch_op.drop_column(column)

    op.drop_column('cases', 'appealed_at')
