"""negotiation thread: buyer, seller and the case's mediator talk on a case

One row per message, read by case in the order written. The thread is not evidence: no
hash chain, no timeline.

Revision ID: 0019_negotiation_thread
Revises: 0018_user_time_zone
Create Date: 2026-11-30 16:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

from app.core.db import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0019_negotiation_thread'
down_revision = '0018_user_time_zone'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'thread_posts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('author_role', sa.String(length=10), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "author_role IN ('buyer', 'seller', 'mediator')",
            name=op.f('ck_thread_posts_author_role_known'),
        ),
        sa.ForeignKeyConstraint(
            ['author_id'], ['users.id'], name=op.f('fk_thread_posts_author_id_users')
        ),
        sa.ForeignKeyConstraint(
            ['case_id'], ['cases.id'], name=op.f('fk_thread_posts_case_id_cases')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_thread_posts')),
    )
    with op.batch_alter_table('thread_posts', schema=None) as batch_op:
        batch_op.create_index(
            'ix_thread_posts_case_id_created_at', ['case_id', 'created_at'], unique=False
        )


def downgrade():
    with op.batch_alter_table('thread_posts', schema=None) as batch_op:
        batch_op.drop_index('ix_thread_posts_case_id_created_at')
    op.drop_table('thread_posts')
