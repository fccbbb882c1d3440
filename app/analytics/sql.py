"""SQL that reads the same on SQLite and PostgreSQL: durations between two timestamps and
calendar keys (day, month) of a timestamp; and nearest-rank percentiles of durations.

SQLite stores naive UTC text and has no interval type; PostgreSQL stores ``timestamptz``.
Each construct compiles to the form its backend understands, so the figures keep one
definition.
"""

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from itertools import accumulate

from sqlalchemy import Float, Select, String, func, select
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
    median: float
    p90: float
    within: int | None = None


def spreads(durations: Select, sla_seconds: float | None = None) -> dict:
    """Per group, the ``Spread`` of ``durations``: a select of two columns, ``key`` (the
    group) and ``seconds``. The database counts each distinct duration of a group, in
    order; the ranks are found here by walking those counts, so equal durations (whole
    hours, days) cost one row, not one each."""
    source = durations.subquery()
    counted = (
        select(source.c.key, source.c.seconds, func.count())
        .group_by(source.c.key, source.c.seconds)
        .order_by(source.c.key, source.c.seconds)
    )
    per_group: dict = defaultdict(list)
    for key, seconds, count in db.session.execute(counted):
        per_group[key].append((float(seconds), count))  # PostgreSQL's EXTRACT: a Decimal
    return {key: _spread(counts, sla_seconds) for key, counts in per_group.items()}


def _spread(counts: list[tuple[float, int]], sla_seconds: float | None) -> Spread:
    """The spread of durations given as (duration, how many) in ascending order."""
    total = sum(count for _seconds, count in counts)
    reached = list(accumulate(count for _seconds, count in counts))

    def nearest_rank(percent: int) -> float:
        rank = (percent * total + 99) // 100
        return counts[bisect_left(reached, rank)][0]

    within = None
    if sla_seconds is not None:
        within = sum(count for seconds, count in counts if seconds <= sla_seconds)
    return Spread(total, nearest_rank(50), nearest_rank(90), within)
