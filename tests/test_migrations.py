"""Alembic: one head, and upgrading an empty database gives exactly the models' schema."""

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from app import create_app
from app.core.config import PROJECT_ROOT
from app.core.extensions import db

MIGRATIONS = PROJECT_ROOT / "migrations"


def test_migrations_have_a_single_head(app):
    script = ScriptDirectory(str(MIGRATIONS))
    assert len(script.get_heads()) == 1


def _fresh_databases(tmp_path):
    yield "sqlite", f"sqlite:///{tmp_path / 'migrated.db'}", None
    url = os.environ.get("TEST_DATABASE_URL")
    if url and url.startswith("postgresql"):
        schema = f"migration_check_{uuid.uuid4().hex[:8]}"
        yield (
            "postgresql",
            f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}",
            schema,
        )


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
    for backend, url, schema in _fresh_databases(tmp_path):
        admin_engine = create_engine(os.environ["TEST_DATABASE_URL"]) if schema else None
        if schema:
            with admin_engine.begin() as connection:
                connection.execute(text(f"CREATE SCHEMA {schema}"))
        try:
            migrated = create_app({"CONFIG_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url})
            with migrated.app_context():
                upgrade(directory=str(MIGRATIONS))
                with db.engine.connect() as connection:
                    context = MigrationContext.configure(connection, opts={"compare_type": True})
                    differences = _compared(compare_metadata(context, db.metadata))
                db.engine.dispose()
            assert differences == [], f"{backend}: models and migrations differ: {differences}"
        finally:
            if schema:
                with admin_engine.begin() as connection:
                    connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
                admin_engine.dispose()
