"""The reminder of a mediator's question falling due (to the party asked, unanswered). A
proposal about to expire is reminded with the case's deadline, to the parties whose turn it
is (``app.cases.turns``)."""

from app.cases import notify
from app.cases.states import Party
from app.core import clock
from app.core.reminders import send_due_reminders
from app.mediation.models import CaseQuestion


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
