"""Mediation's listeners to what happens to cases (``app.cases.signals``)."""

from app.cases.models import Case
from app.cases.signals import case_filing
from app.mediation.assignment import choose_mediator


def assign_mediator(case: Case) -> None:
    """A new case goes to the on-duty mediator with the fewest open cases."""
    mediator = choose_mediator(case)
    case.mediator_id = mediator.id if mediator is not None else None


def connect_signals() -> None:
    case_filing.connect(assign_mediator)
