"""Every way a case of the history ends, each a path through the real transitions."""

from enum import StrEnum

from app.cases import services, timers
from app.cases.evidence import NewEvidence, add_evidence
from app.cases.models import EvidenceKind
from app.cases.states import (
    REMEDIES_WITH_AMOUNT,
    ClaimType,
    Remedy,
    ResponsibleParty,
    Severity,
)
from app.demo.history import words
from app.demo.history.panels import through_panel
from app.demo.history.story import Story
from app.mediation import services as mediation
from app.mediation.services import Settlement, open_proposal


class Ending(StrEnum):
    WITHDRAWN = "withdrawn"
    NOT_RESUBMITTED = "not_resubmitted"
    SELLER_ACCEPTED = "seller_accepted"
    COUNTER_OFFER_ACCEPTED = "counter_offer_accepted"
    DEFAULT_JUDGMENT = "default_judgment"
    FIRST_PROPOSAL = "first_proposal"
    LATER_PROPOSAL = "later_proposal"
    MEDIATOR = "mediator"
    PANEL = "panel"


# how often each ending happens, roughly as a busy marketplace sees them
WEIGHTS = {
    Ending.WITHDRAWN: 7,
    Ending.NOT_RESUBMITTED: 3,
    Ending.SELLER_ACCEPTED: 24,
    Ending.COUNTER_OFFER_ACCEPTED: 10,
    Ending.DEFAULT_JUDGMENT: 8,
    Ending.FIRST_PROPOSAL: 14,
    Ending.LATER_PROPOSAL: 7,
    Ending.MEDIATOR: 12,
    Ending.PANEL: 12,
}


def tell(story: Story, ending: Ending) -> None:
    """Take the story's case from filed to its ending (a decision or a withdrawal)."""
    PATHS[ending](story)


# Intake and the seller's answer


def _intake(story: Story) -> None:
    """Accepted within the intake SLA, or (one case in six) past it; a few cases are
    returned first and resubmitted."""
    case = story.case
    if story.chance(0.06):
        _returned(story)
        claim = _claim_of(case)
        story.after(story.hours(4, 60), lambda: services.resubmit_case(case, story.buyer, claim))
    delay = story.hours(25, 60) if story.chance(0.16) else story.hours(0.3, 20)
    severity = services.suggested_severity(_claim_of(case))
    if severity is Severity.IMPORTANT and story.chance(0.2):
        severity = Severity.GENERAL
    story.after(delay, lambda: services.accept_intake(case, story.mediator, severity))


def _returned(story: Story) -> None:
    """The mediator the case was assigned to returns it: the one who later accepts it at
    intake takes it over from them, as the audit trail shows."""
    story.after(
        story.hours(1, 20),
        lambda: services.return_case(
            story.case,
            story.case.mediator or story.mediator,
            "请补充订单截图和商品照片。Please add a photo of the goods and of the order page.",
        ),
    )


def _claim_of(case) -> services.Claim:
    return services.Claim(
        ClaimType(case.claim_type),
        ResponsibleParty(case.responsible_party),
        case.description,
        Remedy(case.remedy),
        case.remedy_amount_fen,
        case.safety_or_fraud,
    )


def _seller_answers(story: Story):
    return story.hours(2, 60)


def _counter_offer(story: Story) -> None:
    amount = _share_of_order(story, 0.15, 0.5)
    story.after(
        _seller_answers(story),
        lambda: services.seller_counter_offers(
            story.case,
            story.seller,
            story.pick((Remedy.PARTIAL_REFUND, Remedy.COMPENSATION)),
            amount,
            story.pick(words.COUNTER_OFFERS),
        ),
    )


def _contested(story: Story) -> None:
    """The seller contests (or the buyer refuses a counter-offer), both sides make their
    case, and the evidence window closes: the case reaches mediation."""
    case = story.case
    if story.chance(0.25):
        _counter_offer(story)
        story.after(
            story.hours(2, 50), lambda: services.buyer_refuses_counter_offer(case, story.buyer)
        )
        _statement(story, story.seller, words.CONTESTS)
    else:
        contest = story.pick(words.CONTESTS)
        story.after(
            _seller_answers(story), lambda: services.seller_contests(case, story.seller, contest)
        )
    if story.chance(0.7):
        _statement(story, story.buyer, words.BUYER_REBUTTALS)
    story.when_due(case.deadline_at, lambda: timers.close_evidence_window(case))


def _statement(story: Story, author, texts) -> None:
    text = story.pick(texts)
    story.after(
        story.hours(1, 30),
        lambda: add_evidence(story.case, author, NewEvidence(EvidenceKind.STATEMENT, text=text)),
    )


def _first_action(story: Story):
    """The mediator's first action after the evidence window: within the SLA, or late."""
    return story.hours(25, 50) if story.chance(0.2) else story.hours(1, 22)


