"""Carrying out a decision: the obligations it creates, their steps, and how a case closes
(design: Execution and enforcement).

A decision's outcome maps to a plan of steps. The first step opens with its deadline; each
later step waits until the one before it is done. A done step may be disputed by the other
side for a while, which sends the case back to the mediator. The sweep deals with every
deadline: silence confirms a receipt, a seller's missed step is enforced, a buyer's missed
return loses the claim, and a case whose steps are all settled closes.
"""

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select, update

from app.auth.models import User
from app.cases import notify
from app.cases.decisions import appeal_window_is_open
from app.cases.models import Case
from app.cases.states import (
    CaseState,
    ClosedReason,
    Party,
    Remedy,
)
from app.cases.transitions import CaseRefused, move, write_fields
from app.core import clock
from app.core.audit import record_event
from app.core.extensions import db
from app.core.reminders import remind_at
from app.core.text import checked_text
from app.execution import webhooks
from app.execution.enforcement import enforce_missed_obligation
from app.execution.models import Obligation, ObligationKind, ObligationStatus


@dataclass(frozen=True)
class Step:
    kind: ObligationKind
    debtor: Party
    deadline_setting: str
    with_amount: bool = False
    silence_confirms: bool = False


REFUND = Step(ObligationKind.REFUND, Party.SELLER, "REFUND_DEADLINE", with_amount=True)
PLANS: dict[str, tuple[Step, ...]] = {
    Remedy.FULL_REFUND: (REFUND,),
    Remedy.PARTIAL_REFUND: (REFUND,),
    Remedy.COMPENSATION: (
        Step(ObligationKind.COMPENSATION, Party.SELLER, "REFUND_DEADLINE", with_amount=True),
    ),
    Remedy.RETURN_AND_REFUND: (
        Step(ObligationKind.RETURN_SHIPMENT, Party.BUYER, "RETURN_SHIPMENT_DEADLINE"),
        Step(
            ObligationKind.RECEIPT_CONFIRMATION,
            Party.SELLER,
            "RECEIPT_CONFIRMATION_DEADLINE",
            silence_confirms=True,
        ),
        REFUND,
    ),
    Remedy.REPLACEMENT: (
        Step(ObligationKind.REPLACEMENT_SHIPMENT, Party.SELLER, "REPLACEMENT_SHIPMENT_DEADLINE"),
    ),
    Remedy.CLAIM_REJECTED: (),
}


class ObligationRefused(CaseRefused):
    pass


def _deadline(setting: str) -> timedelta:
    return current_app.config[setting]


def obligations_of(case: Case) -> list[Obligation]:
    return db.session.scalars(
        select(Obligation).where(Obligation.case_id == case.id).order_by(Obligation.step)
    ).all()


# Starting


def start_execution(case: Case) -> None:
    """Create the decision's obligations and move the case to executing; a decision that
    asks nothing of anyone closes the case at once."""
    plan = PLANS[case.decision_remedy]
    if not plan:
        _close(case, "case.closed", ClosedReason.COMPLETED, expect=CaseState.DECIDED)
        return
    event = move(
        case, CaseState.EXECUTING, None, "case.execution_started", expect=CaseState.DECIDED
    )
    obligations = [
        Obligation(
            case_id=case.id,
            kind=step.kind.value,
            debtor=step.debtor.value,
            amount_fen=case.decision_amount_fen if step.with_amount else None,
            step=number,
            silence_confirms=step.silence_confirms,
            **(_opened(step) if number == 1 else {"status": ObligationStatus.WAITING.value}),
        )
        for number, step in enumerate(plan, start=1)
    ]
    db.session.add_all(obligations)
    db.session.flush()
    _sync_case_deadline(case)
    notify.execution_started(case, event)
    for obligation in obligations:
        webhooks.obligation_event("obligation.created", obligation)


def finish_appeal_window(case: Case) -> None:
    """The appeal window of an imposed decision has closed: carry it out."""
    if appeal_window_is_open(case):
        raise CaseRefused(_l("The appeal window is still open."))
    start_execution(case)


# A party's actions


