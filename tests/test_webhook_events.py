"""Each event type is queued by the real service that causes it, in its transaction; every
payload matches the catalogue's schema; and no payload carries personal data: no name,
e-mail address, shop name, free text a party or the mediator wrote, nor any reviewer."""

import json
from datetime import UTC, datetime, timedelta

import jsonschema
import pytest
from sqlalchemy import select

from app.auth.models import Role, User
from app.cases import services as case_services
from app.cases.states import (
    CaseState,
    ClaimType,
    DecisionKind,
    Outcome,
    Remedy,
    ResponsibleParty,
    Severity,
)
from app.core import clock
from app.core.config import PROJECT_ROOT
from app.core.extensions import db
from app.execution import services as execution
from app.execution.ledger import lift_restriction
from app.execution.models import ObligationKind, ObligationStatus, SellingRestriction
from app.execution.sweeps import sweep_obligations
from app.jury.counting import count_due_panels
from app.jury.models import Seat
from app.mediation import services as mediation
from app.mediation.services import Settlement
from app.notifications.webhooks import catalogue
from app.notifications.webhooks.catalogue import EVENT_TYPES
from app.scheduler.deadlines import sweep_case_deadlines
from tests.helpers.case_factories import DECISION_REASONS, REFUND_PROOF, make_case
from tests.helpers.factories import make_order, make_user
from tests.helpers.jury import FOR_BUYER, FOR_SELLER, REASON, make_panel, votes
from tests.helpers.webhooks import endpoint_for, last_id, queued

START = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)
BUYER_EMAIL = "li.na.private@example.com"
DESCRIPTION = f"Li Na here ({BUYER_EMAIL}, 13800138000): the earbud arrived cracked."
PERSONAL = [
    "Li Na",
    BUYER_EMAIL,
    "13800138000",
    "Wang Wei",
    "wang.wei@example.com",
    "Earbud Shop",
    "Mediator Zhou",
    "the earbud arrived cracked",
    DECISION_REASONS,
    REFUND_PROOF,
    "@example.com",
]


@pytest.fixture(autouse=True)
def _everything_is_wanted(app):
    endpoint_for("http://127.0.0.1:9/hook")  # "*": every event is queued for it


@pytest.fixture
def people():
    return {
        "buyer": make_user(name="Li Na", email=BUYER_EMAIL),
        "seller": make_user(name="Wang Wei", email="wang.wei@example.com", shop_name="Earbud Shop"),
        "mediator": make_user(name="Mediator Zhou", roles=(Role.MEDIATOR,)),
    }


def types(payloads) -> list[str]:
    return [p["type"] for p in payloads]


def assert_nothing_personal(payloads, *more: str) -> None:
    text = json.dumps(payloads, ensure_ascii=False)
    for personal in (*PERSONAL, *more):
        assert personal not in text, personal


def test_a_case_from_opening_to_closing_tells_each_step(people):
    clock.freeze(START)
    case = make_case(
        "closed_completed", **people, description=DESCRIPTION, remedy=Remedy.FULL_REFUND
    )
    payloads = queued()
    assert types(payloads) == [
        "case.opened",
        "case.state_changed",  # filed → awaiting_seller
        "case.state_changed",  # → evidence
        "case.state_changed",  # → mediation
        "case.state_changed",  # → decided
        "case.decided",
        "case.state_changed",  # → executing, once the appeal window closed
        "obligation.created",
        "obligation.met",
        "case.state_changed",  # → closed
    ]
    opened = payloads[0]["data"]["case"]
    assert opened == {
        "id": case.id,
        "state": "filed",
        "marketplace_order_id": case.order.marketplace_order_id,
        "buyer_marketplace_user_id": people["buyer"].marketplace_user_id,
        "seller_marketplace_user_id": people["seller"].marketplace_user_id,
        "claim_type": "damaged_in_transit",
        "remedy_requested": "full_refund",
        "amount_requested_fen": 19900,
        "currency": "CNY",
        "filed_at": "2026-06-01T09:00:00.000Z",
        "deadline_at": "2026-06-02T09:00:00.000Z",
    }
    moves = [
        (p["data"]["previous_state"], p["data"]["case"]["state"])
        for p in payloads
        if p["type"] == "case.state_changed"
    ]
    assert moves == [
        ("filed", "awaiting_seller"),
        ("awaiting_seller", "evidence"),
        ("evidence", "mediation"),
        ("mediation", "decided"),
        ("decided", "executing"),
        ("executing", "closed"),
    ]
    decision = payloads[5]["data"]["decision"]
    assert decision | {"decided_at": None, "appeal_deadline_at": None} == {
        "outcome": "for_buyer",
        "kind": "mediator",
        "remedy": "full_refund",
        "amount_fen": 19900,
        "currency": "CNY",
        "decided_at": None,
        "final": False,
        "appeal_deadline_at": None,
    }
    decided_at = datetime.fromisoformat(decision["decided_at"])
    appeal_until = datetime.fromisoformat(decision["appeal_deadline_at"])
    assert appeal_until - decided_at == timedelta(hours=48)
    created, met = payloads[7]["data"]["obligation"], payloads[8]["data"]["obligation"]
    assert (created["kind"], created["debtor"], created["status"]) == ("refund", "seller", "open")
    assert created["amount_fen"] == 19900 and created["due_at"] is not None
    assert (met["id"], met["status"]) == (created["id"], "done")
    assert met["done_at"] is not None and met["dispute_until"] is not None
    assert len({p["id"] for p in payloads}) == len(payloads)  # each event its own id
    assert_nothing_personal(payloads)


