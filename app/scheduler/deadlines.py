"""What each case state does when its deadline passes: the scheduler's dispatch table.

The transitions belong to several features (cases, mediation, execution); ``cases`` sweeps
the due cases without knowing the features above it, and the scheduler, which knows them
all, says which transition each state calls (design: Case lifecycle, the timer column).
"""

from collections.abc import Callable

from app.cases import timers
from app.cases.models import Case, CaseState
from app.cases.sweeps import sweep_due_cases
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
