"""Reminders of mediation's deadlines: a settlement proposal about to expire (to each party
yet to answer it) and a mediator's question falling due (to the party asked, unanswered)."""

from app.auth.models import User
from app.cases import notify
from app.cases.models import Case, Party
from app.core import clock
from app.core.reminders import send_due_reminders
from app.mediation.models import CaseQuestion
from app.mediation.services import open_proposal


def parties_yet_to_answer(case: Case) -> list[User]:
    """Who must still answer the open proposal (the scheduler's reminder table asks)."""
    proposal = open_proposal(case)
    if proposal is None:
        return []
    parties = ((Party.BUYER, case.buyer), (Party.SELLER, case.seller))
    return [user for party, user in parties if proposal.answer_of(party.value) is None]


def sweep_question_reminders() -> int:
    """Remind the party asked before an unanswered question falls due, once."""
    return send_due_reminders(
        CaseQuestion,
        _remind,
        CaseQuestion.answered_at.is_(None),
        CaseQuestion.due_at > clock.now(),
    )


def _remind(question: CaseQuestion) -> None:
    case = question.case
    party = case.buyer if question.party == Party.BUYER.value else case.seller
    if question.can_answer(party):  # a case that moved past evidence takes no answer
        notify.question_reminder(case, party, question.id, question.due_at)
