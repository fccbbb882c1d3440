"""SQL that reads the same on SQLite and PostgreSQL: durations between two timestamps,
calendar keys (day, month) of a timestamp, and nearest-rank percentiles.

SQLite stores naive UTC text and has no interval type; PostgreSQL stores ``timestamptz``.
Each construct compiles to the form its backend understands, so the figures keep one
definition.
"""

from dataclasses import dataclass

from sqlalchemy import Float, Select, String, case, func, literal, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from app.core.extensions import db


class seconds_between(FunctionElement):  # noqa: N801  (reads as the SQL function it is)
    """``seconds_between(start, end)``: the seconds from ``start`` to ``end``."""

    type = Float()
    name = "seconds_between"
    inherit_cache = True


@compiles(seconds_between)
def _seconds_between(element, compiler, **kw) -> str:
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"EXTRACT(EPOCH FROM ({end} - {start}))"


@compiles(seconds_between, "sqlite")
def _seconds_between_sqlite(element, compiler, **kw) -> str:
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    # to the millisecond: julianday's floating point would put exactly 24 h a hair over
    return f"round((julianday({end}) - julianday({start})) * 86400.0, 3)"


class _calendar_key(FunctionElement):  # noqa: N801
    type = String()
    inherit_cache = True
    pattern: tuple[str, str] = ("", "")  # (PostgreSQL's to_char, SQLite's strftime)


class month_of(_calendar_key):  # noqa: N801
    """``'2026-11'``: the UTC month of a timestamp."""

    name = "month_of"
    inherit_cache = True
    pattern = ("YYYY-MM", "%Y-%m")


class day_of(_calendar_key):  # noqa: N801
    """``'2026-11-30'``: the UTC day of a timestamp."""

    name = "day_of"
    inherit_cache = True
    pattern = ("YYYY-MM-DD", "%Y-%m-%d")


@compiles(_calendar_key)
def _calendar(element, compiler, **kw) -> str:
    [moment] = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"to_char({moment} AT TIME ZONE 'UTC', '{element.pattern[0]}')"


@compiles(_calendar_key, "sqlite")
def _calendar_sqlite(element, compiler, **kw) -> str:
    [moment] = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"strftime('{element.pattern[1]}', {moment})"


@dataclass(frozen=True)
class Spread:
    """How long something took over ``count`` cases: the median and the 90th percentile
    (nearest rank: the value at rank ceil(p·n) in ascending order), in seconds, and how
    many were within the service level, when there is one."""

    count: int
    median: float | None
    p90: float | None
    within: int | None = None

    @property
    def within_share(self) -> float | None:
        return None if not self.count or self.within is None else self.within / self.count


def spreads(durations: Select, sla_seconds: float | None = None) -> dict:
    """Per group, the ``Spread`` of ``durations``: a select of two columns, ``key`` (the
    group) and ``seconds``. One pass with window functions ranks the durations in each
    group, counts those within ``sla_seconds``, and keeps the two rows whose ranks are the
    median and the 90th percentile."""
    source = durations.subquery()
    within = (
        literal(0) if sla_seconds is None else case((source.c.seconds <= sla_seconds, 1), else_=0)
    )
    group = {"partition_by": source.c.key}
    ranked = select(
        source.c.key,
        source.c.seconds,
        func.row_number().over(**group, order_by=source.c.seconds).label("position"),
        func.count().over(**group).label("size"),
        func.sum(within).over(**group).label("within"),
    ).subquery()
    median_rank = (50 * ranked.c.size + 99) // 100
    p90_rank = (90 * ranked.c.size + 99) // 100
    rows = db.session.execute(
        select(
            ranked.c.key,
            ranked.c.size,
            ranked.c.within,
            ranked.c.position == median_rank,
            ranked.c.position == p90_rank,
            ranked.c.seconds,
        ).where(or_(ranked.c.position == median_rank, ranked.c.position == p90_rank))
    )
    found: dict = {}
    for key, size, within_count, at_median, at_p90, exact in rows:
        seconds = float(exact)  # PostgreSQL's EXTRACT gives a Decimal
        median, p90 = found.get(key, (None, None, None, None))[1:3]
        found[key] = (
            size,
            seconds if at_median else median,
            seconds if at_p90 else p90,
            int(within_count) if sla_seconds is not None else None,
        )
    return {key: Spread(*values) for key, values in found.items()}
