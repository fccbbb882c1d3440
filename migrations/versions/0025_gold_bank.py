"""gold bank: the practice cases move from the code into a gold bank, each reviewer's
practice set is drawn and stored, and panels may be gold (a closed case's known answer,
seated like any other)

The practice cases are loaded from ``app/jury/gold/practice.json`` as it stands (``flask
jury load-gold`` brings later edits in). Reviewers still practising keep the set every
applicant had before: the first five practice cases, in order, so their answers still
count. The one-open-panel-per-case index leaves gold panels out.

Revision ID: 0025_gold_bank
Revises: 0024_adaptive_panels
Create Date: 2026-11-30 20:00:00.000000

"""
import json
from datetime import UTC, datetime
from pathlib import Path

from alembic import op
import sqlalchemy as sa

from app.core.db import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0025_gold_bank'
down_revision = '0024_adaptive_panels'
branch_labels = None
depends_on = None

PRACTICE_FILE = Path(__file__).resolve().parents[2] / 'app' / 'jury' / 'gold' / 'practice.json'
# the practice set every applicant answered before sets were drawn
FORMER_SET = (
    'delivered-elsewhere',
    'counterfeit-report',
    'late-within-window',
    'damaged-on-arrival',
    'size-chart-mismatch',
)
SIDES = {'grant': 'buyer', 'reject': 'seller'}
OPEN_BEFORE = "status = 'open'"
OPEN_NOW = "status = 'open' AND round != 'gold'"


def upgrade():
    gold_cases = op.create_table('gold_cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('texts', sa.JSON(), nullable=True),
    sa.Column('answer', sa.String(length=200), nullable=False),
    sa.Column('truth_side', sa.String(length=6), nullable=False),
    sa.Column('category', sa.String(length=60), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('panel_id', sa.Integer(), nullable=True),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('added_at', UTCDateTime(), nullable=False),
    sa.Column('retired_at', UTCDateTime(), nullable=True),
    sa.CheckConstraint("(source = 'practice' AND texts IS NOT NULL AND case_id IS NULL) OR (source = 'case' AND case_id IS NOT NULL AND panel_id IS NOT NULL)", name=op.f('ck_gold_cases_source_fields')),
    sa.CheckConstraint("source IN ('practice', 'case')", name=op.f('ck_gold_cases_source_known')),
    sa.CheckConstraint("truth_side IN ('buyer', 'seller')", name=op.f('ck_gold_cases_truth_side_known')),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_gold_cases_added_by_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_gold_cases_case_id_cases')),
    sa.ForeignKeyConstraint(['panel_id'], ['panels.id'], name=op.f('fk_gold_cases_panel_id_panels')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gold_cases')),
    sa.UniqueConstraint('case_id', name=op.f('uq_gold_cases_case_id')),
    sa.UniqueConstraint('key', name=op.f('uq_gold_cases_key'))
    )
    assignments = op.create_table('practice_assignments',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('gold_key', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['gold_key'], ['gold_cases.key'], name=op.f('fk_practice_assignments_gold_key_gold_cases')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_practice_assignments_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', 'gold_key', name=op.f('pk_practice_assignments')),
    sa.UniqueConstraint('user_id', 'position', name=op.f('uq_practice_assignments_user_id_position'))
    )
    _load_practice_cases(gold_cases)
    _keep_former_sets(assignments)

    with op.batch_alter_table('panels', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_panels_round_known'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_panels_round_known'), "round IN ('first', 'appeal', 'gold')"
        )
        batch_op.drop_index('uq_panels_open_case', sqlite_where=sa.text(OPEN_BEFORE), postgresql_where=sa.text(OPEN_BEFORE))
        batch_op.create_index('uq_panels_open_case', ['case_id'], unique=True, sqlite_where=sa.text(OPEN_NOW), postgresql_where=sa.text(OPEN_NOW))


def _load_practice_cases(gold_cases):
    now = datetime.now(UTC)
    written = json.loads(PRACTICE_FILE.read_text('utf-8'))
    op.bulk_insert(gold_cases, [
        {
            'key': case['key'],
            'source': 'practice',
            'texts': {'en': case['en'], 'zh_Hans': case['zh_Hans']},
            'answer': case['answer'],
            'truth_side': SIDES[case['answer']],
            'category': case.get('category'),
            'added_at': now,
        }
        for case in written
    ])
    # the answers given so far gain the category of their case
    answers = sa.table('practice_answers', sa.column('practice_key', sa.String), sa.column('category', sa.String))
    for case in written:
        op.execute(
            answers.update()
            .where(answers.c.practice_key == case['key'], answers.c.category.is_(None))
            .values(category=case.get('category'))
        )


def _keep_former_sets(assignments):
    practising = op.get_bind().execute(
        sa.text("SELECT user_id FROM reviewers WHERE status = 'practising'")
    ).scalars().all()
    op.bulk_insert(assignments, [
        {'user_id': user_id, 'gold_key': key, 'position': position}
        for user_id in practising
        for position, key in enumerate(FORMER_SET)
    ])


def downgrade():
    for table in ('votes', 'tallies', 'seats'):
        op.execute(f"DELETE FROM {table} WHERE panel_id IN (SELECT id FROM panels WHERE round = 'gold')")
    op.execute("DELETE FROM panels WHERE round = 'gold'")
    with op.batch_alter_table('panels', schema=None) as batch_op:
        batch_op.drop_index('uq_panels_open_case', sqlite_where=sa.text(OPEN_NOW), postgresql_where=sa.text(OPEN_NOW))
        batch_op.create_index('uq_panels_open_case', ['case_id'], unique=True, sqlite_where=sa.text(OPEN_BEFORE), postgresql_where=sa.text(OPEN_BEFORE))
        batch_op.drop_constraint(op.f('ck_panels_round_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_panels_round_known'), "round IN ('first', 'appeal')")

    op.drop_table('practice_assignments')
    op.drop_table('gold_cases')
