"""Counting rows as the database holds them, and the statements a block sends it."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event, text

from app.core.extensions import db


def table_count(model) -> int:
    return db.session.execute(text(f"SELECT COUNT(*) FROM {model.__tablename__}")).scalar_one()


@contextmanager
def statements_issued() -> Iterator[list[str]]:
    """Every SQL statement sent to the database inside the block, in order."""
    issued: list[str] = []

    def record(_connection, _cursor, statement, _parameters, _context, _executemany):
        issued.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield issued
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
