"""Whose turn it is while a settlement proposal is open: each party yet to answer it, until
it expires (``app.cases.turns``)."""

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.cases.models import Case
from app.cases.states import Party
from app.cases.turns import Turn, Waiting, for_staff
from app.core.extensions import db
from app.mediation.models import ProposalStatus, SettlementProposal


def proposal_turns(cases: list[Case]) -> Mapping[int, Turn]:
    proposals = {
        proposal.case_id: proposal
        for proposal in db.session.scalars(
            select(SettlementProposal).where(
                SettlementProposal.case_id.in_([case.id for case in cases]),
                SettlementProposal.status == ProposalStatus.OPEN.value,
            )
        )
    }
    return {case.id: _proposal_turn(case, proposals.get(case.id)) for case in cases}


def _proposal_turn(case: Case, proposal: SettlementProposal | None) -> Turn:
    if proposal is None:  # a proposal answered in this very request
        return for_staff(case, _l("propose a settlement or decide"), Waiting.MEDIATOR)
    yet_to_answer = frozenset(p for p in Party if proposal.answer_of(p.value) is None)
    return Turn(_l("answer the proposal"), yet_to_answer, deadline_at=proposal.expires_at)
