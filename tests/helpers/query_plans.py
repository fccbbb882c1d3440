"""SQLite's plan of a statement (EXPLAIN QUERY PLAN), one line per step, to assert that a
statement reads by an index instead of scanning a table."""

from datetime import datetime

from sqlalchemy import Select

from app.core.extensions import db


def plan(statement: Select) -> str:
    compiled = statement.compile(
        dialect=db.engine.dialect, compile_kwargs={"render_postcompile": True}
    )
    values = [compiled.params[name] for name in compiled.positiontup]
    values = [str(value) if isinstance(value, datetime) else value for value in values]
    rows = db.session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", tuple(values))
    return "\n".join(row[3] for row in rows)
