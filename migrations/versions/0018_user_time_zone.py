"""user time zone: the IANA zone a person reads times in

None follows the person's language (Asia/Shanghai for Chinese, else UTC).

Revision ID: 0018_user_time_zone
Revises: 0017_case_facts
Create Date: 2026-11-30 15:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_user_time_zone'
down_revision = '0017_case_facts'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_zone', sa.String(length=64), nullable=True))


def downgrade():
    # in place, not as a batch: copying users would trip every foreign key that points at it
    # (SQLite drops a column in place since 3.35)
    op.drop_column('users', 'time_zone')
