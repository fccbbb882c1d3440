"""Every event type a webhook carries: what it means, the JSON Schema of its payload, and
an example — the reference for docs/webhooks.md and the OpenAPI document's ``webhooks``.

Every payload is an envelope ``{"id", "type", "api_version", "created_at", "data"}``; ``data``
names things by the ids the marketplace knows (its order and user ids) and the case's id.
No payload carries a name, an e-mail address, a reviewer's identity, free text written by
a party or a mediator, or a mediator's notes. ``api_version`` changes only when a payload
changes incompatibly; new fields may be added to a version at any time.

The vocabularies below are the product's (``app.cases.models``, ``app.execution.models``);
a test keeps them equal, since this package may not import those.
"""

API_VERSION = "v1"

CASE_STATES = [
    "filed",
    "returned",
    "awaiting_seller",
    "evidence",
    "mediation",
    "proposal",
    "panel",
    "decided",
    "executing",
    "closed",
]
CLAIM_TYPES = [
    "not_received",
    "not_as_described",
    "counterfeit",
    "damaged_in_transit",
    "late_delivery",
    "false_advertising",
    "service_attitude",
    "return_exchange",
]
REMEDIES = [
    "full_refund",
    "partial_refund",
    "return_and_refund",
    "replacement",
    "compensation",
    "claim_rejected",
]
OUTCOMES = ["for_buyer", "for_seller", "settled"]
DECISION_KINDS = [
    "default_judgment",
    "seller_accepted",
    "counter_offer_accepted",
    "proposal_accepted",
    "mediator",
    "panel",
]
OBLIGATION_KINDS = [
    "refund",
    "compensation",
    "return_shipment",
    "receipt_confirmation",
    "replacement_shipment",
]
OBLIGATION_STATUSES = ["waiting", "open", "done", "disputed", "missed", "cancelled"]


def _object(properties: dict, nullable: frozenset = frozenset()) -> dict:
    """An object with exactly these properties, all required; those in ``nullable`` may be
    null."""
    for name in nullable:
        kind = properties[name].get("type", "string")
        properties[name] = {**properties[name], "type": [kind, "null"]}
    return {
        "type": "object",
        "required": list(properties),
        "additionalProperties": False,
        "properties": properties,
    }


def _enum(values: list[str]) -> dict:
    return {"type": "string", "enum": values}


TIME = {"type": "string", "format": "date-time"}
ID = {"type": "integer", "minimum": 1}
FEN = {"type": "integer", "minimum": 0}
TEXT = {"type": "string"}
CURRENCY = {"type": "string", "pattern": "^[A-Z]{3}$"}

CASE = _object(
    {
        "id": ID,
        "state": _enum(CASE_STATES),
        "marketplace_order_id": TEXT,
        "buyer_marketplace_user_id": TEXT,
        "seller_marketplace_user_id": TEXT,
        "claim_type": _enum(CLAIM_TYPES),
        "remedy_requested": _enum(REMEDIES),
        "amount_requested_fen": FEN,
        "currency": CURRENCY,
        "filed_at": TIME,
        "deadline_at": TIME,
    },
    nullable=frozenset({"buyer_marketplace_user_id", "seller_marketplace_user_id", "deadline_at"}),
)
DECISION = _object(
    {
        "outcome": _enum(OUTCOMES),
        "kind": _enum(DECISION_KINDS),
        "remedy": _enum(REMEDIES),
        "amount_fen": FEN,
        "currency": CURRENCY,
        "decided_at": TIME,
        "final": {"type": "boolean"},
        "appeal_deadline_at": TIME,
    },
    nullable=frozenset({"amount_fen", "appeal_deadline_at"}),
)
PANEL = _object(
    {
        "id": ID,
        "round": _enum(["first", "appeal"]),
        "seats": ID,
        "majority": ID,
        "votes_cast": FEN,
        "votes_for_verdict": FEN,
        "verdict": _object(
            {
                "key": {
                    "type": "string",
                    "description": "The winning ballot option's stable key, such as "
                    "`grant:full_refund:19900`, `partial:partial_refund:5000`, "
                    "`offer:seller:partial_refund:5000` or `reject`.",
                },
                "label": {"type": "string", "description": "The option in words (English)."},
            }
        ),
        "outcome": _enum(["for_buyer", "for_seller"]),
        "decided_at": TIME,
    }
)
OBLIGATION = _object(
    {
        "id": ID,
        "kind": _enum(OBLIGATION_KINDS),
        "debtor": _enum(["buyer", "seller"]),
        "step": ID,
        "status": _enum(OBLIGATION_STATUSES),
        "amount_fen": FEN,
        "currency": CURRENCY,
        "due_at": TIME,
        "done_at": TIME,
        "dispute_until": TIME,
    },
    nullable=frozenset({"amount_fen", "due_at", "done_at", "dispute_until"}),
)
RESTRICTION = _object(
    {
        "id": ID,
        "case_id": ID,
        "obligation_id": ID,
        "created_at": TIME,
        "lifted_at": TIME,
    },
    nullable=frozenset({"obligation_id", "lifted_at"}),
)
SELLER = {
    "seller_marketplace_user_id": {"type": ["string", "null"]},
    "restriction": RESTRICTION,
    "active_restrictions": FEN,
}