# The paths


def _withdrawn(story: Story) -> None:
    case = story.case
    if story.chance(0.5):
        _intake(story)
        if story.chance(0.5):
            _contested(story)
    story.after(story.hours(2, 40), lambda: services.withdraw_case(case, story.buyer))


def _not_resubmitted(story: Story) -> None:
    _returned(story)
    story.when_due(story.case.deadline_at, lambda: timers.expire_returned(story.case))


def _seller_accepted(story: Story) -> None:
    _intake(story)
    story.after(
        _seller_answers(story), lambda: services.seller_accepts_claim(story.case, story.seller)
    )


def _counter_offer_accepted(story: Story) -> None:
    _intake(story)
    _counter_offer(story)
    story.after(
        story.hours(1, 48), lambda: services.buyer_accepts_counter_offer(story.case, story.buyer)
    )


def _default_judgment(story: Story) -> None:
    _intake(story)
    story.when_due(story.case.deadline_at, lambda: timers.expire_seller_deadline(story.case))


def _first_proposal(story: Story) -> None:
    _intake(story)
    _contested(story)
    _propose(story, _first_action(story))
    _both_accept(story)


def _later_proposal(story: Story) -> None:
    """The first proposal is rejected, left to expire, or replaced by a better one before
    anyone answers; a later one is accepted."""
    case = story.case
    _intake(story)
    _contested(story)
    _propose(story, _first_action(story))
    fate = story.pick(("rejected", "expired", "superseded"))
    if fate == "rejected":
        refuser = story.pick((story.buyer, story.seller))
        story.after(story.hours(2, 40), lambda: mediation.answer_proposal(case, refuser, False))
    elif fate == "expired":
        expires_at = open_proposal(case).expires_at
        story.when_due(expires_at, lambda: mediation.expire_proposal(case))
    _propose(story, story.hours(2, 20))
    _both_accept(story)


def _mediator(story: Story) -> None:
    _intake(story)
    _contested(story)
    settlement = _settlement(story, rejected_share=0.3)
    story.after(
        _first_action(story), lambda: mediation.decide(story.case, story.mediator, settlement)
    )


def _panel(story: Story) -> None:
    _intake(story)
    _contested(story)
    if story.chance(0.5):  # a proposal was tried first and refused
        _propose(story, _first_action(story))
        refuser = story.pick((story.buyer, story.seller))
        story.after(
            story.hours(2, 40), lambda: mediation.answer_proposal(story.case, refuser, False)
        )
        delay = story.hours(2, 20)
    else:
        delay = _first_action(story)
    through_panel(story, delay)


PATHS = {
    Ending.WITHDRAWN: _withdrawn,
    Ending.NOT_RESUBMITTED: _not_resubmitted,
    Ending.SELLER_ACCEPTED: _seller_accepted,
    Ending.COUNTER_OFFER_ACCEPTED: _counter_offer_accepted,
    Ending.DEFAULT_JUDGMENT: _default_judgment,
    Ending.FIRST_PROPOSAL: _first_proposal,
    Ending.LATER_PROPOSAL: _later_proposal,
    Ending.MEDIATOR: _mediator,
    Ending.PANEL: _panel,
}


# Settlements


def _share_of_order(story: Story, low: float, high: float) -> int:
    """A round amount (whole yuan) between ``low`` and ``high`` of the order's total."""
    total = story.case.order.amount_fen
    return max(100, int(total * story.rng.uniform(low, high)) // 100 * 100)


def _settlement(story: Story, rejected_share: float = 0.1) -> Settlement:
    rationale = story.pick(words.RATIONALES)
    if story.chance(rejected_share):
        return Settlement(Remedy.CLAIM_REJECTED, None, rationale)
    outcome = story.pick(
        (
            Remedy(story.case.remedy),
            Remedy.PARTIAL_REFUND,
            Remedy.PARTIAL_REFUND,
            Remedy.FULL_REFUND,
            Remedy.RETURN_AND_REFUND,
            Remedy.REPLACEMENT,
            Remedy.COMPENSATION,
        )
    )
    amount = _share_of_order(story, 0.2, 0.7) if outcome in REMEDIES_WITH_AMOUNT else None
    return Settlement(outcome, amount, rationale)


def _propose(story: Story, delay) -> None:
    settlement = _settlement(story)
    story.after(delay, lambda: mediation.propose_settlement(story.case, story.mediator, settlement))


def _both_accept(story: Story) -> None:
    first, second = story.pick(((story.buyer, story.seller), (story.seller, story.buyer)))
    story.after(story.hours(1, 20), lambda: mediation.answer_proposal(story.case, first, True))
    story.after(story.hours(1, 20), lambda: mediation.answer_proposal(story.case, second, True))
