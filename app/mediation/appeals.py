"""The appeal of a decision, as a party makes it (design: Appeal of every decision).

A panel's verdict always goes to an appeal panel (``app.jury.appeals``). A default judgment or
a mediator's decision goes where ``DECISION_APPEAL_TO`` says: an appeal panel, or a second
mediator — chosen by the assignment rule among the mediators who have not had the case. The
case goes back to mediation with them; the mediator whose decision was appealed stands down
from it, and what the second mediator decides is final (the case has had its one appeal).
Who may appeal, and until when, is ``app.jury.appeals.appeal_refusal`` for every kind.
"""

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from app.auth.models import User
from app.cases.models import Case
from app.cases.notify import case_link
from app.cases.states import (
    CaseState,
    DecisionKind,
)
from app.cases.transitions import move
from app.core import clock
from app.core.extensions import db
from app.jury.appeals import (
    ALREADY_APPEALED,
    NO_DECISION,
    appeal_to_panel,
    check_appeal,
    first_mediator,
    record_appeal,
    still_appealable,
    stood_down,
)
from app.jury.models import AppealHearing, Panel
from app.jury.voting import JuryRefused
from app.mediation.assignment import choose_mediator
from app.notifications.outbox import queue_for_each


def may_decide(case: Case, mediator: User) -> bool:
    """Decide, or route to a panel: ``case.can_decide``, unless ``mediator`` made the decision
    a second mediator now hears on appeal."""
    return case.can_decide(mediator) and not stood_down(case, mediator)


def may_propose(case: Case, mediator: User) -> bool:
    return case.can_propose(mediator) and not stood_down(case, mediator)


def heard_by(case: Case) -> AppealHearing:
    """Who would hear an appeal of the case's decision."""
    if case.decision_kind == DecisionKind.PANEL.value:
        return AppealHearing.PANEL
    return AppealHearing(current_app.config["DECISION_APPEAL_TO"])


def appeal(case: Case, user: User, reason: str) -> Panel | User:
    """``user`` appeals the case's decision, to whoever hears it: returns the appeal panel,
    or the second mediator."""
    if heard_by(case) is AppealHearing.MEDIATOR:
        return appeal_to_mediator(case, user, reason)
    return appeal_to_panel(case, user, reason)


def appeal_to_mediator(case: Case, user: User, reason: str) -> User:
    """Appeal a default judgment or a mediator's decision to a second mediator; returns them."""
    reason = check_appeal(case, user, reason)
    first_id = first_mediator(case)
    first = db.session.get(User, first_id) if first_id is not None else None
    hearing = choose_mediator(case, excluding={case.mediator_id, first_id})
    if hearing is None:
        raise JuryRefused(
            _l("No other mediator is on duty to hear the appeal. Please try again later.")
        )
    try:
        with db.session.begin_nested():
            record_appeal(
                case, user, reason, AppealHearing.MEDIATOR, hearing_mediator_id=hearing.id
            )
            move(
                case,
                CaseState.MEDIATION,
                user,
                "case.appealed",
                expect=CaseState.DECIDED,
                only_if=still_appealable(case),
                appealed_at=clock.now(),
                mediator_id=hearing.id,
                deadline_at=clock.now() + current_app.config["MEDIATION_SLA"],
                **NO_DECISION,
            )
    except IntegrityError as error:  # the other side appealed at the same instant
        db.session.expire(case)
        raise JuryRefused(ALREADY_APPEALED) from error
    queue_for_each(
        [case.buyer, case.seller, first, hearing],
        f"case-{case.id}:appeal-to-mediator",
        lambda: _("Case #%(id)d was appealed", id=case.id),
        lambda: _(
            "A second mediator, who has not handled the case before, will decide it again. "
            "Their decision is final."
        ),
        link=case_link(case.id),
    )
    return hearing
