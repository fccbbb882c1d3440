"""The mediator desk reads its lists in order from indexes, a page at a time, and counts on
indexes: no statement of the desk sorts or scans every open case (SQLite's plans, read with
EXPLAIN QUERY PLAN on a database without planner statistics, as a new one is)."""

from datetime import datetime

import pytest
from flask_migrate import upgrade
from sqlalchemy import Select, create_engine, text
from sqlalchemy.schema import CreateIndex

from app import create_app
from app.cases.models import Case
from app.core import clock
from app.core.extensions import db
from app.mediation import queue
from app.mediation.queue import DeskFilter
from tests.test_migrations import MIGRATIONS

QUEUE_INDEXES = ("ix_cases_queue_order", "ix_cases_intake_order")


def plan(statement: Select) -> str:
    compiled = statement.compile(
        dialect=db.engine.dialect, compile_kwargs={"render_postcompile": True}
    )
    values = [compiled.params[name] for name in compiled.positiontup]
    values = [str(value) if isinstance(value, datetime) else value for value in values]
    rows = db.session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", tuple(values))
    return "\n".join(row[3] for row in rows)


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
    """SQLite's reflection skips indexes on expressions; their SQL is compared here."""
    url = f"sqlite:///{tmp_path / 'migrated.db'}"
    with create_app({"CONFIG_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url}).app_context():
        upgrade(directory=str(MIGRATIONS))
        db.engine.dispose()
    engine = create_engine(url)
    with engine.connect() as connection:
        migrated = dict(
            connection.execute(
                text("SELECT name, sql FROM sqlite_master WHERE type = 'index'")
            ).all()
        )
    engine.dispose()
    modelled = [index for index in Case.__table__.indexes if index.name in QUEUE_INDEXES]
    assert len(modelled) == len(QUEUE_INDEXES)
    for index in modelled:
        created = str(CreateIndex(index).compile(dialect=engine.dialect))
        assert " ".join(migrated[index.name].split()) == " ".join(created.split())
