"""Execution's listeners to what happens to cases (``app.cases.signals``)."""

from app.cases.models import Case
from app.cases.signals import case_decided
from app.execution.services import cancel_outstanding, start_execution


def carry_out_decision(case: Case, *, final: bool) -> None:
    """A new decision replaces an earlier one's steps not yet done (a decision after a
    disputed execution); a final one is carried out at once."""
    cancel_outstanding(case)
    if final:
        start_execution(case)


def connect_signals() -> None:
    case_decided.connect(carry_out_decision)
