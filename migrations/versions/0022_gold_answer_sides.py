"""gold answer sides: each answer with a known right option says which side that option
favoured and in which category the case fell, so a reviewer's accuracy can be calibrated
per side and per category

The practice answers given so far are to the seven practice cases; their right options are
known, so the side is filled in (the claim granted favours the buyer, rejected the seller).

Revision ID: 0022_gold_answer_sides
Revises: 0021_ballot_options
Create Date: 2026-11-30 19:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022_gold_answer_sides'
down_revision = '0021_ballot_options'
branch_labels = None
depends_on = None

# the practice cases' right answers, as they stood when this migration was written
SELLER_RIGHT = ("late-within-window", "service-attitude")


def upgrade():
    with op.batch_alter_table('practice_answers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('truth_side', sa.String(length=6), nullable=True))
        batch_op.add_column(sa.Column('category', sa.String(length=60), nullable=True))
    answers = sa.table(
        'practice_answers', sa.column('practice_key', sa.String), sa.column('truth_side', sa.String)
    )
    op.execute(
        answers.update()
        .where(answers.c.practice_key.in_(SELLER_RIGHT))
        .values(truth_side='seller')
    )
    op.execute(answers.update().where(answers.c.truth_side.is_(None)).values(truth_side='buyer'))


def downgrade():
    with op.batch_alter_table('practice_answers', schema=None) as batch_op:
        batch_op.drop_column('category')
        batch_op.drop_column('truth_side')
