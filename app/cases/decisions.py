"""Recording a decision, and the appeal window it opens (design: Case lifecycle, decided).

A decision both sides agreed to is carried out at once; an imposed one (default judgment, the
mediator's decision, a panel's verdict) waits for its appeal window, which is the decided
case's deadline — unless the case has had its one appeal, which makes the decision final.
Features above ``cases`` hear of it through ``case_decided``."""

from flask import current_app

from app.auth.models import User
from app.cases import notify, webhooks
from app.cases.models import Case
from app.cases.signals import case_decided
from app.cases.states import (
    APPEALABLE_DECISIONS,
    CaseState,
    DecisionKind,
    Outcome,
    Party,
    decision_is_final,
)
from app.cases.transitions import move
from app.core import clock


def grants_claim_as_filed(case: Case) -> bool:
    """Whether the decision gives the buyer everything the claim asked: its remedy, and at
    least its amount (a remedy without an amount, such as a replacement, records none)."""
    return (
        case.outcome == Outcome.FOR_BUYER.value
        and case.decision_remedy == case.remedy
        and (
            case.decision_amount_fen is None or case.decision_amount_fen >= case.claimed_amount_fen
        )
    )


def losing_sides(case: Case) -> frozenset[Party]:
    """Who lost the case's imposed decision, and so may appeal it.

    The claim rejected: the buyer. The claim granted as filed: the seller. The claim granted
    in part (another remedy, or a smaller amount): both sides lost part of what they asked,
    so either may appeal; the case still has one appeal, and it reopens the whole decision.
    A decision both sides agreed to has no losing side.
    """
    if case.decision_kind not in APPEALABLE_DECISIONS:
        return frozenset()
    if case.outcome == Outcome.FOR_SELLER.value:
        return frozenset({Party.BUYER})
    if grants_claim_as_filed(case):
        return frozenset({Party.SELLER})
    return frozenset({Party.BUYER, Party.SELLER})


def appeal_window_is_open(case: Case) -> bool:
    """Whether an imposed decision may still be appealed. The window is the decided case's
    deadline, set once by ``record_decision``; a decision both sides agreed to has none."""
    return case.deadline_at is not None and clock.now() < case.deadline_at


def appeal_window_still_open() -> list:
    """The same rule as a compare-and-set condition (``move(only_if=...)``)."""
    return [Case.deadline_at > clock.now()]


def record_decision(
    case: Case,
    actor: User | None,
    action: str,
    outcome: Outcome,
    kind: DecisionKind,
    remedy: str,
    amount: int | None,
    *,
    expect,
    only_if=(),
    reasons: str | None = None,
) -> None:
    """Decide the case. A decision both sides agreed to, or made after the case's appeal, is
    carried out at once; any other imposed one waits for its appeal window to close."""
    now = clock.now()
    final = decision_is_final(kind, case.appealed_at)
    event = move(
        case,
        CaseState.DECIDED,
        actor,
        action,
        expect=expect,
        only_if=only_if,
        outcome=outcome,
        decision_kind=kind,
        decision_remedy=remedy,
        decision_amount_fen=amount,
        decision_reasons=reasons,
        decided_at=now,
        deadline_at=now if final else now + current_app.config["APPEAL_WINDOW"],
    )
    notify.case_decided(case, event)
    webhooks.case_decided(case)
    case_decided.send(case, final=final)  # execution replaces earlier steps, starts if final
