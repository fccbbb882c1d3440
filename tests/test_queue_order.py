"""The mediator desk reads its lists in order from indexes, a page at a time, and counts on
indexes: no statement of the desk sorts or scans every open case (SQLite's plans, read with
EXPLAIN QUERY PLAN on a database without planner statistics, as a new one is)."""

import pytest
from sqlalchemy import text
from sqlalchemy.schema import CreateIndex

from app.cases.models import Case
from app.core import clock
from app.core.extensions import db
from app.mediation import queue
from app.mediation.queue import DeskFilter
from tests.helpers.migrations import migrated_databases
from tests.helpers.query_plans import plan

QUEUE_INDEXES = ("ix_cases_queue_order", "ix_cases_intake_order")


def test_the_working_queue_is_read_in_order_from_its_index(sqlite_only):
    page = queue.queue_statement(DeskFilter(), 1, clock.now()).limit(25)
    read = plan(page)
    assert "USING INDEX ix_cases_queue_order" in read, read
    assert "TEMP B-TREE" not in read, read


def test_the_intake_list_is_read_in_order_from_its_index(sqlite_only):
    read = plan(queue.WAITING_FOR_INTAKE.limit(25))
    assert "USING INDEX ix_cases_intake_order (state=?)" in read, read
    assert "TEMP B-TREE" not in read, read


@pytest.mark.parametrize(
    "statement",
    [queue.STATE_COUNTS, queue.MY_WORK_COUNTS],
    ids=["by state", "mine, unassigned, overdue, waiting"],
)
def test_the_desk_counts_on_indexes(sqlite_only, statement):
    read = plan(statement.params(viewer_id=1, now=clock.now()))
    counts = [line for line in read.splitlines() if " cases " in f" {line} "]
    assert counts, read
    for line in counts:
        assert line.startswith("SEARCH cases USING COVERING INDEX"), read


@pytest.mark.committing
def test_the_migrations_make_the_models_queue_indexes(tmp_path):
    """The migrated database's queue indexes are the models' (Alembic cannot compare them)."""
    for backend, schema in migrated_databases(tmp_path):
        migrated = _index_sql(db.engine, schema)
        assert set(migrated) == set(QUEUE_INDEXES), backend
        db.engine.dispose()
        assert migrated == _modelled(schema), backend


def _index_sql(engine, schema: str | None) -> dict[str, str]:
    """Each queue index as the database says it was made, its schema's name left out."""
    if schema is None:
        query = "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
    else:
        query = (
            "SELECT indexname, replace(indexdef, schemaname || '.', '') FROM pg_indexes"
            f" WHERE schemaname = '{schema}'"
        )
    with engine.connect() as connection:
        rows = connection.execute(text(query)).all()
    return {name: " ".join(sql.split()) for name, sql in rows if name in QUEUE_INDEXES}


def _modelled(schema: str | None) -> dict[str, str]:
    """The same, as the models make them: SQLite's DDL, or PostgreSQL's own account of the
    test database, which the models created."""
    if schema is None:
        return {
            index.name: " ".join(str(CreateIndex(index).compile(dialect=db.engine.dialect)).split())
            for index in Case.__table__.indexes
            if index.name in QUEUE_INDEXES
        }
    return _index_sql(db.engine, "public")
