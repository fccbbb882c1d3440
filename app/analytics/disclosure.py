"""The public page's one rule: no figure computed from a group smaller than
``MIN_GROUP`` is shown. A count under 10, or a rate, median or average over fewer than 10
cases (or ratings, or appeals), and every figure of a month with fewer than 10 cases, is
published as "fewer than 10", never as its value."""

from dataclasses import dataclass

MIN_GROUP = 10


@dataclass(frozen=True)
class Published:
    value: float | int | None
    hidden: bool  # computed from a group under MIN_GROUP: the page says "fewer than 10"


def publish(value, *group_sizes: int) -> Published:
    """``value``, unless one of the groups it was computed from is under ``MIN_GROUP``."""
    if any(size < MIN_GROUP for size in group_sizes):
        return Published(None, True)
    return Published(value, False)