# Examples: one case seen at the moments it would send each event

EXAMPLE_CASE = {
    "id": 42,
    "state": "decided",
    "marketplace_order_id": "TB2026010500001",
    "buyer_marketplace_user_id": "u-100234",
    "seller_marketplace_user_id": "u-200871",
    "claim_type": "damaged_in_transit",
    "remedy_requested": "full_refund",
    "amount_requested_fen": 19900,
    "currency": "CNY",
    "filed_at": "2026-01-08T02:15:00.000Z",
    "deadline_at": "2026-01-14T09:30:00.000Z",
}
EXAMPLE_OBLIGATION = {
    "id": 7,
    "kind": "refund",
    "debtor": "seller",
    "step": 1,
    "status": "open",
    "amount_fen": 19900,
    "currency": "CNY",
    "due_at": "2026-01-16T09:30:00.000Z",
    "done_at": None,
    "dispute_until": None,
}
EXAMPLE_RESTRICTION = {
    "id": 3,
    "case_id": 42,
    "obligation_id": 7,
    "created_at": "2026-01-16T09:30:20.000Z",
    "lifted_at": None,
}


def _type(description: str, data: dict, example: dict) -> tuple[str, dict, dict]:
    return description, data, example


def _case_and(name: str | None = None, schema: dict | None = None) -> dict:
    return _object({"case": CASE, **({name: schema} if name else {})})


