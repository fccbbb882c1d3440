"""The schemas of cases and their events, with examples. The vocabularies
(states, claim types, remedies…) are the cases feature's own enums."""

from flask import current_app

from app.api.events import VISIBLE_ACTIONS
from app.api.openapi.common import choice, fen, nullable, page_of, time
from app.api.representations import COUNTER_OFFER_DEADLINE, DEADLINE_NAMES
from app.cases.states import (
    CLAIMABLE_REMEDIES,
    CaseState,
    ClaimType,
    ClosedReason,
    DecisionKind,
    Outcome,
    Party,
    Remedy,
    ResponsibleParty,
    Severity,
)
from app.execution.models import ObligationKind, ObligationStatus
from app.mediation.models import Answer, ProposalStatus

PARTY = choice(Party)
ANSWER = nullable(choice(Answer))
CASE_EXAMPLE = {
    "id": 42,
    "order": "MO-1001",
    "buyer": "u-buyer-1",
    "seller": "u-seller-7",
    "state": "filed",
    "type": "not_received",
    "responsible_party": "seller",
    "description": "The parcel never arrived; the tracking stopped in Shenzhen on 8 January.",
    "remedy": "full_refund",
    "amount": None,
    "claimed_amount": 19900,
    "safety_or_fraud": False,
    "severity": "important",
    "filed_at": "2026-01-20T02:00:00+00:00",
    "updated_at": "2026-01-20T02:00:00+00:00",
    "deadline": {"name": "intake_review", "due_at": "2026-01-21T02:00:00+00:00"},
    "counter_offer": None,
    "proposal": None,
    "questions": [],
    "decision": None,
    "closed": None,
    "obligations": [],
    "links": {
        "self": "/api/v1/cases/42",
        "events": "/api/v1/cases/42/events",
        "evidence": "/api/v1/cases/42/evidence",
        "page": "https://tribunal.example.com/cases/42",
    },
}
EVENT_EXAMPLE = {
    "id": 901,
    "type": "case.intake_accepted",
    "occurred_at": "2026-01-20T05:12:00+00:00",
    "actor": "staff",
    "data": {
        "state": "awaiting_seller",
        "previous_state": "filed",
        "severity": "important",
        "deadline_at": "2026-01-23T05:12:00+00:00",
    },
}


def case_schemas() -> dict:
    return {
        "NewCase": _new_case(),
        "Case": _case(),
        "CaseList": page_of("Case", CASE_EXAMPLE),
        "CaseEvent": _event(),
        "CaseEventList": page_of("CaseEvent", EVENT_EXAMPLE),
    }


def _new_case() -> dict:
    return {
        "type": "object",
        "description": (
            "The claim, as the buyer would file it on the web form: the same vocabulary and "
            "the same rules."
        ),
        "required": ["order", "type", "responsible_party", "description", "remedy"],
        "additionalProperties": False,
        "properties": {
            "order": {"type": "string", "description": "The marketplace's order id."},
            "type": choice(ClaimType, "What went wrong."),
            "responsible_party": choice(ResponsibleParty, "Whom the buyer blames."),
            "description": {
                "type": "string",
                "minLength": 1,
                "maxLength": current_app.config["STATEMENT_MAX_CHARS"],
                "description": "What happened, in the buyer's words.",
            },
            "remedy": choice(CLAIMABLE_REMEDIES, "What the buyer asks for."),
            "amount": {
                "type": "integer",
                "minimum": 1,
                "description": (
                    "In fen; only, and then required, for partial_refund and compensation. At "
                    "most the order's amount."
                ),
            },
            "safety_or_fraud": {
                "type": "boolean",
                "description": "Food safety, personal injury or fraud: handled first.",
            },
        },
        "examples": [
            {
                "order": "MO-1001",
                "type": "not_received",
                "responsible_party": "seller",
                "description": "The parcel never arrived; the tracking stopped on 8 January.",
                "remedy": "full_refund",
            }
        ],
    }