def test_an_agreed_decision_is_final_and_is_carried_out_at_once(people):
    case = make_case("awaiting_seller", **people, description=DESCRIPTION)
    since = last_id()
    case_services.seller_accepts_claim(case, people["seller"])
    payloads = queued(since)
    assert types(payloads) == [
        "case.state_changed",
        "case.decided",
        "case.state_changed",
        "obligation.created",
    ]
    decision = payloads[1]["data"]["decision"]
    assert (decision["kind"], decision["final"], decision["appeal_deadline_at"]) == (
        DecisionKind.SELLER_ACCEPTED.value,
        True,
        None,
    )
    assert payloads[2]["data"]["case"]["state"] == CaseState.EXECUTING.value


def test_a_panel_verdict_gives_the_counts_and_no_reviewer(app, people):
    clock.freeze(START)
    panel = make_panel(**people, description=DESCRIPTION)
    reviewers = db.session.scalars(select(Seat.reviewer_id).where(Seat.panel_id == panel.id))
    reviewer_ids = {
        (user.marketplace_user_id, user.email, user.display_name)
        for user in (db.session.get(User, r) for r in reviewers)
    }
    votes(panel, FOR_BUYER, app.config["PANEL_MAJORITY"])
    since = last_id()
    assert count_due_panels() == 1
    payloads = queued(since)
    assert types(payloads)[:3] == ["panel.verdict", "case.state_changed", "case.decided"]
    verdict = payloads[0]["data"]["panel"]
    assert verdict | {"decided_at": None} == {
        "id": panel.id,
        "round": "first",
        "seats": 17,
        "majority": 9,
        "votes_cast": 9,
        "votes_for_verdict": 9,
        "verdict": {"key": FOR_BUYER, "label": "Decide for the buyer: full refund of ¥199.00"},
        "outcome": Outcome.FOR_BUYER.value,
        "decided_at": None,
    }
    assert payloads[2]["data"]["decision"]["kind"] == DecisionKind.PANEL.value
    leaked = [part for reviewer in reviewer_ids for part in reviewer]
    assert_nothing_personal(payloads, REASON, *leaked)


def test_an_option_in_the_mediators_words_is_published_as_what_it_decides(app):
    """A ballot written before options had keys keeps the mediator's words: they never
    leave, the option is given as what it decides."""
    panel = make_panel()
    words = "Refund Zhang Weiwei in full"
    panel.options = [f"custom:grant:{words}", FOR_SELLER]
    since = last_id()
    votes(panel, panel.options[0], app.config["PANEL_MAJORITY"])
    assert count_due_panels() == 1
    [verdict] = [p for p in queued(since) if p["type"] == "panel.verdict"]
    assert verdict["data"]["panel"]["verdict"] == {
        "key": "custom:grant",
        "label": "Decide for the buyer: the claim as filed",
    }
    assert words not in json.dumps(verdict, ensure_ascii=False)


def settled_return_and_refund(people):
    order = make_order(people["buyer"], people["seller"], amount_fen=20000)
    claim = case_services.Claim(
        ClaimType.DAMAGED_IN_TRANSIT, ResponsibleParty.SELLER, DESCRIPTION, Remedy.FULL_REFUND
    )
    case = case_services.open_case(order, people["buyer"], claim)
    case_services.accept_intake(case, people["mediator"], Severity.IMPORTANT)
    case_services.seller_contests(case, people["seller"], "It left intact.")
    clock.advance(3 * DAY)
    sweep_case_deadlines()
    db.session.refresh(case)
    settlement = Settlement(Remedy.RETURN_AND_REFUND, None, "Send it back for a refund.")
    mediation.propose_settlement(case, people["mediator"], settlement)
    mediation.answer_proposal(case, people["buyer"], accept=True)
    since = last_id()
    mediation.answer_proposal(case, people["seller"], accept=True)
    return case, since


