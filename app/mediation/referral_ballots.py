"""The ballot a mediator refers a case with (design: Mediation, Beyond today's systems): the
claim's ballot (granted as filed, in part, or rejected), or the final offers — the buyer's
request, the seller's last counter-offer, the mediator's last proposal, and the claim
rejected. The options themselves are keys made by ``app.jury.ballot``; this module finds
the mediator's last proposal, which the jury cannot read, and refuses a ballot that cannot
be put to a panel."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.cases.models import Case
from app.cases.transitions import CaseRefused
from app.core.extensions import db
from app.jury.ballot import BallotKind, Terms, ballot_for_claim, final_offers, offers_enough
from app.mediation.models import SettlementProposal


def last_proposal_terms(case: Case) -> Terms | None:
    """What the mediator's latest settlement proposal on ``case`` would decide, whatever
    became of it (rejected, expired), or None if there was none."""
    proposal = db.session.scalar(
        select(SettlementProposal)
        .where(SettlementProposal.case_id == case.id)
        .order_by(SettlementProposal.id.desc())
        .limit(1)
    )
    return None if proposal is None else Terms.of(proposal.outcome, proposal.amount_fen)


def final_offer_ballot(case: Case) -> list[str]:
    return final_offers(case, last_proposal_terms(case))


def referral_ballot(case: Case, kind: BallotKind, partial_amount_fen: int | None) -> list[str]:
    """The options of the ballot of ``kind``; CaseRefused, beside the field at fault, for a
    partial amount that is not part of the claim or is given with the final offers, and for
    final offers with nothing to weigh against the buyer's request."""
    if kind is BallotKind.CLAIM:
        if partial_amount_fen is not None and not 0 < partial_amount_fen < case.claimed_amount_fen:
            raise CaseRefused(
                _l("Give an amount above zero and below what the buyer claims."), "partial_amount"
            )
        return ballot_for_claim(case, partial_amount_fen)
    if partial_amount_fen is not None:
        raise CaseRefused(
            _l("Only the claim's ballot takes a partial amount: clear it, or choose that ballot."),
            "partial_amount",
        )
    options = final_offer_ballot(case)
    if not offers_enough(options):
        raise CaseRefused(
            _l(
                "No counter-offer or proposal differs from the buyer's request, so final offers "
                "would only ask whether to grant the claim: choose the claim's ballot."
            ),
            "ballot",
        )
    return options
