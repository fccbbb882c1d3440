"""The declarative base, column types shared by every model, and SQLite's connection rules."""

import sqlite3
import threading
from datetime import UTC, datetime

from flask import current_app, has_request_context, request
from sqlalchemy import DateTime, MetaData, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, registry
from sqlalchemy.pool import Pool
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def sql_in(column: str, values) -> str:
    """``column IN ('a', 'b')`` for a CheckConstraint that keeps an enum column honest."""
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every backend.

    SQLite keeps no zone, so values are stored as naive UTC and made aware again on load.
    Naive values are refused: they are always a bug.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use app.core.clock.now()")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


BUSY_TIMEOUT_SECONDS = 5
SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}",
    "PRAGMA foreign_keys=ON",
)
WRITE_LOCK = "tribunal_write_lock"
_WRITE_LOCKS: dict[str, threading.Lock] = {}
_WRITE_LOCKS_GUARD = threading.Lock()


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, _record) -> None:
    """WAL and friends on every SQLite connection; transactions begin explicitly.

    pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINT, so it is turned
    off and ``_begin`` issues the BEGIN instead.
    """
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in SQLITE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def serialised(session, name: str) -> None:
    """Hold a lock named ``name`` until ``session``'s transaction ends, so writers that read
    then append (a hash chain's last link) take turns. PostgreSQL: an advisory transaction
    lock. SQLite needs none: every writing transaction already holds the database's one
    write lock from its start (``BEGIN IMMEDIATE``)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": name})


def writes_on_get(view):
    """Mark a view that writes although it answers GET (a link followed from an e-mail, a
    download that is audited): on SQLite its transaction takes the write lock at BEGIN."""
    view.writes_on_get = True
    return view


def _reads_only() -> bool:
    """A request that only reads: GET, HEAD or OPTIONS to a view not marked
    ``writes_on_get``. Forms, the API, sweeps and commands are never read-only."""
    if not has_request_context() or request.method not in READING_METHODS:
        return False
    view = current_app.view_functions.get(request.endpoint)
    return not getattr(view, "writes_on_get", False)


@event.listens_for(Engine, "begin")
def _begin(conn) -> None:
    """On SQLite, every transaction that may write begins ``IMMEDIATE``: it takes the write
    lock first, so a read-then-write never fails on a lock upgrade. A request that only
    reads begins deferred: under WAL it reads a snapshot and never waits for a writer.

    Writers of one process queue on a lock of their own before asking SQLite, so they wait
    their turn instead of sleeping in SQLite's busy handler (which backs off up to 100 ms)
    while the GIL hands the CPU around; writers of other processes still meet at SQLite's
    lock, with its busy timeout.
    """
    if conn.dialect.name != "sqlite":
        return
    if _reads_only():
        conn.exec_driver_sql("BEGIN")
        return
    lock = _process_write_lock(conn.engine.url.database)
    if not lock.acquire(timeout=BUSY_TIMEOUT_SECONDS):
        raise sqlite3.OperationalError("database is locked (by a writer of this process)")
    conn.info[WRITE_LOCK] = lock
    try:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        _release_write_lock(conn.info)
        raise


@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
def _end(conn) -> None:
    _release_write_lock(conn.info)


@event.listens_for(Pool, "reset")
def _reset(_dbapi_connection, record, _reset_state) -> None:
    """A connection handed back without commit or rollback still lets the next writer in."""
    _release_write_lock(record.info)


def _release_write_lock(info: dict) -> None:
    lock = info.pop(WRITE_LOCK, None)
    if lock is not None:
        lock.release()


def _process_write_lock(database: str | None) -> threading.Lock:
    with _WRITE_LOCKS_GUARD:
        return _WRITE_LOCKS.setdefault(database or ":memory:", threading.Lock())
