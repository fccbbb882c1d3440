"""Counting requests against limits in Flask-Limiter's storage (``RATELIMIT_STORAGE_URI``).

One atomic increment per limit, made before any work, so the count is exact however many
workers share the storage: the database by default (every worker of one machine, see
``app.core.limit_storage``), Redis for several machines. Features name what
they count (``app.auth.limits``: attempts per address and per account; ``app.api.auth``:
requests per token) and call ``hit``; a success that should not count is given back.
"""

import math
import time
from dataclasses import dataclass

from flask import current_app
from limits import RateLimitItem, parse_many
from limits.strategies import FixedWindowRateLimiter

from app.core.extensions import limiter
from app.core.limit_storage import DatabaseStorage


@dataclass(frozen=True)
class Counted:
    """One limit's counter that a hit went into."""

    item: RateLimitItem
    identifiers: tuple[str, ...]


def hit(limits: str, *identifiers: str) -> tuple[list[Counted], int | None]:
    """Count one hit against each of ``limits`` ("10 per minute;50 per hour") for
    ``identifiers``. Returns the counters hit, and the seconds until every limit allows
    again if any is now over (hits over a limit count too), else None."""
    if not current_app.config["RATELIMIT_ENABLED"]:
        return [], None
    strategy = FixedWindowRateLimiter(limiter.storage)
    counted, waits = [], []
    for item in parse_many(limits):
        counted.append(Counted(item, identifiers))
        if not strategy.hit(item, *identifiers):
            # the storage keeps real time, not the application's movable clock
            reset_at = strategy.get_window_stats(item, *identifiers).reset_time
            waits.append(max(1, math.ceil(reset_at - time.time())))
    return counted, (max(waits) if waits else None)


def give_back(counted: list[Counted]) -> None:
    """Undo the hits of ``counted``: what they counted turned out not to count."""
    for counter in counted:
        key = counter.item.key_for(*counter.identifiers)
        limiter.storage.incr(key, counter.item.get_expiry(), amount=-1)


def sweep_expired_counters() -> int:
    """Delete the counters of ended windows when the database keeps them (Redis and memory
    expire their own); how many were deleted."""
    if not isinstance(limiter.storage, DatabaseStorage):
        return 0
    return limiter.storage.sweep_expired()
