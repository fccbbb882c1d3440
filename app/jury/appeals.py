"""The appeal of an imposed decision (design: Crowd review, Appeal; Appeal of every decision).

A default judgment, a mediator's decision and a panel's verdict may each be appealed by the
side that lost it (``decisions.losing_sides``), once per case (one appeal row), within
``APPEAL_WINDOW`` of the decision, with a reason. ``appeal_refusal`` is the one rule for all
three.

``appeal_to_panel`` sends the case to a fresh appeal panel (``drawing.open_panel`` for the
appeal round excludes earlier reviewers). A panel's verdict always goes there, with the first
panel's question and ballot; a default judgment or a mediator's decision goes there unless
``DECISION_APPEAL_TO`` names a second mediator (``app.mediation.appeals``), with a brief the
panel is given here. Whatever decides after the appeal is final, as the case has had its one
appeal.
"""

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.auth.models import User
from app.cases.decisions import appeal_window_is_open, appeal_window_still_open, losing_sides
from app.cases.forms import REMEDY_LABELS, label
from app.cases.models import Case
from app.cases.notify import case_link
from app.cases.states import (
    CaseState,
    DecisionKind,
    Party,
)
from app.cases.transitions import move
from app.core import clock
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.core.money import format_amount
from app.jury.ballot import ballot_for_claim
from app.jury.drawing import PoolTooSmall, open_panel
from app.jury.models import CASE_PANEL, Appeal, AppealHearing, Panel, PanelRound, PanelStatus
from app.jury.voting import JuryRefused, checked_reason
from app.notifications.outbox import queue_for_each

ALREADY_APPEALED = _l("This case has had its appeal; its decision is final.")
# what an appeal clears from the case until the appeal is decided
NO_DECISION = {
    "outcome": None,
    "decision_kind": None,
    "decision_remedy": None,
    "decision_amount_fen": None,
    "decision_reasons": None,
    "decided_at": None,
}


def case_appeal(case: Case) -> Appeal | None:
    return db.session.scalar(select(Appeal).where(Appeal.case_id == case.id))


def decided_panel(case: Case) -> Panel | None:
    """The panel whose verdict decided the case (a case may have had a returned one)."""
    return db.session.scalar(
        select(Panel)
        .where(Panel.case_id == case.id, CASE_PANEL, Panel.status == PanelStatus.DECIDED.value)
        .order_by(Panel.id.desc())
        .limit(1)
    )


def appeal_refusal(case: Case, user: User):
    """Why ``user`` may not appeal ``case`` now, or None if they may."""
    party = case.party_of(user)
    return _refusal(case, party, party is not None and case_appeal(case) is not None)


def _refusal(case: Case, party: Party | None, appealed: bool):
    if party is not None and appealed:
        return ALREADY_APPEALED
    if party is None or case.state != CaseState.DECIDED.value or party not in losing_sides(case):
        return _l("Only the side that lost the decision can appeal it.")
    if not appeal_window_is_open(case):
        return _l("The time to appeal has passed.")
    return None


def can_appeal(case: Case, user: User) -> bool:
    # only a decided case may be appealed: any other is refused without reading its appeal
    return case.state == CaseState.DECIDED.value and appeal_refusal(case, user) is None


def sides_that_may_appeal(case: Case, appealed: bool) -> frozenset[Party]:
    """The parties who may still appeal ``case``, given whether it ``appealed`` already."""
    return frozenset(party for party in Party if _refusal(case, party, appealed) is None)


def check_appeal(case: Case, user: User, reason: str) -> str:
    """Refuse an appeal ``user`` may not make; the reason, checked as a vote's is."""
    refusal = appeal_refusal(case, user)
    if refusal is not None:
        raise JuryRefused(refusal)
    return checked_reason(reason)


def first_mediator(case: Case) -> int | None:
    """The mediator whose decision is appealed; for a default judgment, the one who had the
    case (a panel's verdict has none)."""
    if case.decision_kind == DecisionKind.MEDIATOR.value:
        return db.session.scalar(
            select(AuditEvent.actor_id)
            .where(
                AuditEvent.subject_type == Case.__tablename__,
                AuditEvent.subject_id == str(case.id),
                AuditEvent.action == "case.decided_by_mediator",
            )
            .order_by(AuditEvent.id.desc())
            .limit(1)
        )
    if case.decision_kind == DecisionKind.DEFAULT_JUDGMENT.value:
        return case.mediator_id
    return None


