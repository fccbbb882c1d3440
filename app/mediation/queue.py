"""What the mediator desk lists, finds and counts (design: Mediation).

The working queue is every case still being worked on: finished work (decided, being carried
out, closed or withdrawn) leaves it, so a decided urgent case no longer sits on top; a state
filter still shows it. Each definition — overdue, waiting for me, the search — is written once
here, as an SQL condition, and both the lists and the counts use it.
"""

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, and_, bindparam, exists, false, func, or_, select
from sqlalchemy.orm import aliased

from app.auth.models import User
from app.cases.models import (
    INTAKE_ORDER,
    IS_WORKING,
    QUEUE_ORDER,
    WORKING_STATES,
    Case,
    CounterOffer,
)
from app.cases.states import CaseState
from app.core.extensions import db
from app.core.pages import rows_page
from app.mediation.models import CaseNote, CaseQuestion, SettlementProposal
from app.mediation.sla import CASE_DEADLINE_PHASES, missed_case_deadline
from app.orders.models import Order

# every state but closed is counted: closed cases are the whole history, and counting them
# would make the desk slower as the years pass
COUNTED_STATES = tuple(state for state in CaseState if state is not CaseState.CLOSED)
# the mediator's own move: intake to review, or a proposal, decision or referral to make
MEDIATOR_MOVE_STATES = (CaseState.FILED, CaseState.MEDIATION)
# larger than any case number a database holds: a longer run of digits is not one
MAX_CASE_NUMBER = 2**31 - 1

ALL_STATES = "all"
MINE, UNASSIGNED, WAITING = "mine", "unassigned", "waiting"


@dataclass(frozen=True)
class DeskFilter:
    """The desk's filters as plain values. ``state``: "" for the working queue, "all", or one
    state; ``assigned``: "", "mine", "unassigned" or "waiting" (waiting for me)."""

    search: str = ""
    state: str = ""
    assigned: str = ""
    claim_type: str = ""
    overdue: bool = False


@dataclass(frozen=True)
class DeskCounts:
    by_state: dict[str, int]
    mine: int
    unassigned: int
    overdue: int
    waiting: int


def normalised_search(text: str | None) -> str:
    """What was typed, as it is compared: NFKC folds full-width letters, digits and signs
    (``＃１２`` is ``#12``) and the ideographic space; runs of space become one; trimmed."""
    return " ".join(unicodedata.normalize("NFKC", text or "").split())


def overdue_condition(now: datetime):
    """Overdue: a mediator's SLA (intake, first action) whose deadline has passed, as
    ``app.mediation.sla`` defines them."""
    return or_(*(missed_case_deadline(phase, now) for phase in CASE_DEADLINE_PHASES))


def waiting_condition(mediator_id: int):
    """Waiting for me: a working case assigned to me whose next move is mine — intake to
    review, a case in mediation (a closed evidence window, a proposal rejected or expired, a
    panel without a verdict all bring it there), or an answer to a question that arrived
    after the case's last note, question and proposal."""
    return and_(
        Case.mediator_id == mediator_id,
        Case.state.in_(WORKING_STATES),
        or_(Case.state.in_(MEDIATOR_MOVE_STATES), _unattended_answer()),
    )


def _unattended_answer():
    answered = aliased(CaseQuestion)
    later_question = aliased(CaseQuestion)
    since = answered.answered_at
    followed_up = or_(
        exists().where(later_question.case_id == answered.case_id, later_question.asked_at > since),
        exists().where(CaseNote.case_id == answered.case_id, CaseNote.created_at > since),
        exists().where(
            SettlementProposal.case_id == answered.case_id, SettlementProposal.created_at > since
        ),
    )
    return exists().where(
        answered.case_id == Case.id, answered.answered_at.is_not(None), ~followed_up
    )


def case_number(text: str) -> int | None:
    """The case number ``text`` is, if it is one: digits, perhaps after ``#``."""
    digits = text.removeprefix("#").strip()
    if digits.isascii() and digits.isdigit() and int(digits) <= MAX_CASE_NUMBER:
        return int(digits)
    return None


def search_condition(text: str):
    """``#12``: case 12 only. Otherwise the case numbered so (``12``), or any case whose
    marketplace order number, or a party's name or e-mail address, holds the text, in any
    letter case. ``text`` is already normalised."""
    number = case_number(text)
    if text.startswith("#"):
        return Case.id == number if number is not None else false()
    matches_party = or_(
        User.display_name.icontains(text, autoescape=True),
        User.email.icontains(text, autoescape=True),
    )
    conditions = [
        Case.order.has(Order.marketplace_order_id.icontains(text, autoescape=True)),
        Case.buyer.has(matches_party),
        Case.seller.has(matches_party),
    ]
    if number is not None:
        conditions.append(Case.id == number)
    return or_(*conditions)


