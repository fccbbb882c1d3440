"""Alembic: one head, and upgrading an empty database gives exactly the models' schema."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from app.core.extensions import db
from tests.helpers.migrations import MIGRATIONS, migrated_databases


def test_migrations_have_a_single_head(app):
    script = ScriptDirectory(str(MIGRATIONS))
    assert len(script.get_heads()) == 1


# Indexes on expressions (the desk's queue orders) are compared by tests/test_queue_order.py:
# SQLite's reflection cannot read them, and Alembic compares their text, which PostgreSQL
# rewrites with casts of its own
EXPRESSION_INDEXES = {"ix_cases_queue_order", "ix_cases_intake_order"}


def _compared(differences: list) -> list:
    return [
        difference
        for difference in differences
        if not (
            difference[0] in ("add_index", "remove_index")
            and difference[1].name in EXPRESSION_INDEXES
        )
    ]


@pytest.mark.filterwarnings(
    "ignore:Skipped unsupported reflection of expression-based index:sqlalchemy.exc.SAWarning"
)
@pytest.mark.committing
def test_upgrade_from_empty_matches_the_models(tmp_path):
    for backend, _schema in migrated_databases(tmp_path):
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = _compared(compare_metadata(context, db.metadata))
        assert differences == [], f"{backend}: models and migrations differ: {differences}"
