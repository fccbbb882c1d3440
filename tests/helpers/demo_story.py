"""The demo tells one believable story: every claim is about goods its order holds, every
waybill number is in its carrier's format, reviewers give their reasons in their own words
and in both languages, and the audit trail names whoever the case's timeline shows acting.

The checks of ``tests/test_demo_history.py``, which seeds the demo once for all its looks."""

import re
from collections import Counter

from sqlalchemy import select

from app.cases.models import EvidenceEntry, EvidenceKind
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.execution.models import Obligation
from app.jury.models import Vote
from app.orders.models import Order

# a word of a claim or a statement, and the goods it can only be about
GOODS_WORDS = {
    r"\bearbuds?\b|耳机": ("earbuds",),
    r"\bkeyboard\b|\bswitches\b|键盘": ("keyboard",),
    r"\bscreen\b|屏": ("watch",),
    r"\btea\b|茶": ("tea",),
    r"\bcream\b|面霜": ("cream",),
    r"\bbricks?\b|积木": ("building-block",),
    r"\blid\b": ("wok",),
    r"\blipstick\b|口红": ("lipstick",),
    r"\bbattery\b|续航": ("earbuds", "power bank", "watch"),
    r"\borganic\b|有机": ("tea",),
    r"\bcotton\b|纯棉|\bsize chart\b": ("t-shirt", "jacket"),
}
WAYBILLS = {
    "SF Express 顺丰": r"SF\d{12}",
    "ZTO Express 中通": r"7\d{13}",
    "YTO Express 圆通": r"YT\d{13}",
    "JD Logistics 京东物流": r"JDV\d{12}",
}
CARRIER_WORDS = {r"\bSF\b|顺丰": "SF", r"\bZTO\b|中通": "7", r"\bYTO\b|圆通": "YT"}


def assert_one_story(cases, assigned) -> None:
    """``cases``: every case, in the order opened; ``assigned``: order id → the mediator a
    case on it went to when filed (not audited)."""
    _claims_are_about_the_goods_ordered(cases)
    _waybills_are_their_carriers(cases)
    _reviewers_write_their_own_reasons()
    _the_audit_trail_names_who_acted(cases, assigned)


def _about(text: str) -> list[tuple[str, ...]]:
    return [goods for word, goods in GOODS_WORDS.items() if re.search(word, text, re.I)]


def _claims_are_about_the_goods_ordered(cases):
    statements = {}
    for entry in db.session.scalars(
        select(EvidenceEntry).where(EvidenceEntry.kind == EvidenceKind.STATEMENT.value)
    ):
        statements.setdefault(entry.case_id, []).append(entry.text)
    for case in cases:
        titles = " ".join(item.title.lower() for item in case.order.items)
        for text in [case.description, *statements.get(case.id, [])]:
            for goods in _about(text):
                assert any(name in titles for name in goods), (case.id, text, titles)


def _waybills_are_their_carriers(cases):
    shipped = db.session.scalars(select(Order).where(Order.carrier.is_not(None))).all()
    assert {order.carrier for order in shipped} == set(WAYBILLS)
    for order in shipped:
        assert re.fullmatch(WAYBILLS[order.carrier], order.tracking_number), order.id
    returns = db.session.scalars(select(Obligation).where(Obligation.tracking_number.is_not(None)))
    checked = 0
    for step in returns:
        for word, prefix in CARRIER_WORDS.items():
            if re.search(word, step.proof or ""):
                assert step.tracking_number.startswith(prefix), (step.proof, step.tracking_number)
                checked += 1
    assert checked


def _reviewers_write_their_own_reasons():
    reasons_by_panel = {}
    for vote in db.session.scalars(select(Vote)):
        reasons_by_panel.setdefault(vote.panel_id, []).append(vote.reason)
    assert reasons_by_panel
    for panel_id, reasons in reasons_by_panel.items():
        [(_reason, most)] = Counter(reasons).most_common(1)
        assert most <= 2, (panel_id, reasons)
    every = [reason for reasons in reasons_by_panel.values() for reason in reasons]
    assert any(re.search(r"[\u4e00-\u9fff]", reason) for reason in every)
    assert any(reason.isascii() for reason in every)


def _the_audit_trail_names_who_acted(cases, assigned):
    """What a person did on a case is recorded under that person: a party's under the party,
    staff's under the mediator who had the case when they acted."""
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.subject_type == "cases", AuditEvent.actor_id.is_not(None))
        .order_by(AuditEvent.id)
    ).all()
    by_id = {case.id: case for case in cases}
    for event in events:
        case = by_id[int(event.subject_id)]
        parties = {case.buyer_id, case.seller_id}
        if event.actor_id in parties:
            continue
        holder = _mediator_at(case, event, events, assigned[case.order_id])
        assert event.actor_id == holder or _is_admin_action(event), (
            case.id,
            event.action,
            event.actor_id,
            holder,
        )
    # each evidence entry's author is a party of its case, on their own timeline
    for entry in db.session.scalars(select(EvidenceEntry)):
        case = by_id[entry.case_id]
        author = case.buyer_id if entry.party == "buyer" else case.seller_id
        assert entry.author_id == author, entry.id


def _mediator_at(case, event, events, first: int | None) -> int | None:
    """The mediator who had ``case`` when ``event`` happened: ``first`` from its filing,
    until an event gives it to another (intake, a reassignment)."""
    holder = first
    for earlier in events:
        if earlier.id > event.id:
            break
        if int(earlier.subject_id) == case.id and "mediator_id" in (earlier.after or {}):
            holder = earlier.after["mediator_id"]
    return holder


def _is_admin_action(event) -> bool:
    return event.action in {"case.reassigned"} or event.action.startswith("escalation.")
