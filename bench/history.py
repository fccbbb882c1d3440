"""The history in the generated data: the closed cases beside the working set, each with
its order, a statement on each timeline, its audit events (opened, into mediation, the
mediator's first step, closed), its met obligation, the notices sent to both parties and the
buyer's rating; a share of them decided by a panel whose seats, votes and tally are all
there."""

from datetime import timedelta
from typing import TYPE_CHECKING

from bench.rows import BALLOT, RowWriter

RATING_COMMENT = "The mediator explained the decision clearly; the refund came in two days."

if TYPE_CHECKING:
    from bench.generate import Generator


class History:
    """Writes closed cases for ``generator``, with its row writer, random draws and people."""

    def __init__(self, generator: "Generator"):
        self.generator = generator

    def add_closed_case(self) -> None:
        """A case closed a week to two years ago: decided for the buyer (by a panel for
        ``Shape.panel_share`` of them), the refund made, both parties told."""
        generator = self.generator
        out, rng, now = generator.out, generator.rng, generator.now
        closed_at = now - timedelta(days=rng.randint(8, 700))
        filed_at = closed_at - timedelta(days=12)
        by_panel = rng.random() < generator.shape.panel_share
        case = generator.add_case(
            "closed",
            filed_at=filed_at,
            deadline_at=None,
            outcome="for_buyer",
            decision_kind="panel" if by_panel else "mediator",
            decision_remedy="full_refund",
            decided_at=closed_at - timedelta(days=5),
            decision_reasons="The seller did not show the kettle left the shop undamaged.",
            closed_reason="completed",
            closed_at=closed_at,
            updated_at=closed_at,
        )
        generator.add_entries(case, 1)
        self._mediated(case, by_panel)
        if by_panel:
            panel_id = generator.panels.add(
                case, generator.panels.seated(), status="decided", votes_for=[0] * 12 + [1] * 5
            )
            out.add(
                "tallies",
                {
                    "id": out.new_id("tallies"),
                    "panel_id": panel_id,
                    "counts": {BALLOT[0]: 12, BALLOT[1]: 5},
                    "verdict": BALLOT[0],
                    "votes_cast": 17,
                    "counted_at": case["updated_at"] + timedelta(hours=30),
                },
            )
        add_obligation(out, case, "done", done_at=closed_at - timedelta(days=3))
        generator.add_audit_event(case, "case.closed", None, {"state": "closed"}, closed_at)
        for party in ("buyer_id", "seller_id"):
            self._sent_message(case, case[party], closed_at)

    def _mediated(self, case: dict, by_panel: bool) -> None:
        """The audit trail's entry into mediation and the mediator's first step, and the
        buyer's rating (one in five with a comment): what the analytics read."""
        generator, rng = self.generator, self.generator.rng
        started = case["filed_at"] + timedelta(days=4)
        generator.add_audit_event(
            case, "case.evidence_closed", None, {"state": "mediation"}, started
        )
        generator.add_audit_event(
            case,
            "case.routed_to_panel" if by_panel else "case.decided_by_mediator",
            case["mediator_id"],
            {"state": "panel" if by_panel else "decided"},
            started + timedelta(hours=rng.randint(1, 40)),
        )
        generator.out.add(
            "ratings",
            {
                "id": generator.out.new_id("ratings"),
                "case_id": case["id"],
                "party": "buyer",
                "score": rng.randint(1, 5),
                "comment": RATING_COMMENT if rng.random() < 0.2 else None,
                "created_at": case["closed_at"] + timedelta(hours=6),
            },
        )

    def _sent_message(self, case: dict, recipient: int, at) -> None:
        out, addresses = self.generator.out, self.generator.addresses
        message_id = out.new_id("outbox_messages")
        out.add(
            "outbox_messages",
            {
                "id": message_id,
                "idempotency_key": f"bench-{message_id}:email",
                "channel": "email",
                "recipient_id": recipient,
                "recipient_address": addresses[recipient][0],
                "recipient_name": addresses[recipient][1],
                "subject": f"Case #{case['id']} is closed",
                "body": "Every step of the decision was carried out.",
                "link": f"/cases/{case['id']}",
                "created_at": at,
                "sent_at": at + timedelta(seconds=20),
                "attempts": 1,
                "available_at": at,
            },
        )


def add_obligation(out: RowWriter, case: dict, status: str, **fields) -> None:
    """The seller's refund on a decided case; ``fields`` override the defaults."""
    out.add(
        "obligations",
        {
            "id": out.new_id("obligations"),
            "case_id": case["id"],
            "kind": "refund",
            "debtor": "seller",
            "amount_fen": case["amount_fen"],
            "step": 1,
            "status": status,
            "due_at": fields.pop("due_at", case["updated_at"] + timedelta(hours=48)),
            "silence_confirms": False,
            "done_at": None,
            "created_at": case["updated_at"],
            **fields,
        },
    )
