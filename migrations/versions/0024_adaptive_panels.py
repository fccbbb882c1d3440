"""adaptive panels: a panel records the rule it decides by (the majority of its seats, or an
adaptive rule that weighs each vote and decides at a confidence), how many of its seats its
waves have opened, how many votes the counting sweep has weighed; a tally records each
option's posterior as the adaptive rule saw it

Every panel drawn before decided by the majority rule with all its seats drawn at once.

Revision ID: 0024_adaptive_panels
Revises: 0023_verifiable_draws
Create Date: 2026-11-30 20:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024_adaptive_panels'
down_revision = '0023_verifiable_draws'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('panels', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('rule', sa.String(length=10), nullable=False, server_default='majority')
        )
        batch_op.add_column(sa.Column('confidence', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('seats_drawn', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('waves', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(
            sa.Column('counted_votes', sa.Integer(), nullable=False, server_default='0')
        )
    panels = sa.table('panels', sa.column('seats', sa.Integer), sa.column('seats_drawn', sa.Integer))
    op.execute(panels.update().values(seats_drawn=panels.c.seats))
    with op.batch_alter_table('panels', schema=None) as batch_op:
        batch_op.alter_column('rule', server_default=None)
        batch_op.alter_column('waves', server_default=None)
        batch_op.alter_column('counted_votes', server_default=None)
        batch_op.alter_column('seats_drawn', existing_type=sa.Integer(), nullable=False)
        batch_op.create_check_constraint(
            op.f('ck_panels_rule_known'), "rule IN ('majority', 'adaptive')"
        )
        batch_op.create_check_constraint(
            op.f('ck_panels_confidence_with_rule'),
            "(rule = 'adaptive') = (confidence IS NOT NULL)",
        )
        batch_op.create_check_constraint(
            op.f('ck_panels_seats_drawn_within_seats'), 'seats_drawn <= seats'
        )
    with op.batch_alter_table('tallies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('posterior', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('tallies', schema=None) as batch_op:
        batch_op.drop_column('posterior')
    with op.batch_alter_table('panels', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_panels_seats_drawn_within_seats'), type_='check')
        batch_op.drop_constraint(op.f('ck_panels_confidence_with_rule'), type_='check')
        batch_op.drop_constraint(op.f('ck_panels_rule_known'), type_='check')
        batch_op.drop_column('counted_votes')
        batch_op.drop_column('waves')
        batch_op.drop_column('seats_drawn')
        batch_op.drop_column('confidence')
        batch_op.drop_column('rule')
