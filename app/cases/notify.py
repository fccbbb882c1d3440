"""Who hears about each case transition, in their own language, through the outbox.

Every message links to the case page. Keys combine the case, the audit event of the
transition and the recipient, so a transition never notifies anyone twice.
"""

from collections.abc import Callable, Iterable
from datetime import datetime

from flask_babel import gettext as _

from app.auth.models import User
from app.cases.models import Case
from app.cases.states import (
    CaseState,
    Outcome,
)
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.core.zones import format_zoned
from app.notifications.models import MailKind
from app.notifications.outbox import queue_for_each

Text = Callable[[], str]


def case_link(case_id: int) -> str:
    """The case page's path, as every message about a case links to it (a sweep has no
    request to build a URL from; the mail adds the site's address)."""
    return f"/cases/{case_id}"


def _send(
    case: Case,
    key: str,
    recipients: Iterable[User | None],
    subject: Text,
    body: Text,
    kind: MailKind = MailKind.CASE_UPDATES,
):
    queue_for_each(recipients, key, subject, body, link=case_link(case.id), kind=kind)


def _on(case: Case, event: AuditEvent) -> str:
    db.session.flush()  # the event's id makes the key
    return f"case-{case.id}:event-{event.id}"


def case_opened(case: Case, event: AuditEvent) -> None:
    _send(
        case,
        _on(case, event),
        [case.buyer],
        lambda: _("Case #%(id)d is open", id=case.id),
        lambda: _(
            "We received your case about order %(order)s. A mediator will review it; you can "
            "add evidence to your timeline meanwhile.",
            order=case.order.marketplace_order_id,
        ),
    )


def case_returned(case: Case, event: AuditEvent) -> None:
    _send(
        case,
        _on(case, event),
        [case.buyer],
        lambda: _("Case #%(id)d needs more from you", id=case.id),
        lambda: _(
            "The mediator returned your case: %(reason)s Resubmit it by %(deadline)s, or it "
            "will be withdrawn.",
            reason=case.return_reason,
            deadline=format_zoned(case.deadline_at),
        ),
    )


def case_resubmitted(case: Case, event: AuditEvent) -> None:
    _send(
        case,
        _on(case, event),
        [case.buyer, case.mediator],
        lambda: _("Case #%(id)d was resubmitted", id=case.id),
        lambda: _("The case is back with the mediators for review."),
    )


def seller_must_answer(case: Case, event: AuditEvent) -> None:
    key = _on(case, event)
    _send(
        case,
        key,
        [case.seller],
        lambda: _("A buyer opened case #%(id)d about your order", id=case.id),
        lambda: _(
            "Answer by %(deadline)s: accept the claim, make a counter-offer, or contest it "
            "with your evidence. If you do not answer, the case is decided for the buyer.",
            deadline=format_zoned(case.deadline_at),
        ),
    )
    _send(
        case,
        key,
        [case.buyer],
        lambda: _("Case #%(id)d was accepted", id=case.id),
        lambda: _(
            "The seller has until %(deadline)s to answer your claim.",
            deadline=format_zoned(case.deadline_at),
        ),
    )


def counter_offer_made(case: Case, event: AuditEvent) -> None:
    _send(
        case,
        _on(case, event),
        [case.buyer],
        lambda: _("The seller made an offer on case #%(id)d", id=case.id),
        lambda: _(
            "Accept or refuse it by %(deadline)s. If you do not answer, it counts as refused "
            "and both sides can add evidence.",
            deadline=format_zoned(case.deadline_at),
        ),
    )


def evidence_window_opened(case: Case, event: AuditEvent) -> None:
    _send(
        case,
        _on(case, event),
        [case.buyer, case.seller],
        lambda: _("Case #%(id)d is contested: add your evidence", id=case.id),
        lambda: _(
            "Both sides can add evidence until %(deadline)s. Then a mediator studies both "
            "timelines.",
            deadline=format_zoned(case.deadline_at),
        ),
    )


def mediation_started(case: Case, event: AuditEvent) -> None:
    _send(
        case,
        _on(case, event),
        [case.buyer, case.seller, case.mediator],
        lambda: _("Case #%(id)d is with the mediator", id=case.id),
        lambda: _("The evidence window has closed. Evidence added from now on is marked late."),
    )


def case_decided(case: Case, event: AuditEvent) -> None:
    messages = {
        Outcome.FOR_BUYER.value: lambda: _("Case #%(id)d was decided for the buyer", id=case.id),
        Outcome.FOR_SELLER.value: lambda: _("Case #%(id)d was decided for the seller", id=case.id),
        Outcome.SETTLED.value: lambda: _("Case #%(id)d is settled", id=case.id),
    }
    _send(
        case,
        _on(case, event),
        [case.buyer, case.seller, case.mediator],
        messages[case.outcome],
        lambda: _("Open the case to see the decision and what happens next."),
    )


def case_withdrawn(case: Case, event: AuditEvent) -> None:
    _send(
        case,
        _on(case, event),
        [case.buyer, case.seller, case.mediator],
        lambda: _("Case #%(id)d was withdrawn", id=case.id),
        lambda: _("The case is closed; nothing more is needed from anyone."),
    )