def test_the_steps_of_a_return_are_told_as_they_open_are_met_and_are_missed(people):
    clock.freeze(START)
    case, since = settled_return_and_refund(people)
    created = [p for p in queued(since) if p["type"] == "obligation.created"]
    assert [
        (p["data"]["obligation"]["kind"], p["data"]["obligation"]["status"]) for p in created
    ] == [("return_shipment", "open"), ("receipt_confirmation", "waiting"), ("refund", "waiting")]
    ship, receipt, refund = execution.obligations_of(case)

    since = last_id()
    execution.mark_done(ship, people["buyer"], "Sent back by courier.", "SF1234567890")
    payloads = queued(since)
    assert types(payloads) == ["obligation.met", "obligation.opened"]
    assert payloads[1]["data"]["obligation"]["kind"] == ObligationKind.RECEIPT_CONFIRMATION.value
    assert payloads[1]["data"]["obligation"]["due_at"] is not None

    since = last_id()
    clock.advance(7 * DAY)
    sweep_obligations()  # the seller's silence confirms the receipt; the refund opens
    payloads = queued(since)
    assert types(payloads) == ["obligation.met", "obligation.opened"]
    assert payloads[0]["data"]["obligation"]["id"] == receipt.id
    assert payloads[1]["data"]["obligation"]["id"] == refund.id

    since = last_id()
    clock.advance(3 * DAY)
    sweep_obligations()  # the seller ignores the refund: missed, enforced, closed
    payloads = queued(since)
    assert types(payloads) == ["obligation.missed", "seller.restricted", "case.state_changed"]
    missed = payloads[0]["data"]["obligation"]
    assert (missed["id"], missed["status"]) == (refund.id, ObligationStatus.MISSED.value)
    restricted = payloads[1]["data"]
    restriction = db.session.scalars(select(SellingRestriction)).one()
    assert restricted == {
        "seller_marketplace_user_id": people["seller"].marketplace_user_id,
        "restriction": {
            "id": restriction.id,
            "case_id": case.id,
            "obligation_id": refund.id,
            "created_at": restricted["restriction"]["created_at"],
            "lifted_at": None,
        },
        "active_restrictions": 1,
        "deduction_fen": 20000,
        "currency": "CNY",
    }

    since = last_id()
    assert lift_restriction(restriction, make_user(roles=(Role.ADMIN,)), "Refund paid")
    [lifted] = queued(since)
    assert lifted["type"] == "seller.restriction_lifted"
    assert lifted["data"]["active_restrictions"] == 0
    assert lifted["data"]["restriction"]["lifted_at"] is not None
    assert not lift_restriction(restriction, None, "Refund paid")  # lifted once, told once
    assert queued(last_id()) == []
    assert_nothing_personal(queued(), "SF1234567890", "Sent back by courier.")


def test_a_buyer_who_misses_the_return_is_told_as_a_missed_step_and_a_closed_case(people):
    clock.freeze(START)
    case, _since = settled_return_and_refund(people)
    since = last_id()
    clock.advance(7 * DAY)
    sweep_obligations()
    payloads = queued(since)
    assert types(payloads) == ["obligation.missed", "case.state_changed"]
    assert payloads[0]["data"]["obligation"]["debtor"] == "buyer"
    assert payloads[1]["data"]["case"]["state"] == "closed"


def test_an_event_leaves_only_if_its_change_commits(people):
    case = make_case("filed", **people)
    since = last_id()
    savepoint = db.session.begin_nested()
    case_services.withdraw_case(case, people["buyer"])
    assert types(queued(since)) == ["case.state_changed"]
    savepoint.rollback()
    assert queued(since) == []


# The catalogue


def test_the_catalogue_speaks_the_product_s_vocabulary():
    for listed, enum in [
        (catalogue.CASE_STATES, CaseState),
        (catalogue.CLAIM_TYPES, ClaimType),
        (catalogue.REMEDIES, Remedy),
        (catalogue.OUTCOMES, Outcome),
        (catalogue.DECISION_KINDS, DecisionKind),
        (catalogue.OBLIGATION_KINDS, ObligationKind),
        (catalogue.OBLIGATION_STATUSES, ObligationStatus),
    ]:
        assert listed == [member.value for member in enum]


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_each_example_matches_its_schema(event_type):
    entry = EVENT_TYPES[event_type]
    assert entry["description"] and entry["example"]["type"] == event_type
    jsonschema.Draft202012Validator.check_schema(entry["schema"])
    jsonschema.Draft202012Validator(
        entry["schema"], format_checker=jsonschema.FormatChecker()
    ).validate(entry["example"])


def test_a_payload_with_a_field_the_catalogue_does_not_list_fails_its_schema():
    example = EVENT_TYPES["case.opened"]["example"]
    sneaky = json.loads(json.dumps(example))
    sneaky["data"]["case"]["description"] = DESCRIPTION
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(sneaky, EVENT_TYPES["case.opened"]["schema"])


def test_every_event_type_of_the_catalogue_is_tested_here():
    tested = {
        "case.opened",
        "case.state_changed",
        "case.decided",
        "panel.verdict",
        "obligation.created",
        "obligation.opened",
        "obligation.met",
        "obligation.missed",
        "seller.restricted",
        "seller.restriction_lifted",
    }
    assert tested == set(EVENT_TYPES)


def test_the_developer_guide_shows_every_event_type_with_its_example():
    guide = (PROJECT_ROOT / "docs" / "webhooks.md").read_text()
    for event_type, entry in EVENT_TYPES.items():
        assert f"### `{event_type}`" in guide
        assert json.dumps(entry["example"], indent=2, ensure_ascii=False) in guide, event_type
