"""The facts the figures read (``CaseFact``), worked out from the cases and their audit trail
and kept fresh by a sweep.

Every transition of a case writes an audit event about it, in its own transaction. The sweep
``refresh_case_facts`` reads the events past the watermark, works out again the facts of the
cases they are about (an upsert: the same rows whoever writes them, so two sweeps at once
agree) and moves the watermark on by compare-and-set, never back. On PostgreSQL, events can
commit out of the order of their ids; the watermark therefore stops before the first event
younger than ``ANALYTICS_FACTS_SETTLE``, and those events are read again by the next run.

The first run, with no watermark yet, fills the facts of every case, batch by batch.
"""

from datetime import datetime

from flask import current_app
from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    case,
    cast,
    false,
    func,
    select,
    true,
    update,
)

from app.analytics.models import CaseFact, CaseFactCategory, FactWatermark
from app.analytics.sql import day_of, month_of, seconds_between
from app.cases.models import Case
from app.cases.states import (
    DecisionKind,
    Party,
)
from app.closing.models import Rating
from app.core import clock
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.core.upserts import upsert
from app.execution.models import Obligation, ObligationStatus
from app.mediation.models import ProposalStatus, SettlementProposal
from app.orders.models import OrderItem

WATERMARK = "case_facts"
MEDIATION_STARTS = ("case.evidence_closed",)
FIRST_ACTIONS = ("case.proposed", "case.decided_by_mediator", "case.routed_to_panel")
PROPOSAL_ANSWERS = (ProposalStatus.ACCEPTED, ProposalStatus.REJECTED, ProposalStatus.EXPIRED)
STEPS_KEPT_OR_MISSED = (ObligationStatus.DONE, ObligationStatus.MISSED)
FILL_BATCH = 20_000  # cases per statement when every case's facts are filled


def facts_of(cases: ColumnElement[bool]) -> Select:
    """The fact rows of the cases that ``cases`` selects, in ``CaseFact``'s column order.

    The time to first action runs from the case's first entry into mediation (its first
    ``case.evidence_closed`` event) to the mediator's first step that moves it (the first
    proposal, decision or referral to a panel); notes and questions are no such step."""
    milestones = (
        select(
            AuditEvent.subject_id,
            func.min(case((AuditEvent.action.in_(MEDIATION_STARTS), AuditEvent.created_at))).label(
                "started"
            ),
            func.min(case((AuditEvent.action.in_(FIRST_ACTIONS), AuditEvent.created_at))).label(
                "acted"
            ),
        )
        .where(
            AuditEvent.subject_type == Case.__tablename__,
            AuditEvent.subject_id.in_(select(cast(Case.id, String)).where(cases)),
            AuditEvent.action.in_(MEDIATION_STARTS + FIRST_ACTIONS),
        )
        .group_by(AuditEvent.subject_id)
        .subquery()
    )
    proposals = (
        select(func.count(SettlementProposal.id))
        .where(SettlementProposal.case_id == Case.id)
        .scalar_subquery()
    )
    settled_by_first = and_(
        Case.decision_kind == DecisionKind.PROPOSAL_ACCEPTED.value, proposals == 1
    )
    acted_in_mediation = and_(
        milestones.c.started.is_not(None), milestones.c.acted >= milestones.c.started
    )
    return (
        select(
            Case.id,
            Case.order_id,
            Case.filed_at,
            day_of(Case.filed_at),
            month_of(Case.filed_at),
            Case.claim_type,
            Case.responsible_party,
            Case.mediator_id,
            Case.decision_kind,
            case((settled_by_first, true()), else_=false()),
            seconds_between(Case.filed_at, Case.severity_confirmed_at),
            case(
                (
                    acted_in_mediation,
                    seconds_between(milestones.c.started, milestones.c.acted),
                )
            ),
            seconds_between(Case.filed_at, Case.decided_at),
            *(_count_of(SettlementProposal, status) for status in PROPOSAL_ANSWERS),
            *(_count_of(Obligation, status) for status in STEPS_KEPT_OR_MISSED),
            _score_of(Party.BUYER),
            _score_of(Party.SELLER),
        )
        .select_from(Case)
        .outerjoin(milestones, milestones.c.subject_id == cast(Case.id, String))
        .where(cases)
    )


