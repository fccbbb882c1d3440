"""The only way Tribunal reads the time.

Everything is timezone-aware UTC. Tests move the clock with ``freeze`` and ``advance``;
``reset`` returns to the real time.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

_frozen_at: datetime | None = None


def now() -> datetime:
    """The current time, aware and in UTC."""
    return _frozen_at if _frozen_at is not None else datetime.now(UTC)


def freeze(at: datetime) -> datetime:
    """Stop the clock at ``at`` (which must be timezone-aware)."""
    global _frozen_at
    if at.tzinfo is None:
        raise ValueError("the clock only holds timezone-aware times")
    _frozen_at = at.astimezone(UTC)
    return _frozen_at


def advance(delta: timedelta) -> datetime:
    """Move the (frozen) clock forward by ``delta``; freezes it first if it runs."""
    return freeze(now() + delta)


def reset() -> None:
    global _frozen_at
    _frozen_at = None


@contextmanager
def frozen_at(at: datetime) -> Iterator[None]:
    """Run a block as if it were ``at`` (demo data with a past), then restore the clock."""
    global _frozen_at
    previous = _frozen_at
    freeze(at)
    try:
        yield
    finally:
        _frozen_at = previous