def _case() -> dict:
    deadline_names = [*DEADLINE_NAMES.values(), COUNTER_OFFER_DEADLINE]
    strings = {"type": "string"}
    return {
        "type": "object",
        "required": list(CASE_EXAMPLE),
        "properties": {
            "id": {"type": "integer"},
            "order": {"type": "string", "description": "The marketplace's order id."},
            "buyer": nullable({"type": "string", "description": "The buyer's marketplace id."}),
            "seller": nullable({"type": "string", "description": "The seller's marketplace id."}),
            "state": choice(CaseState),
            "type": choice(ClaimType),
            "responsible_party": choice(ResponsibleParty),
            "description": strings,
            "remedy": choice(CLAIMABLE_REMEDIES),
            "amount": nullable(fen("The amount the claim names, if its remedy has one.")),
            "claimed_amount": fen("What the claim is worth: its amount, or the order's."),
            "safety_or_fraud": {"type": "boolean"},
            "severity": choice(Severity),
            "filed_at": time("When the case was opened."),
            "updated_at": time("When the case last changed: its state, a deadline, a step."),
            "deadline": nullable(
                {
                    "type": "object",
                    "description": "The case's running timer: who must act by when.",
                    "required": ["name", "due_at"],
                    "properties": {"name": choice(deadline_names), "due_at": time("UTC.")},
                }
            ),
            "counter_offer": nullable(
                {
                    "type": "object",
                    "description": "The seller's latest counter-offer.",
                    "required": ["remedy", "amount", "made_at", "answered_at", "accepted"],
                    "properties": {
                        "remedy": choice(CLAIMABLE_REMEDIES),
                        "amount": fen("What the seller offers."),
                        "made_at": time("When it was made."),
                        "answered_at": nullable(time("When the buyer answered.")),
                        "accepted": nullable({"type": "boolean"}),
                    },
                }
            ),
            "proposal": nullable(
                {
                    "type": "object",
                    "description": "The mediator's latest settlement proposal.",
                    "required": [
                        "outcome",
                        "amount",
                        "status",
                        "proposed_at",
                        "expires_at",
                        "buyer_answer",
                        "seller_answer",
                    ],
                    "properties": {
                        "outcome": choice(Remedy),
                        "amount": nullable(fen("The amount it grants.")),
                        "status": choice(ProposalStatus),
                        "proposed_at": time("When it was proposed."),
                        "expires_at": time("Both sides answer by then; silence rejects."),
                        "buyer_answer": ANSWER,
                        "seller_answer": ANSWER,
                    },
                }
            ),
            "questions": {
                "type": "array",
                "description": "The mediator's questions to a party, each with its deadline.",
                "items": {
                    "type": "object",
                    "required": ["party", "asked_at", "due_at", "answered_at"],
                    "properties": {
                        "party": PARTY,
                        "asked_at": time("When it was asked."),
                        "due_at": time("The party answers by then."),
                        "answered_at": nullable(time("When the party answered.")),
                    },
                },
            },
            "decision": nullable(
                {
                    "type": "object",
                    "required": ["outcome", "kind", "remedy", "amount", "decided_at"],
                    "properties": {
                        "outcome": choice(Outcome),
                        "kind": choice(DecisionKind, "How it was decided."),
                        "remedy": choice(Remedy, "What was granted."),
                        "amount": nullable(fen("The amount granted, where there is one.")),
                        "decided_at": time("When."),
                    },
                }
            ),
            "closed": nullable(
                {
                    "type": "object",
                    "required": ["reason", "closed_at"],
                    "properties": {
                        "reason": choice(ClosedReason),
                        "closed_at": time("When."),
                    },
                }
            ),
            "obligations": {
                "type": "array",
                "description": "What the decision asks of each side, step by step.",
                "items": {
                    "type": "object",
                    "required": [
                        "id",
                        "step",
                        "kind",
                        "debtor",
                        "amount",
                        "status",
                        "due_at",
                        "done_at",
                        "dispute_until",
                        "confirmed_at",
                    ],
                    "properties": {
                        "id": {"type": "integer"},
                        "step": {"type": "integer", "minimum": 1},
                        "kind": choice(ObligationKind),
                        "debtor": PARTY,
                        "amount": nullable(fen("What is to be paid.")),
                        "status": choice(ObligationStatus),
                        "due_at": nullable(time("Its deadline, once the step is open.")),
                        "done_at": nullable(time("When it was marked done.")),
                        "dispute_until": nullable(time("The other side may dispute until.")),
                        "confirmed_at": nullable(time("When it was confirmed.")),
                    },
                },
            },
            "links": {
                "type": "object",
                "required": ["self", "events", "evidence", "page"],
                "properties": {
                    "self": strings,
                    "events": strings,
                    "evidence": strings,
                    "page": {"type": "string", "description": "The case page, for people."},
                },
            },
        },
        "examples": [CASE_EXAMPLE],
    }


def _event() -> dict:
    return {
        "type": "object",
        "required": ["id", "type", "occurred_at", "actor", "data"],
        "properties": {
            "id": {"type": "integer", "description": "Increases with every event."},
            "type": choice(sorted(VISIBLE_ACTIONS)),
            "occurred_at": time("When it happened."),
            "actor": choice(
                ["buyer", "seller", "staff", "marketplace", "tribunal"],
                "As what the actor acted (tribunal: a timer or a reviewer panel). Never who.",
            ),
            "data": {
                "type": "object",
                "description": (
                    "The event's facts: the state it moved to (and previous_state), "
                    "severity, deadline_at, the decision's outcome, decision_kind, "
                    "decision_remedy and decision_amount_fen, closed_reason, the evidence "
                    "entry's party, kind and late, the obligation's id, an answer."
                ),
            },
        },
        "examples": [EVENT_EXAMPLE],
    }
