"""The data's shape and the row buffer under the generator.

``Shape`` says how many of each thing a generated database holds; ``RowWriter`` gives the
ids and inserts the rows, parents first, a chunk at a time; ``People`` holds the ids of the
bench's accounts and of the crowd around them. The constants are the data's fixed values:
the bench's logins, the panels' size and ballot, and how the open cases spread over the
states.
"""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, insert, select, text

from app.core.extensions import db

BENCH_PASSWORD = "tribunal-bench"  # noqa: S105  (the benchmark's own throwaway accounts)
BENCH_BUYER = "bench-buyer@example.com"
BENCH_SELLER = "bench-seller@example.com"
BENCH_MEDIATOR = "bench-mediator@example.com"
BENCH_REVIEWER = "bench-reviewer{:02d}@example.com"

PANEL_SEATS = 17
PANEL_MAJORITY = 9
BALLOT = ["grant:full_refund:19900", "reject"]
CLAIM_TYPES = ["not_as_described", "not_received", "damaged_in_transit", "counterfeit"]
SEVERITIES = ["general"] * 6 + ["important"] * 3 + ["urgent"]
# the working set: how the open cases spread over the states (the rest are in mediation)
OPEN_STATE_SHARES = {
    "filed": 0.05,
    "awaiting_seller": 0.15,
    "evidence": 0.20,
    "proposal": 0.10,
    "panel": 0.10,
    "decided": 0.05,
    "executing": 0.05,
}
STATEMENT = (
    "The parcel arrived on time but the kettle inside had a cracked base and leaked when it "
    "was first filled. Photos of the box and the base are attached; the courier's note says "
    "the box was handed over undamaged."
)


@dataclass(frozen=True)
class Shape:
    cases: int  # every case in the database
    open_cases: int = 10_000  # the working set (the mediator queue)
    read_cases: int = 50  # cases whose page is read
    entries_per_side: int = 20
    upload_cases: int = 100  # cases in evidence that the bench buyer uploads to
    vote_panels: int = 600  # open panels seating the bench reviewers: 10,200 seats to vote on
    bench_reviewers: int = 20
    reviewers: int = 1_000
    mediators: int = 20
    panel_share: float = 0.05  # history cases decided by a panel
    chunk: int = 5_000

    @property
    def history(self) -> int:
        return max(self.cases - self.open_cases, 0)

    @property
    def traders(self) -> int:
        return max(2_000, self.cases // 5)


class RowWriter:
    """Buffers rows per table and inserts them, parents first, a chunk at a time."""

    def __init__(self, chunk: int):
        self.chunk = chunk
        self.pending: dict[str, list[dict]] = defaultdict(list)
        self.written: dict[str, int] = defaultdict(int)
        self._next_ids: dict[str, int] = {}
        self._buffered = 0

    def new_id(self, table: str) -> int:
        if table not in self._next_ids:
            table_obj = db.metadata.tables[table]
            top = db.session.scalar(select(func.max(table_obj.c.id)))
            self._next_ids[table] = (top or 0) + 1
        self._next_ids[table] += 1
        return self._next_ids[table] - 1

    def add(self, table: str, row: dict) -> dict:
        self.pending[table].append(row)
        self._buffered += 1
        if self._buffered >= self.chunk:
            self.flush()
        return row

    def flush(self) -> None:
        for table in db.metadata.sorted_tables:
            rows = self.pending.pop(table.name, None)
            if rows:
                db.session.execute(insert(table), rows)
                self.written[table.name] += len(rows)
                self._advance_sequence(table.name)
        db.session.commit()
        self._buffered = 0

    def _advance_sequence(self, table: str) -> None:
        """On PostgreSQL the ids given here bypass the id sequences: move them past."""
        if table in self._next_ids and db.session.get_bind().dialect.name == "postgresql":
            db.session.execute(
                text("SELECT setval(pg_get_serial_sequence(:table, 'id'), :last)"),
                {"table": table, "last": self._next_ids[table] - 1},
            )


@dataclass
class People:
    buyer: int
    seller: int
    mediator: int
    mediators: list[int]
    bench_reviewers: list[int]
    reviewers: list[int]
    traders: list[int]
