"""After a history case's decision: its appeal window, its obligations met or missed (and
enforced, then the restriction lifted once the shop paid its deposit back in), and the
parties' ratings."""

from flask import current_app
from sqlalchemy import select

from app.cases.states import (
    CaseState,
    ClosedReason,
    Outcome,
    Party,
)
from app.closing.services import rate_case
from app.core.extensions import db
from app.demo.history import words
from app.demo.history.story import Story
from app.demo.marketplace import tracking_number
from app.execution import services as execution
from app.execution.ledger import lift_restriction, pay_in
from app.execution.models import Obligation, ObligationKind, ObligationStatus, SellingRestriction

SELLER_MISSES = 0.07
BUYER_MISSES_RETURN = 0.25
SELLER_SILENT_ON_RECEIPT = 0.4


def carry_out(story: Story) -> None:
    """From the decision to the closed case."""
    case = story.case
    if case.current_state is CaseState.CLOSED:
        return  # withdrawn or never resubmitted
    if case.current_state is CaseState.DECIDED:  # an imposed decision, not yet final
        story.when_due(case.deadline_at, lambda: execution.finish_appeal_window(case))
    while case.current_state is CaseState.EXECUTING and (step := _open_step(story)):
        _meet_or_miss(story, step)
    if case.current_state is CaseState.EXECUTING:  # the last dispute window runs out
        story.when_due(_last_dispute_window(story), lambda: execution.close_if_complete(case))
    _rate(story)


def _last_dispute_window(story: Story):
    return max(
        step.dispute_until
        for step in execution.obligations_of(story.case)
        if step.status == ObligationStatus.DONE.value and step.confirmed_at is None
    )


def _open_step(story: Story) -> Obligation | None:
    return db.session.scalar(
        select(Obligation).where(
            Obligation.case_id == story.case.id,
            Obligation.status == ObligationStatus.OPEN.value,
        )
    )


def _meet_or_miss(story: Story, step: Obligation) -> None:
    debtor = story.buyer if step.debtor == Party.BUYER.value else story.seller
    other = story.seller if debtor is story.buyer else story.buyer
    if step.silence_confirms:
        silent = SELLER_SILENT_ON_RECEIPT
    else:
        silent = BUYER_MISSES_RETURN if debtor is story.buyer else SELLER_MISSES
    if story.chance(silent):  # the deadline passes: missed, or confirmed by silence
        story.when_due(step.due_at, lambda: execution.expire(step))
        if debtor is story.seller and not step.silence_confirms:
            _pay_back_and_lift(story, step)
        return
    window = step.due_at - story.moment
    done_after = story.hours(0.5, max(1.0, window.total_seconds() / 3600 * 0.8))
    proof, tracking = _proof(story, step)
    story.after(done_after, lambda: execution.mark_done(step, debtor, proof, tracking))
    if story.chance(0.6):  # the other side confirms at once; else the dispute window runs out
        story.after(story.hours(0.5, 30), lambda: execution.confirm(step, other))


def _proof(story: Story, step: Obligation) -> tuple[str, str | None]:
    if step.kind == ObligationKind.RETURN_SHIPMENT.value:
        proof, carrier = story.pick(words.RETURN_PROOFS)
        return proof, tracking_number(story.rng, carrier)
    if step.kind == ObligationKind.RECEIPT_CONFIRMATION.value:
        return story.pick(words.RECEIPT_PROOFS), None
    return story.pick(words.PROOFS), None


def _pay_back_and_lift(story: Story, step: Obligation) -> None:
    """The shop pays back what its deposit lost, and an admin lifts the restriction."""
    restriction = db.session.scalar(
        select(SellingRestriction).where(SellingRestriction.obligation_id == step.id)
    )
    amount = step.amount_fen or current_app.config["ENFORCEMENT_PENALTY_FEN"]
    story.after(
        story.hours(24, 120),
        lambda: pay_in(story.seller, amount, f"Deposit topped up after case #{story.case.id}"),
    )
    story.after(
        story.hours(1, 30),
        lambda: lift_restriction(restriction, story.staff.admin, "The deposit was topped up"),
    )


# Ratings

HAPPY = (1, 1, 4, 30, 40)  # weights of the scores 1 to 5
MIXED = (4, 8, 20, 25, 12)
UNHAPPY = (30, 20, 14, 6, 2)
RATED_CLOSINGS = (ClosedReason.COMPLETED.value, ClosedReason.CLAIM_LAPSED.value)


def _rate(story: Story) -> None:
    """Most parties rate a case closed after its decision was carried out, within the
    survey's week; the side that won rates it higher."""
    case = story.case
    if case.closed_reason not in RATED_CLOSINGS:
        return
    lapsed = case.closed_reason == ClosedReason.CLAIM_LAPSED.value
    if lapsed or case.outcome == Outcome.FOR_SELLER.value:
        buyer, seller = UNHAPPY, HAPPY
    elif case.outcome == Outcome.SETTLED.value:
        buyer, seller = HAPPY, MIXED
    else:
        buyer, seller = HAPPY, UNHAPPY
    for user, chance, weights, comments in (
        (story.buyer, 0.85, buyer, (words.BUYER_COMMENTS_UNHAPPY, words.BUYER_COMMENTS_HAPPY)),
        (story.seller, 0.6, seller, (words.SELLER_COMMENTS_UNHAPPY, words.SELLER_COMMENTS_HAPPY)),
    ):
        if not story.chance(chance):
            continue
        score = story.rng.choices(range(1, 6), weights)[0]
        comment = story.pick(comments[score >= 3]) if story.chance(0.55) else None
        story.at(
            case.closed_at + story.hours(1, 3 * 24),
            lambda user=user, score=score, comment=comment: rate_case(case, user, score, comment),
        )
