"""``INSERT … ON CONFLICT`` as the session's backend spells it: SQLite and PostgreSQL both
have it, each in its own dialect of SQLAlchemy."""

from sqlalchemy.dialects import postgresql, sqlite

from app.core.extensions import db

_INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


def upsert(target):
    """An ``INSERT`` into ``target`` (a model or a table) that can say what to do on a
    conflict (``on_conflict_do_nothing``, ``on_conflict_do_update``)."""
    return _INSERTS[db.session.get_bind().dialect.name](target)