def deadline_reminder(case: Case, recipients: list[User], deadline: datetime) -> None:
    bodies = {
        CaseState.PROPOSAL: lambda: _(
            "The mediator's proposal expires at %(deadline)s. Accept or reject it on the case "
            "page; if you do not answer, it counts as rejected.",
            deadline=format_zoned(deadline),
        ),
        CaseState.DECIDED: lambda: _(
            "You may appeal the decision until %(deadline)s. After that it is final and is "
            "carried out.",
            deadline=format_zoned(deadline),
        ),
    }
    _send(
        case,
        f"case-{case.id}:reminder-{deadline.isoformat()}",
        recipients,
        lambda: _("Case #%(id)d: a deadline is near", id=case.id),
        bodies.get(
            case.current_state,
            lambda: _(
                "Your next step on this case is due by %(deadline)s.",
                deadline=format_zoned(deadline),
            ),
        ),
        MailKind.REMINDERS,
    )


def obligation_reminder(case: Case, obligation) -> None:
    debtor = case.buyer if obligation.debtor == "buyer" else case.seller
    _send(
        case,
        f"case-{case.id}:obligation-{obligation.id}:reminder",
        [debtor],
        lambda: _("Case #%(id)d: your step is due soon", id=case.id),
        lambda: _(
            "Complete it by %(deadline)s and mark it done on the case page; a step not done "
            "in time is enforced.",
            deadline=format_zoned(obligation.due_at),
        ),
        MailKind.REMINDERS,
    )


def question_reminder(case: Case, recipient: User, question_id: int, due_at: datetime) -> None:
    _send(
        case,
        f"case-{case.id}:question-{question_id}:reminder",
        [recipient],
        lambda: _("Case #%(id)d: the mediator's question is due soon", id=case.id),
        lambda: _("Answer it on the case page by %(deadline)s.", deadline=format_zoned(due_at)),
        MailKind.REMINDERS,
    )


def mediator_assigned(case: Case, event: AuditEvent) -> None:
    """To the mediator a case was given, when it was filed or reassigned."""
    _send(
        case,
        f"{_on(case, event)}:assigned",
        [case.mediator],
        lambda: _("Case #%(id)d is assigned to you", id=case.id),
        lambda: _(
            "You handle this case now. Its claim, both timelines and every deadline are on the "
            "case page."
        ),
        MailKind.STAFF_WORK,
    )


def execution_started(case: Case, event: AuditEvent) -> None:
    _send(
        case,
        _on(case, event),
        [case.buyer, case.seller],
        lambda: _("Case #%(id)d: what happens now", id=case.id),
        lambda: _(
            "The decision is being carried out. Open the case to see each step, who owes it "
            "and by when; mark your steps done there."
        ),
    )


def obligation_opened(case: Case, obligation) -> None:
    debtor = case.buyer if obligation.debtor == "buyer" else case.seller
    _send(
        case,
        f"case-{case.id}:obligation-{obligation.id}:opened",
        [debtor],
        lambda: _("Case #%(id)d: your next step is due", id=case.id),
        lambda: _(
            "Complete it by %(deadline)s and mark it done on the case page.",
            deadline=format_zoned(obligation.due_at),
        ),
    )


def obligation_done(case: Case, obligation) -> None:
    creditor = case.seller if obligation.debtor == "buyer" else case.buyer
    _send(
        case,
        f"case-{case.id}:obligation-{obligation.id}:done",
        [creditor],
        lambda: _("Case #%(id)d: the other side marked a step done", id=case.id),
        lambda: _(
            "Check it. If it was not done, dispute it on the case page by %(deadline)s.",
            deadline=format_zoned(obligation.dispute_until),
        ),
    )


def case_closed(case: Case, event: AuditEvent) -> None:
    _send(
        case,
        _on(case, event),
        [case.buyer, case.seller],
        lambda: _("Case #%(id)d is closed", id=case.id),
        lambda: _("Please rate how the case was handled: it takes a minute and helps us."),
    )


def proposal_made(case: Case, event: AuditEvent, expires_at: datetime) -> None:
    _send(
        case,
        _on(case, event),
        [case.buyer, case.seller],
        lambda: _("Case #%(id)d: the mediator proposes a settlement", id=case.id),
        lambda: _(
            "Accept or reject it by %(deadline)s. If either side rejects it or does not "
            "answer, the case goes back to the mediator.",
            deadline=format_zoned(expires_at),
        ),
    )


def proposal_failed(case: Case, event: AuditEvent) -> None:
    _send(
        case,
        _on(case, event),
        [case.buyer, case.seller, case.mediator],
        lambda: _("Case #%(id)d: the settlement was not accepted", id=case.id),
        lambda: _("The case is back with the mediator, who will decide how to go on."),
    )


def question_asked(case: Case, recipient: User, question_id: int, due_at: datetime) -> None:
    _send(
        case,
        f"case-{case.id}:question-{question_id}",
        [recipient],
        lambda: _("Case #%(id)d: the mediator asks you a question", id=case.id),
        lambda: _("Answer it on the case page by %(deadline)s.", deadline=format_zoned(due_at)),
    )


def routed_to_panel(case: Case, event: AuditEvent) -> None:
    _send(
        case,
        _on(case, event),
        [case.buyer, case.seller],
        lambda: _("Case #%(id)d goes to a reviewer panel", id=case.id),
        lambda: _(
            "Volunteer reviewers from the marketplace will read both timelines, without your "
            "names or contact details, and vote on the question the mediator put to them."
        ),
    )