# type: (description, schema of ``data``, example of ``data``)
_EVENTS: dict[str, tuple[str, dict, dict]] = {
    "case.opened": _type(
        "A buyer opened a case (on the site, or the marketplace through the API).",
        _case_and(),
        {"case": EXAMPLE_CASE | {"state": "filed", "deadline_at": "2026-01-09T02:15:00.000Z"}},
    ),
    "case.state_changed": _type(
        "The case moved from one state to another (every move, decisions and closing "
        "included). `previous_state` is where it came from.",
        _object({"case": CASE, "previous_state": _enum(CASE_STATES)}),
        {
            "case": EXAMPLE_CASE | {"state": "evidence"},
            "previous_state": "awaiting_seller",
        },
    ),
    "case.decided": _type(
        "The case was decided: by default judgment, by the seller accepting the claim or the "
        "buyer a counter-offer, by both accepting a settlement, by the mediator or by a "
        "reviewer panel. A decision that is not `final` may be appealed until "
        "`appeal_deadline_at`; a later decision replaces it. A decision made after the "
        "case's one appeal is `final`.",
        _case_and("decision", DECISION),
        {
            "case": EXAMPLE_CASE,
            "decision": {
                "outcome": "for_buyer",
                "kind": "mediator",
                "remedy": "full_refund",
                "amount_fen": 19900,
                "currency": "CNY",
                "decided_at": "2026-01-12T09:30:00.000Z",
                "final": False,
                "appeal_deadline_at": "2026-01-14T09:30:00.000Z",
            },
        },
    ),
    "panel.verdict": _type(
        "A reviewer panel reached its verdict (a `case.decided` follows in the same "
        "transaction). Counts and the winning option only: never who the reviewers are or "
        "how each voted. `verdict.key` is the option's stable key (`grant:<remedy>[:<fen>]` "
        "the claim as filed, `partial:<remedy>:<fen>` part of it, `reject` the claim "
        "rejected; on a final-offer ballot `offer:<who>:<remedy>[:<fen>]`, whose offer won "
        "(`buyer`, `seller` or `mediator`, joined by `+` when several offered the same), "
        "its remedy (`claim_rejected` too, from the mediator) and amount; "
        "`custom:grant` or `custom:reject` for a ballot written before options "
        "had keys, whose words never leave) and `verdict.label` the option in words, in "
        "English.",
        _case_and("panel", PANEL),
        {
            "case": EXAMPLE_CASE,
            "panel": {
                "id": 5,
                "round": "first",
                "seats": 17,
                "majority": 9,
                "votes_cast": 13,
                "votes_for_verdict": 9,
                "verdict": {
                    "key": "grant:full_refund:19900",
                    "label": "Decide for the buyer: full refund of ¥199.00",
                },
                "outcome": "for_buyer",
                "decided_at": "2026-01-12T09:30:00.000Z",
            },
        },
    ),
    "obligation.created": _type(
        "A decision is being carried out: one event per step it asks of someone. The first "
        "step is `open` with its deadline; later ones are `waiting` until the one before is "
        "done.",
        _case_and("obligation", OBLIGATION),
        {"case": EXAMPLE_CASE | {"state": "executing"}, "obligation": EXAMPLE_OBLIGATION},
    ),
    "obligation.opened": _type(
        "A waiting step opened, with its deadline, because the step before it was done.",
        _case_and("obligation", OBLIGATION),
        {
            "case": EXAMPLE_CASE | {"state": "executing"},
            "obligation": EXAMPLE_OBLIGATION | {"id": 9, "step": 3},
        },
    ),
    "obligation.met": _type(
        "A step was done: marked done by the side that owed it, or — for the seller's receipt "
        "of a return — confirmed by the seller's silence. The other side may dispute a step "
        "marked done until `dispute_until` (the case then goes back to the mediator, a "
        "`case.state_changed`).",
        _case_and("obligation", OBLIGATION),
        {
            "case": EXAMPLE_CASE | {"state": "executing"},
            "obligation": EXAMPLE_OBLIGATION
            | {
                "status": "done",
                "done_at": "2026-01-15T11:00:00.000Z",
                "dispute_until": "2026-01-17T11:00:00.000Z",
            },
        },
    ),
    "obligation.missed": _type(
        "A step's deadline passed without it being done. A seller's missed step is enforced "
        "(`seller.restricted` follows); a buyer who misses the return loses the claim.",
        _case_and("obligation", OBLIGATION),
        {
            "case": EXAMPLE_CASE | {"state": "executing"},
            "obligation": EXAMPLE_OBLIGATION | {"status": "missed"},
        },
    ),
    "seller.restricted": _type(
        "The seller missed a step: the deposit paid `deduction_fen` and the shop's selling is "
        "restricted until an admin lifts it. `active_restrictions` counts the seller's "
        "restrictions in force, this one included.",
        _object({**SELLER, "deduction_fen": FEN, "currency": CURRENCY}),
        {
            "seller_marketplace_user_id": "u-200871",
            "restriction": EXAMPLE_RESTRICTION,
            "active_restrictions": 1,
            "deduction_fen": 19900,
            "currency": "CNY",
        },
    ),
    "seller.restriction_lifted": _type(
        "An admin lifted one of the seller's restrictions. The seller may sell again once "
        "`active_restrictions` is 0.",
        _object(dict(SELLER)),
        {
            "seller_marketplace_user_id": "u-200871",
            "restriction": EXAMPLE_RESTRICTION | {"lifted_at": "2026-01-20T08:00:00.000Z"},
            "active_restrictions": 0,
        },
    ),
}


def _envelope(event_type: str, data: dict) -> dict:
    return _object(
        {
            "id": {"type": "string", "pattern": "^evt_[a-z0-9]+$"},
            "type": {"const": event_type},
            "api_version": {"const": API_VERSION},
            "created_at": TIME,
            "data": data,
        }
    )


def _envelope_example(event_type: str, data: dict) -> dict:
    return {
        "id": "evt_5m2xq7c4kd9h3n8r6t1v0w2y4a",
        "type": event_type,
        "api_version": API_VERSION,
        "created_at": "2026-01-12T09:30:00.412Z",
        "data": data,
    }


# type: description, the JSON Schema of the whole payload, and an example of it
EVENT_TYPES: dict[str, dict] = {
    event_type: {
        "description": description,
        "schema": {"title": event_type, **_envelope(event_type, data)},
        "example": _envelope_example(event_type, example),
    }
    for event_type, (description, data, example) in _EVENTS.items()
}
