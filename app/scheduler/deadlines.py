"""What each case state does when its deadline passes, and who is reminded before it: the
scheduler's dispatch tables.

The transitions belong to several features (cases, mediation, execution, jury); ``cases``
sweeps the due cases without knowing the features above it, and the scheduler, which knows
them all, says which transition each state calls (design: Case lifecycle, the timer column)
and which states' deadlines are reminded to the parties whose turn it is
(``app.cases.turns``).
"""

from collections.abc import Callable

from app.cases import timers
from app.cases.models import Case
from app.cases.states import CaseState
from app.cases.sweeps import sweep_deadline_reminders, sweep_due_cases
from app.cases.turns import parties_whose_turn
from app.execution.services import finish_appeal_window
from app.mediation.services import expire_proposal

ON_DEADLINE: dict[CaseState, Callable[[Case], None]] = {
    CaseState.RETURNED: timers.expire_returned,
    CaseState.AWAITING_SELLER: timers.expire_seller_deadline,
    CaseState.EVIDENCE: timers.close_evidence_window,
    CaseState.PROPOSAL: expire_proposal,
    CaseState.DECIDED: finish_appeal_window,
}


def sweep_case_deadlines() -> int:
    """Carry out every transition whose timer has run out; returns how many were made."""
    return sweep_due_cases(ON_DEADLINE)


# the states whose deadline a party must act before: reminded, whoever's turn it is
REMINDED_STATES = (
    CaseState.RETURNED,
    CaseState.AWAITING_SELLER,
    CaseState.EVIDENCE,
    CaseState.PROPOSAL,
    CaseState.DECIDED,
)
WHO_MUST_ACT: dict[CaseState, Callable[[Case], list]] = dict.fromkeys(
    REMINDED_STATES, parties_whose_turn
)


def remind_case_deadlines() -> int:
    """Remind whoever must act before a case's deadline; returns how many cases were."""
    return sweep_deadline_reminders(WHO_MUST_ACT)