def stood_down_mediator(case: Case) -> int | None:
    """The mediator whose decision a second mediator hears on appeal: they no longer decide,
    propose, route or are given the case."""
    if case.id is None:
        return None
    return db.session.scalar(
        select(Appeal.first_mediator_id).where(
            Appeal.case_id == case.id, Appeal.heard_by == AppealHearing.MEDIATOR.value
        )
    )


def stood_down(case: Case, user: User) -> bool:
    return user.id == stood_down_mediator(case)


def record_appeal(case: Case, user: User, reason: str, heard_by: AppealHearing, **links) -> Appeal:
    """The case's one appeal row, keeping the decision appealed; a second appeal of the case
    fails on flush (``IntegrityError``)."""
    appeal_row = Appeal(
        case_id=case.id,
        party=case.party_of(user).value,
        reason=reason,
        decision_kind=case.decision_kind,
        decision_outcome=case.outcome,
        decision_remedy=case.decision_remedy,
        decision_amount_fen=case.decision_amount_fen,
        heard_by=heard_by.value,
        first_mediator_id=first_mediator(case),
        **links,
    )
    db.session.add(appeal_row)
    db.session.flush()
    return appeal_row


def still_appealable(case: Case) -> list:
    """The compare-and-set conditions of an appeal: the same decision, its window open."""
    return [Case.decision_kind == case.decision_kind, *appeal_window_still_open()]


def appeal_to_panel(case: Case, user: User, reason: str) -> Panel:
    """Appeal the case's decision to a fresh appeal panel, whose verdict is final."""
    reason = check_appeal(case, user, reason)
    appealed = decided_panel(case) if case.decision_kind == DecisionKind.PANEL.value else None
    if appealed is not None:
        brief = (appealed.summary, appealed.question, list(appealed.options))
    else:
        brief = rehearing_brief(case, case.party_of(user), reason)
    try:
        with db.session.begin_nested():  # a pool too small undoes all of it
            record_appeal(
                case,
                user,
                reason,
                AppealHearing.PANEL,
                panel_id=appealed.id if appealed is not None else None,
            )
            move(
                case,
                CaseState.PANEL,
                user,
                "case.appealed",
                expect=CaseState.DECIDED,
                only_if=still_appealable(case),
                appealed_at=clock.now(),
                deadline_at=clock.now() + current_app.config["PANEL_DEADLINE"],
                **NO_DECISION,
            )
            panel = open_panel(case, PanelRound.APPEAL, *brief)
    except PoolTooSmall as error:
        db.session.expire(case)
        raise JuryRefused(error.message) from error
    except IntegrityError as error:  # the other side appealed at the same instant
        db.session.expire(case)
        raise JuryRefused(ALREADY_APPEALED) from error
    _notify_appeal(case, panel)
    return panel


def rehearing_brief(case: Case, party: Party, reason: str) -> tuple[str, str, list[str]]:
    """The summary, question and ballot of an appeal panel that rehears a decision no panel
    made. Written in the site's default language, as a mediator's referral is written in
    one; the ballot is made from the claim, as a mediator's referral's is."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        decision = _decision_words(case.decision_remedy, case.decision_amount_fen, case)
        if case.decision_kind == DecisionKind.DEFAULT_JUDGMENT.value:
            decided = _(
                "The seller did not answer the claim in time, so it was decided for the "
                "buyer by default: %(decision)s.",
                decision=decision,
            )
        else:
            decided = _(
                "The mediator decided: %(decision)s. The mediator's reasons: %(reasons)s",
                decision=decision,
                reasons=case.decision_reasons or "",
            )
        if party is Party.BUYER:
            appeal_words = _("The buyer appeals this decision: %(reason)s", reason=reason)
        else:
            appeal_words = _("The seller appeals this decision: %(reason)s", reason=reason)
        claim = _decision_words(case.remedy, case.claimed_amount_fen, case)
        question = _(
            "The buyer's claim asks for %(claim)s. Should the claim be granted as filed?",
            claim=claim,
        )
    return f"{decided}\n\n{appeal_words}", question, ballot_for_claim(case)


def _decision_words(remedy: str, amount_fen: int | None, case: Case) -> str:
    words = str(label(REMEDY_LABELS, remedy)).lower()
    if amount_fen is None:
        return words
    return f"{words} ({format_amount(amount_fen, case.order.currency)})"


def _notify_appeal(case: Case, panel: Panel) -> None:
    queue_for_each(
        [case.buyer, case.seller, case.mediator],
        f"panel-{panel.id}:appeal-opened",
        lambda: _("Case #%(id)d was appealed", id=case.id),
        lambda: _(
            "A fresh panel of %(seats)d reviewers will decide the case again. Its "
            "verdict is final.",
            seats=panel.seats,
        ),
        link=case_link(case.id),
    )