def mark_done(obligation: Obligation, user: User, proof: str, tracking_number: str | None) -> None:
    case = obligation.case
    if case.party_of(user) != Party(obligation.debtor):
        raise ObligationRefused(_l("Only the side that owes this step can mark it done."))
    if not obligation.can_mark_done(user):
        raise _moved_on()
    if (
        obligation.kind == ObligationKind.RETURN_SHIPMENT.value
        and not (tracking_number or "").strip()
    ):
        raise ObligationRefused(
            _l("Give the tracking number of the return parcel."), "tracking_number"
        )
    proof = _limited(proof, "proof", _l("Say what you did, with a reference if you have one."))
    if len((tracking_number or "").strip()) > 80:
        raise ObligationRefused(
            _l("A tracking number has at most 80 characters."), "tracking_number"
        )
    now = clock.now()
    _cas(
        obligation,
        expect=ObligationStatus.OPEN,
        extra=[Obligation.due_at > now],
        status=ObligationStatus.DONE.value,
        done_at=now,
        proof=proof,
        tracking_number=(tracking_number or "").strip() or None,
        dispute_until=now + _deadline("OBLIGATION_DISPUTE_WINDOW"),
    )
    record_event(user, "obligation.done", case, after={"obligation": obligation.id})
    webhooks.obligation_event("obligation.met", obligation)
    _open_next_step(case)
    notify.obligation_done(case, obligation)


def confirm(obligation: Obligation, user: User) -> None:
    """The other side confirms a done step early, giving up the chance to dispute it."""
    case = obligation.case
    if case.party_of(user) in (None, Party(obligation.debtor)):
        raise ObligationRefused(_l("Only the other side can confirm this step."))
    if not obligation.can_check(user):
        raise _moved_on()
    _cas(
        obligation,
        expect=ObligationStatus.DONE,
        extra=[Obligation.confirmed_at.is_(None)],
        confirmed_at=clock.now(),
    )
    record_event(user, "obligation.confirmed", case, after={"obligation": obligation.id})
    _sync_case_deadline(case)
    close_if_complete(case)


def dispute(obligation: Obligation, user: User, reason: str) -> None:
    """The other side says a step marked done was not done: back to the mediator."""
    case = obligation.case
    if case.party_of(user) in (None, Party(obligation.debtor)):
        raise ObligationRefused(_l("Only the other side can dispute this step."))
    if not obligation.can_check(user):
        raise _moved_on()
    reason = _limited(reason, "reason", _l("Say what is wrong."))
    now = clock.now()
    _cas(
        obligation,
        expect=ObligationStatus.DONE,
        extra=[Obligation.confirmed_at.is_(None), Obligation.dispute_until > now],
        status=ObligationStatus.DISPUTED.value,
        disputed_at=now,
        dispute_reason=reason,
    )
    event = move(
        case,
        CaseState.MEDIATION,
        user,
        "case.obligation_disputed",
        expect=CaseState.EXECUTING,
        deadline_at=now + _deadline("MEDIATION_SLA"),
    )
    notify.mediation_started(case, event)


# built once, on the table: every decision runs it
OUTSTANDING = (
    ObligationStatus.OPEN.value,
    ObligationStatus.WAITING.value,
    ObligationStatus.DISPUTED.value,
)
CANCEL_OUTSTANDING = (
    update(Obligation.__table__)
    .where(
        Obligation.__table__.c.case_id == bindparam("case"),
        Obligation.__table__.c.status.in_(OUTSTANDING),
    )
    .values(status=ObligationStatus.CANCELLED.value)
)


def cancel_outstanding(case: Case) -> None:
    """A new decision replaces the old one's steps that are not done yet. The steps this
    session holds read their status afresh when next used (cheaper than the ORM fetching
    back every row the statement changed, which most decisions never look at)."""
    db.session.flush()
    db.session.execute(CANCEL_OUTSTANDING, {"case": case.id})
    for held in list(db.session.identity_map.values()):
        if isinstance(held, Obligation) and held.case_id == case.id:
            db.session.expire(held, ["status"])


# What the sweep does when a deadline passes