def _count_of(model, status) -> ColumnElement[int]:
    """How many rows of ``model`` (proposals, obligations) the case has with ``status``."""
    return (
        select(func.count(model.id))
        .where(model.case_id == Case.id, model.status == status.value)
        .scalar_subquery()
    )


def _score_of(party: Party):
    return (
        select(Rating.score)
        .where(Rating.case_id == Case.id, Rating.party == party.value)
        .scalar_subquery()
    )


def write_facts(cases: ColumnElement[bool]) -> None:
    """Work out the facts of the cases ``cases`` selects and write them over their old ones;
    a case's categories are written once (its order's items never change)."""
    columns = [column.name for column in CaseFact.__table__.columns]
    statement = upsert(CaseFact).from_select(columns, facts_of(cases))
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=[CaseFact.case_id],
            set_={name: statement.excluded[name] for name in columns if name != "case_id"},
        )
    )
    categories = (
        select(Case.id, OrderItem.category, Case.filed_at)
        .join(OrderItem, OrderItem.order_id == Case.order_id)
        .where(cases)
        .distinct()
    )
    db.session.execute(
        upsert(CaseFactCategory)
        .from_select(["case_id", "category", "filed_at"], categories)
        .on_conflict_do_nothing()
    )


def fill_case_facts(batch: int = FILL_BATCH) -> int:
    """Write the facts of every case, ``batch`` case ids at a time, each batch committed, and
    set the watermark to the last event before the first batch (later events are read by the
    next sweep); interrupted, it starts again. Returns the number of cases."""
    last_event = db.session.scalar(select(func.max(AuditEvent.id))) or 0
    last_case = db.session.scalar(select(func.max(Case.id))) or 0
    for low in range(1, last_case + 1, batch):
        write_facts(Case.id.between(low, low + batch - 1))
        db.session.commit()  # a batch at a time: other writers wait for one batch, not all
    _set_watermark(last_event)
    return db.session.scalar(select(func.count()).select_from(CaseFact))


def refresh_case_facts() -> int:
    """The sweep: the facts of the cases that events past the watermark are about, worked out
    again; up to ``ANALYTICS_FACTS_BATCH`` events a run. Returns the number of events read."""
    mark = db.session.get(FactWatermark, WATERMARK)
    if mark is None:
        fill_case_facts()
        return 0
    events = db.session.execute(
        select(AuditEvent.id, AuditEvent.subject_id, AuditEvent.created_at)
        .where(AuditEvent.id > mark.event_id, AuditEvent.subject_type == Case.__tablename__)
        .order_by(AuditEvent.id)
        .limit(current_app.config["ANALYTICS_FACTS_BATCH"])
    ).all()
    case_ids = sorted({int(subject_id) for _id, subject_id, _at in events})
    if case_ids:
        write_facts(Case.id.in_(case_ids))
    settled_before = clock.now() - current_app.config["ANALYTICS_FACTS_SETTLE"]
    reached = mark.event_id
    for event_id, _subject_id, created_at in events:
        if created_at > settled_before:
            break
        reached = event_id
    _set_watermark(reached)
    return len(events)


def _set_watermark(event_id: int) -> None:
    """Move the watermark to ``event_id`` (creating it at the first fill), never back."""
    now = clock.now()
    moved = db.session.execute(
        update(FactWatermark)
        .where(FactWatermark.name == WATERMARK, FactWatermark.event_id <= event_id)
        .values(event_id=event_id, moved_at=now)
    ).rowcount
    if not moved and db.session.get(FactWatermark, WATERMARK) is None:
        db.session.execute(
            upsert(FactWatermark)
            .values(name=WATERMARK, event_id=event_id, moved_at=now)
            .on_conflict_do_nothing(index_elements=[FactWatermark.name])
        )


def facts_as_of() -> datetime | None:
    """When the facts were last brought up to date, or None before the first fill."""
    return db.session.scalar(select(FactWatermark.moved_at).where(FactWatermark.name == WATERMARK))
