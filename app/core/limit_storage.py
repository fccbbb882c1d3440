"""Rate-limit counters in a database: the storage every web worker of a machine shares
without any server beside the database itself (``RATELIMIT_STORAGE_URI=db+…``).

Each hit is one atomic ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` on the counter's row:
a fresh window starts the count again, a running one adds to it, and the count returned is
the one this hit made, however many workers or threads hit at once. Expired rows are
deleted by the scheduler's sweep (``sweep_expired``).

The counters are written on a connection of their own, committed at once, never in the
request's transaction: a refused request that rolls back must still have counted. On
PostgreSQL they live in the site's database. A SQLite database lets one writer in at a time,
and a request that writes holds that lock from its first query on, perhaps before it
counts: so on SQLite they live in a file of their own beside the database.

Time is real time, as in every ``limits`` storage: the application's movable clock is not
the storage's.
"""

import time

from limits.storage import Storage
from sqlalchemy import String, Table, create_engine, delete, event, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base

SCHEME_PREFIX = "db+"
KEY_MAX_LENGTH = 512


class RateLimitCounter(Base):
    """One limit's count for one window (``limits`` names the key)."""

    __tablename__ = "rate_limit_counters"

    key: Mapped[str] = mapped_column(String(KEY_MAX_LENGTH), primary_key=True)
    count: Mapped[int]
    # seconds since the epoch (real time) when the window ends; swept after that
    expires_at: Mapped[float] = mapped_column(index=True)


COUNTERS: Table = RateLimitCounter.__table__
# One hit, the same SQL on SQLite and PostgreSQL, written out once rather than built and
# compiled per hit: a window that has ended starts again at this hit's amount.
HIT = text(
    "INSERT INTO rate_limit_counters (key, count, expires_at) "
    "VALUES (:key, :amount, :expires_at) "
    "ON CONFLICT (key) DO UPDATE SET "
    "count = CASE WHEN rate_limit_counters.expires_at <= :now THEN :amount "
    "ELSE rate_limit_counters.count + :amount END, "
    "expires_at = CASE WHEN rate_limit_counters.expires_at <= :now THEN :expires_at "
    "ELSE rate_limit_counters.expires_at END "
    "RETURNING count"
)


def storage_uri_for(database_uri: str) -> str:
    """The rate-limit storage that every worker using ``database_uri`` shares: the same
    PostgreSQL database, or a SQLite file beside the database's. An in-memory SQLite
    database is one process's anyway: its limits stay in that process's memory."""
    if database_uri.startswith("sqlite"):
        path = database_uri.split("///", 1)[1] if "///" in database_uri else ""
        if path in ("", ":memory:"):
            return "memory://"
        stem = path.removesuffix(".db")
        return f"{SCHEME_PREFIX}sqlite:///{stem}-rate-limits.db"
    return SCHEME_PREFIX + database_uri


def _commit_without_waiting_for_disk(dbapi_connection, _record) -> None:
    """A hit's commit is seen by every other connection at once, but does not wait for the
    disk (about ten times faster): a crash of the database server may forget the last
    fraction of a second of hits, as a Redis without persistence forgets them all."""
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    dbapi_connection.commit()


class DatabaseStorage(Storage):
    """A ``limits`` storage on SQLAlchemy: ``db+`` and then any database URL."""

    STORAGE_SCHEME = [
        SCHEME_PREFIX + "sqlite",
        SCHEME_PREFIX + "postgresql",
        SCHEME_PREFIX + "postgresql+psycopg",
    ]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.url = uri.removeprefix(SCHEME_PREFIX)
        self._engine = None

    @property
    def engine(self):
        """Made on first use, so each forked worker has its own connections."""
        if self._engine is None:
            engine = create_engine(self.url, pool_pre_ping=True)
            if engine.dialect.name == "sqlite":
                COUNTERS.create(engine, checkfirst=True)
            else:
                event.listen(engine, "connect", _commit_without_waiting_for_disk)
            self._engine = engine
        return self._engine

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        values = {"key": key, "amount": amount, "now": now, "expires_at": now + expiry}
        with self.engine.begin() as connection:
            return connection.execute(HIT, values).scalar_one()

    def get(self, key: str) -> int:
        with self.engine.connect() as connection:
            count = connection.scalar(
                select(COUNTERS.c.count).where(
                    COUNTERS.c.key == key, COUNTERS.c.expires_at > time.time()
                )
            )
        return count or 0

    def get_expiry(self, key: str) -> float:
        with self.engine.connect() as connection:
            expires_at = connection.scalar(
                select(COUNTERS.c.expires_at).where(COUNTERS.c.key == key)
            )
        now = time.time()
        return expires_at if expires_at is not None and expires_at > now else now

    def check(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int:
        with self.engine.begin() as connection:
            return connection.execute(delete(COUNTERS)).rowcount

    def clear(self, key: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(delete(COUNTERS).where(COUNTERS.c.key == key))

    def sweep_expired(self) -> int:
        """Delete the counters whose window has ended; how many."""
        with self.engine.begin() as connection:
            return connection.execute(
                delete(COUNTERS).where(COUNTERS.c.expires_at <= time.time())
            ).rowcount