def expire(obligation: Obligation) -> None:
    """An open step's deadline has passed."""
    case = obligation.case
    now = clock.now()
    overdue = [Obligation.due_at <= now]
    if obligation.silence_confirms:
        _cas(
            obligation,
            expect=ObligationStatus.OPEN,
            extra=overdue,
            status=ObligationStatus.DONE.value,
            done_at=now,
            confirmed_at=now,
        )
        record_event(
            None, "obligation.confirmed_by_silence", case, after={"obligation": obligation.id}
        )
        webhooks.obligation_event("obligation.met", obligation)
        _open_next_step(case)
        close_if_complete(case)
        return
    _cas(
        obligation,
        expect=ObligationStatus.OPEN,
        extra=overdue,
        status=ObligationStatus.MISSED.value,
    )
    record_event(None, "obligation.missed", case, after={"obligation": obligation.id})
    webhooks.obligation_event("obligation.missed", obligation)
    if obligation.debtor == Party.SELLER.value:
        enforce_missed_obligation(obligation)  # the deposit pays what the seller did not
        _open_next_step(case)
        close_if_complete(case)
        return
    # a buyer who misses the return loses the claim
    cancel_outstanding(case)
    _close(case, "case.claim_lapsed", ClosedReason.CLAIM_LAPSED, expect=CaseState.EXECUTING)


def close_if_complete(case: Case) -> bool:
    """Close an executing case whose steps are all settled: done and past dispute (or
    confirmed), missed and enforced, or cancelled."""
    now = clock.now()
    db.session.flush()
    for obligation in obligations_of(case):
        status = ObligationStatus(obligation.status)
        if status in (ObligationStatus.MISSED, ObligationStatus.CANCELLED):
            continue
        if status is ObligationStatus.DONE and (
            obligation.confirmed_at is not None or obligation.dispute_until <= now
        ):
            continue
        return False
    _close(case, "case.closed", ClosedReason.COMPLETED, expect=CaseState.EXECUTING)
    return True


# Helpers


def _close(case: Case, action: str, reason: ClosedReason, *, expect: CaseState) -> None:
    event = move(
        case,
        CaseState.CLOSED,
        None,
        action,
        expect=expect,
        closed_reason=reason,
        closed_at=clock.now(),
        deadline_at=None,
    )
    notify.case_closed(case, event)


MAX_TEXT = 2000


def _limited(text: str, field: str, missing) -> str:
    return checked_text(text, field, maximum=MAX_TEXT, missing=missing, refusal=ObligationRefused)


def _moved_on() -> ObligationRefused:
    return ObligationRefused(_l("This step is no longer possible: it has moved on."))


def _cas(obligation: Obligation, *, expect: ObligationStatus, extra=(), **values) -> None:
    db.session.flush()
    result = db.session.execute(
        update(Obligation)
        .where(Obligation.id == obligation.id, Obligation.status == expect.value, *extra)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(obligation)
    if result.rowcount != 1:
        raise _moved_on()


def _open_next_step(case: Case) -> None:
    waiting = db.session.scalars(
        select(Obligation)
        .where(Obligation.case_id == case.id, Obligation.status == ObligationStatus.WAITING.value)
        .order_by(Obligation.step)
    ).first()
    if waiting is not None:
        step = next(s for s in PLANS[case.decision_remedy] if s.kind.value == waiting.kind)
        _cas(waiting, expect=ObligationStatus.WAITING, **_opened(step))
        notify.obligation_opened(case, waiting)
        webhooks.obligation_event("obligation.opened", waiting)
    _sync_case_deadline(case)


def _opened(step) -> dict:
    """An open step's status, its deadline, and when its debtor is reminded of it."""
    now = clock.now()
    due_at = now + _deadline(step.deadline_setting)
    return {
        "status": ObligationStatus.OPEN.value,
        "due_at": due_at,
        "remind_at": remind_at(now, due_at),
    }


def _sync_case_deadline(case: Case) -> None:
    """The case shows the nearest deadline of its steps (open steps, then dispute windows)."""
    db.session.flush()
    times = [o.due_at for o in obligations_of(case) if o.status == ObligationStatus.OPEN.value]
    times += [
        o.dispute_until
        for o in obligations_of(case)
        if o.status == ObligationStatus.DONE.value and o.confirmed_at is None
    ]
    write_fields(case, expect=CaseState.EXECUTING, deadline_at=min(times) if times else None)
