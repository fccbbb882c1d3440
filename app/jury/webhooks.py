"""What the marketplace hears of panels: ``panel.verdict``, with the counts and the winning
option only — never who sat on the panel or how each of them voted."""

from app.cases.states import Outcome
from app.cases.webhooks import case_summary
from app.jury import ballot
from app.jury.models import Panel
from app.notifications.webhooks.events import queue_event, timestamp


def panel_verdict(panel: Panel, counts: dict[str, int], verdict: str, outcome: Outcome) -> None:
    queue_event(
        "panel.verdict",
        lambda: {
            "case": case_summary(panel.case),
            "panel": {
                "id": panel.id,
                "round": panel.round,
                "seats": panel.seats,
                "majority": panel.majority,
                "votes_cast": sum(counts.values()),
                "votes_for_verdict": counts[verdict],
                "verdict": ballot.published(verdict),
                "outcome": outcome.value,
                "decided_at": timestamp(panel.closed_at),
            },
        },
    )