# a row of the queue: only the columns its table shows, read as plain rows (building case
# objects, with their orders and people, cost a third of the page)
_order, _buyer, _seller, _mediator = (aliased(Order), aliased(User), aliased(User), aliased(User))
QUEUE_ROWS = (
    select(
        Case.id,
        Case.severity,
        Case.claim_type,
        Case.state,
        Case.deadline_at,
        Case.mediator_id,
        _order.marketplace_order_id,
        _buyer.display_name.label("buyer_name"),
        _seller.display_name.label("seller_name"),
        _mediator.display_name.label("mediator_name"),
        # the deadline's label: a counter-offer waiting for the buyer's answer
        exists()
        .where(CounterOffer.case_id == Case.id, CounterOffer.answered_at.is_(None))
        .label("counter_offer_pending"),
    )
    .join(_order, Case.order)
    .join(_buyer, Case.buyer)
    .join(_seller, Case.seller)
    .outerjoin(_mediator, Case.mediator)
)
# filed cases, most urgent and oldest first; the desk shows the top of the list, read in
# order from ``ix_cases_intake_order``
IS_FILED = Case.state == CaseState.FILED.value
WAITING_FOR_INTAKE = (
    select(
        Case.id,
        Case.severity,
        Case.claim_type,
        Case.filed_at,
        Case.deadline_at,
        _order.amount_fen,
        _order.currency,
    )
    .join(_order, Case.order)
    .where(IS_FILED)
    .order_by(*INTAKE_ORDER)
)
WAITING_FOR_INTAKE_COUNTED = select(Case.id).where(IS_FILED)


def intake_page(per_page: int) -> Pagination:
    """The top of the cases waiting for intake, and how many wait."""
    return rows_page(WAITING_FOR_INTAKE, WAITING_FOR_INTAKE_COUNTED, per_page, page=1)


def queue_page(desk_filter: DeskFilter, viewer_id: int, now: datetime, per_page: int) -> Pagination:
    """The requested page of the cases the filters select, as rows. They are counted from the
    cases alone (the working queue by its states, on ``ix_cases_state_deadline_at``, which
    cannot read it in order)."""
    conditions = queue_conditions(desk_filter, viewer_id, now)
    counted = select(Case.id).where(*conditions)
    if desk_filter.state == "":
        counted = counted.where(Case.state.in_(WORKING_STATES))
    return rows_page(queue_statement(desk_filter, viewer_id, now), counted, per_page)


def queue_statement(desk_filter: DeskFilter, viewer_id: int, now: datetime) -> Select:
    """The rows of the cases the filters select. The working queue and the states in it come
    urgent first, then by the nearest deadline (the working queue read in that order from
    ``ix_cases_queue_order``, a page at a time); finished cases, newest first."""
    statement = QUEUE_ROWS.where(*queue_conditions(desk_filter, viewer_id, now))
    number = case_number(desk_filter.search)
    if number is not None:  # the case of that number before those that merely mention it
        statement = statement.order_by(Case.id != number)
    if desk_filter.state in (*WORKING_STATES, ""):
        return statement.order_by(*QUEUE_ORDER)
    return statement.order_by(Case.id.desc())


def queue_conditions(desk_filter: DeskFilter, viewer_id: int, now: datetime) -> list:
    """The conditions on the cases that the filters select."""
    conditions = []
    if desk_filter.state == "":
        conditions.append(IS_WORKING)
    elif desk_filter.state != ALL_STATES:
        conditions.append(Case.state == desk_filter.state)
    if desk_filter.assigned == MINE:
        conditions.append(Case.mediator_id == viewer_id)
    elif desk_filter.assigned == UNASSIGNED:
        conditions.append(Case.mediator_id.is_(None))
    elif desk_filter.assigned == WAITING:
        conditions.append(waiting_condition(viewer_id))
    if desk_filter.claim_type:
        conditions.append(Case.claim_type == desk_filter.claim_type)
    if desk_filter.overdue:
        conditions.append(overdue_condition(now))
    if desk_filter.search:
        conditions.append(search_condition(desk_filter.search))
    return conditions


def _counted(condition):
    """One scalar count, served by whichever index suits its condition."""
    return (
        select(func.count())
        .select_from(Case)
        .where(Case.state.in_(WORKING_STATES), condition)
        .scalar_subquery()
    )


# built once: the desk asks for them on every page, for whoever is looking, at any time
STATE_COUNTS = (
    select(Case.state, func.count()).where(Case.state.in_(COUNTED_STATES)).group_by(Case.state)
)
MY_WORK_COUNTS = select(
    _counted(Case.mediator_id == bindparam("viewer_id")),
    _counted(Case.mediator_id.is_(None)),
    _counted(overdue_condition(bindparam("now"))),
    _counted(waiting_condition(bindparam("viewer_id"))),
)


def desk_counts(viewer_id: int, now: datetime) -> DeskCounts:
    """The desk's counts, in two statements whatever the number of cases: the cases in each
    state (closed aside), and in the working queue those that are mine, unassigned, overdue
    and waiting for me, each counted on its own index (``ix_cases_mediator_id_state``, or
    ``ix_cases_state_deadline_at`` for overdue). Each equals the length of the list its link
    opens."""
    by_state = dict(db.session.execute(STATE_COUNTS).all())
    mine, unassigned, overdue, waiting = db.session.execute(
        MY_WORK_COUNTS, {"viewer_id": viewer_id, "now": now}
    ).one()
    return DeskCounts(
        by_state={state.value: by_state.get(state.value, 0) for state in COUNTED_STATES},
        mine=mine,
        unassigned=unassigned,
        overdue=overdue,
        waiting=waiting,
    )
