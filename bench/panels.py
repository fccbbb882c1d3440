"""The panels in the generated data: a panel on a case with its seats and the votes cast,
and the counting sweep's work, panel cases whose votes are all in but not yet counted."""

from datetime import timedelta
from typing import TYPE_CHECKING

from bench.rows import BALLOT, PANEL_MAJORITY, PANEL_SEATS, STATEMENT

if TYPE_CHECKING:
    from bench.generate import Generator


class Panels:
    """Writes panels for ``generator``, with its row writer, its random draws and its people."""

    def __init__(self, generator: "Generator"):
        self.generator = generator

    def add(self, case: dict, reviewers: list[int], *, status: str, votes_for: list[int]) -> int:
        """A panel on ``case`` seating ``reviewers``; ``votes_for[i]`` is the ballot option
        the i-th reviewer voted for (the rest have not voted)."""
        out, now = self.generator.out, self.generator.now
        panel_id = out.new_id("panels")
        # an open panel was drawn hours ago, so its seats and deadline are still running
        drawn_at = now - timedelta(hours=3) if status == "open" else case["updated_at"]
        out.add(
            "panels",
            {
                "id": panel_id,
                "case_id": case["id"],
                "round": "first",
                "status": status,
                "seats": PANEL_SEATS,
                "majority": PANEL_MAJORITY,
                "options": BALLOT,
                "question": "Should the buyer get a full refund?",
                "summary": STATEMENT,
                "seed": "0" * 64,
                "pool": reviewers,
                "drawn_at": drawn_at,
                "deadline_at": drawn_at + timedelta(hours=72),
                "replacement_rounds": 0,
                "closed_at": drawn_at + timedelta(hours=30) if status != "open" else None,
                "return_reason": None,
            },
        )
        for index, reviewer in enumerate(reviewers):
            seat_id = out.new_id("seats")
            voted = index < len(votes_for)
            out.add(
                "seats",
                {
                    "id": seat_id,
                    "panel_id": panel_id,
                    "reviewer_id": reviewer,
                    "status": "voted" if voted else "open",
                    "seated_at": drawn_at,
                    "vote_due_at": drawn_at + timedelta(hours=24),
                },
            )
            if voted:
                out.add(
                    "votes",
                    {
                        "id": out.new_id("votes"),
                        "seat_id": seat_id,
                        "panel_id": panel_id,
                        "option": BALLOT[votes_for[index]],
                        "reason": "The photos show the damage the buyer describes.",
                        "cast_at": drawn_at + timedelta(hours=2),
                    },
                )
        return panel_id

    def seated(self) -> list[int]:
        """A panel's seats drawn from the reviewers' pool (the bench reviewers are not in it)."""
        return self.generator.rng.sample(self.generator.people.reviewers, PANEL_SEATS)

    def add_due(self, count: int) -> None:
        """``count`` panel cases whose nine votes for the claim are in, not yet counted."""
        for _ in range(count):
            case = self.generator.add_case("panel")
            self.add(case, self.seated(), status="open", votes_for=[0] * 9 + [1] * 2)
