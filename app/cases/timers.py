"""What each of the case's own timers does when it runs out (design: Case lifecycle, "timer
→ on expiry"), and the reminder a day before. The scheduler's dispatch table
(``app.scheduler.deadlines``) calls them; each is a compare-and-set that a person's action
or another sweep may have beaten."""

from collections.abc import Callable, Mapping

from flask import current_app

from app.auth.models import User
from app.cases import notify
from app.cases.decisions import record_decision
from app.cases.models import Case
from app.cases.services import answer_counter_offer, open_evidence_window
from app.cases.states import (
    CaseState,
    ClosedReason,
    DecisionKind,
    Outcome,
    Remedy,
)
from app.cases.transitions import move, touch
from app.core import clock


def expire_returned(case: Case) -> None:
    """Returned and not resubmitted in time: withdrawn."""
    event = move(
        case,
        CaseState.CLOSED,
        None,
        "case.not_resubmitted",
        expect=CaseState.RETURNED,
        only_if=[Case.deadline_at <= clock.now()],
        closed_reason=ClosedReason.NOT_RESUBMITTED,
        closed_at=clock.now(),
        deadline_at=None,
    )
    notify.case_withdrawn(case, event)


def expire_seller_deadline(case: Case) -> None:
    """The seller stayed silent: default judgment for the buyer. A counter-offer the buyer
    left unanswered counts as refused: the evidence window opens."""
    offer = case.pending_counter_offer
    if offer is not None:
        event = open_evidence_window(case, None, "case.counter_offer_lapsed")
        answer_counter_offer(offer, accepted=False)
        notify.evidence_window_opened(case, event)
        return
    record_decision(
        case,
        None,
        "case.default_judgment",
        Outcome.FOR_BUYER,
        DecisionKind.DEFAULT_JUDGMENT,
        Remedy(case.remedy),
        case.claimed_amount_fen,
        expect=CaseState.AWAITING_SELLER,
        only_if=[Case.deadline_at <= clock.now()],
    )


def close_evidence_window(case: Case) -> None:
    now = clock.now()
    event = move(
        case,
        CaseState.MEDIATION,
        None,
        "case.evidence_closed",
        expect=CaseState.EVIDENCE,
        only_if=[Case.deadline_at <= now],
        evidence_closed_at=now,
        deadline_at=now + current_app.config["MEDIATION_SLA"],
    )
    notify.mediation_started(case, event)


def remind(case: Case, who_must_act: Mapping[CaseState, Callable[[Case], list[User]]]) -> None:
    """Send the reminder for the current deadline, once, to whoever ``who_must_act`` names
    for the case's state (nobody, when everyone has acted)."""
    deadline = case.deadline_at
    touch(
        case,
        None,
        "case.reminded",
        expect=case.current_state,
        only_if=[Case.deadline_at == deadline, _not_reminded_for(deadline)],
        reminded_deadline_at=deadline,
    )
    notify.deadline_reminder(case, who_must_act[case.current_state](case), deadline)


def _not_reminded_for(deadline):
    return (Case.reminded_deadline_at.is_(None)) | (Case.reminded_deadline_at != deadline)
