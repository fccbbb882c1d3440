"""verifiable draws: every draw of reviewers is recorded with its pool snapshot, committed
to an append-only public log before its seats, and each seat says which draw seated it

Panels drawn before this get their first draw recorded as algorithm 1 (Mersenne Twister over
the pool of user ids the panel kept), with the hashes of its seed and snapshot, so that
``flask jury verify-draw`` checks them too. They were never published, so nothing is added
to the public log for them; the seats their later replacement draws gave stay unrecorded.

Revision ID: 0023_verifiable_draws
Revises: 0022_gold_answer_sides
Create Date: 2026-11-30 18:45:38.965899

"""
from alembic import op
import hashlib
import json

import sqlalchemy as sa

from app.core.db import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0023_verifiable_draws'
down_revision = '0022_gold_answer_sides'
branch_labels = None
depends_on = None

LEGACY_ALGORITHM = 1

panels = sa.table(
    'panels',
    sa.column('id', sa.Integer),
    sa.column('seats', sa.Integer),
    sa.column('seed', sa.String),
    sa.column('pool', sa.JSON),
    sa.column('drawn_at', UTCDateTime),
)
seats = sa.table(
    'seats', sa.column('id', sa.Integer), sa.column('panel_id', sa.Integer), sa.column('draw_id')
)


def upgrade():
    op.create_table('panel_draws',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('panel_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('algorithm', sa.Integer(), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('seed_sha256', sa.String(length=64), nullable=False),
    sa.Column('snapshot_sha256', sa.String(length=64), nullable=False),
    sa.Column('drawn_at', UTCDateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('first', 'replacement', 'wave')", name=op.f('ck_panel_draws_kind_known')),
    sa.ForeignKeyConstraint(['panel_id'], ['panels.id'], name=op.f('fk_panel_draws_panel_id_panels')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_draws')),
    sa.UniqueConstraint('panel_id', 'number', name=op.f('uq_panel_draws_panel_id_number'))
    )
    with op.batch_alter_table('panel_draws', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_panel_draws_panel_id'), ['panel_id'], unique=False)

    op.create_table('draw_log_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('panel_id', sa.Integer(), nullable=False),
    sa.Column('draw_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('previous_sha256', sa.String(length=64), nullable=False),
    sa.Column('entry_sha256', sa.String(length=64), nullable=False),
    sa.Column('recorded_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['draw_id'], ['panel_draws.id'], name=op.f('fk_draw_log_entries_draw_id_panel_draws')),
    sa.ForeignKeyConstraint(['panel_id'], ['panels.id'], name=op.f('fk_draw_log_entries_panel_id_panels')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_draw_log_entries')),
    sa.UniqueConstraint('draw_id', name=op.f('uq_draw_log_entries_draw_id')),
    sa.UniqueConstraint('entry_sha256', name=op.f('uq_draw_log_entries_entry_sha256')),
    sa.UniqueConstraint('previous_sha256', name=op.f('uq_draw_log_entries_previous_sha256'))
    )
    with op.batch_alter_table('draw_log_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_draw_log_entries_panel_id'), ['panel_id'], unique=False)

    with op.batch_alter_table('seats', schema=None) as batch_op:
        batch_op.add_column(sa.Column('draw_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_seats_draw_id'), ['draw_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_seats_draw_id_panel_draws'), 'panel_draws', ['draw_id'], ['id'])

    _record_first_draws()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _canonical(value) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(',', ':'), ensure_ascii=False).encode()


def _record_first_draws():
    connection = op.get_bind()
    draws = sa.table(
        'panel_draws',
        sa.column('id', sa.Integer),
        sa.column('panel_id', sa.Integer),
        sa.column('number', sa.Integer),
        sa.column('kind', sa.String),
        sa.column('algorithm', sa.Integer),
        sa.column('snapshot', sa.JSON),
        sa.column('seed_sha256', sa.String),
        sa.column('snapshot_sha256', sa.String),
        sa.column('drawn_at', UTCDateTime),
    )
    for panel in connection.execute(sa.select(panels).order_by(panels.c.id)).all():
        snapshot = {'algorithm': LEGACY_ALGORITHM, 'seats': panel.seats, 'pool': panel.pool}
        draw_id = connection.execute(
            draws.insert()
            .values(
                panel_id=panel.id,
                number=0,
                kind='first',
                algorithm=LEGACY_ALGORITHM,
                snapshot=snapshot,
                seed_sha256=_sha256(bytes.fromhex(panel.seed)),
                snapshot_sha256=_sha256(_canonical(snapshot)),
                drawn_at=panel.drawn_at,
            )
            .returning(draws.c.id)
        ).scalar_one()
        first_seats = (
            sa.select(seats.c.id)
            .where(seats.c.panel_id == panel.id)
            .order_by(seats.c.id)
            .limit(panel.seats)
        )
        first_ids = [row.id for row in connection.execute(first_seats)]
        connection.execute(seats.update().where(seats.c.id.in_(first_ids)).values(draw_id=draw_id))


def downgrade():
    with op.batch_alter_table('seats', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_seats_draw_id_panel_draws'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_seats_draw_id'))
        batch_op.drop_column('draw_id')

    with op.batch_alter_table('draw_log_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_draw_log_entries_panel_id'))

    op.drop_table('draw_log_entries')
    with op.batch_alter_table('panel_draws', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_panel_draws_panel_id'))

    op.drop_table('panel_draws')
