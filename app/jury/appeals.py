"""The appeal of a first-round panel verdict (design: Crowd review, Appeal).

The losing side may appeal once (one appeal row per case), within ``APPEAL_WINDOW`` of the
verdict, with a reason. A fresh, larger panel is drawn (``drawing.open_panel`` for the
appeal round excludes the first panel's reviewers); its verdict is final, because a case
has at most one appeal and only a first-round verdict can be appealed.
"""

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.auth.models import User
from app.cases.decisions import appeal_window_is_open, appeal_window_still_open
from app.cases.models import Case, CaseState, DecisionKind, Outcome, Party
from app.cases.notify import case_link
from app.cases.transitions import move
from app.core import clock
from app.core.extensions import db
from app.jury.drawing import PoolTooSmall, open_panel
from app.jury.models import Appeal, Panel, PanelRound, PanelStatus
from app.jury.voting import JuryRefused, checked_reason
from app.notifications.outbox import queue_for_each

LOSER = {Party.BUYER: Outcome.FOR_SELLER.value, Party.SELLER: Outcome.FOR_BUYER.value}


def first_panel(case: Case) -> Panel | None:
    """The first-round panel whose verdict stands (a case may have had a returned one)."""
    return db.session.scalar(
        select(Panel)
        .where(Panel.case_id == case.id, Panel.round == PanelRound.FIRST.value)
        .order_by(Panel.id.desc())
        .limit(1)
    )


def appeal_refusal(case: Case, user: User):
    """Why ``user`` may not appeal ``case`` now, or None if they may."""
    party = case.party_of(user)
    if (
        party is None
        or case.state != CaseState.DECIDED.value
        or case.decision_kind != DecisionKind.PANEL.value
        or case.outcome != LOSER[party]
    ):
        return _l("Only the side that lost a panel's verdict can appeal it.")
    panel = first_panel(case)
    already = db.session.scalar(select(Appeal.id).where(Appeal.case_id == case.id))
    if already is not None or panel is None or panel.status != PanelStatus.DECIDED.value:
        return _l("This case has had its appeal; the verdict is final.")
    if not appeal_window_is_open(case):
        return _l("The time to appeal has passed.")
    return None


def can_appeal(case: Case, user: User) -> bool:
    return appeal_refusal(case, user) is None


def who_may_appeal(case: Case) -> list[User]:
    """The parties who may still appeal (reminded before the appeal window closes)."""
    return [party for party in (case.buyer, case.seller) if can_appeal(case, party)]


def appeal(case: Case, user: User, reason: str) -> Panel:
    """Appeal the first panel's verdict: the case goes back to a fresh appeal panel."""
    refusal = appeal_refusal(case, user)
    if refusal is not None:
        raise JuryRefused(refusal)
    reason = checked_reason(reason)
    first = first_panel(case)
    party = case.party_of(user)
    now = clock.now()
    try:
        with db.session.begin_nested():  # a pool too small undoes all of it
            db.session.add(Appeal(case_id=case.id, party=party.value, reason=reason))
            db.session.flush()
            move(
                case,
                CaseState.PANEL,
                user,
                "case.appealed",
                expect=CaseState.DECIDED,
                only_if=[
                    Case.decision_kind == DecisionKind.PANEL.value,
                    *appeal_window_still_open(),
                ],
                outcome=None,
                decision_kind=None,
                decision_remedy=None,
                decision_amount_fen=None,
                decision_reasons=None,
                decided_at=None,
                deadline_at=now + current_app.config["PANEL_DEADLINE"],
            )
            panel = open_panel(
                case, PanelRound.APPEAL, first.summary, first.question, list(first.options)
            )
    except PoolTooSmall as error:
        db.session.expire(case)
        raise JuryRefused(error.message) from error
    except IntegrityError as error:  # the other side appealed at the same instant
        db.session.expire(case)
        raise JuryRefused(_l("This case has had its appeal; the verdict is final.")) from error
    _notify_appeal(case, panel)
    return panel


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
