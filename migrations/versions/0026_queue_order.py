"""queue order: the mediator desk's working queue and its intake list are read in their
order from indexes of their own, a page at a time, instead of sorting every open case

Both lead with the severity's rank (an expression) after what selects the list: the working
queue's index holds the cases not yet finished (a partial index), the intake's is by state.
Both are written as the models write them, with the values inline.

Revision ID: 0026_queue_order
Revises: 0025_gold_bank
Create Date: 2026-11-30 22:30:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0026_queue_order"
down_revision = "0025_gold_bank"
branch_labels = None
depends_on = None

SEVERITY_ORDER = (
    "(CASE severity WHEN 'urgent' THEN 0 WHEN 'important' THEN 1 WHEN 'general' THEN 2 ELSE 3"
    " END)"
)
IS_WORKING = "(state NOT IN ('decided', 'executing', 'closed'))"


def upgrade():
    op.create_index(
        "ix_cases_queue_order",
        "cases",
        [sa.text(SEVERITY_ORDER), sa.text("(deadline_at IS NULL)"), "deadline_at", "id"],
        sqlite_where=sa.text(IS_WORKING),
        postgresql_where=sa.text(IS_WORKING),
    )
    op.create_index(
        "ix_cases_intake_order", "cases", ["state", sa.text(SEVERITY_ORDER), "filed_at", "id"]
    )


def downgrade():
    op.drop_index("ix_cases_intake_order", table_name="cases")
    op.drop_index("ix_cases_queue_order", table_name="cases")
