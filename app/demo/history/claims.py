"""The claims of the demo's history, spread over the types, the parties blamed and the
remedies as a marketplace's complaints are."""

import random

from app.cases.services import Claim
from app.cases.states import (
    ClaimType,
    Remedy,
    ResponsibleParty,
)
from app.demo.history.words import DESCRIPTIONS, fits

TYPE_WEIGHTS = {
    ClaimType.NOT_AS_DESCRIBED: 22,
    ClaimType.NOT_RECEIVED: 15,
    ClaimType.DAMAGED_IN_TRANSIT: 13,
    ClaimType.RETURN_EXCHANGE: 12,
    ClaimType.LATE_DELIVERY: 10,
    ClaimType.FALSE_ADVERTISING: 8,
    ClaimType.COUNTERFEIT: 7,
    ClaimType.SERVICE_ATTITUDE: 6,
}
REMEDIES = {
    ClaimType.NOT_RECEIVED: (Remedy.FULL_REFUND,),
    ClaimType.NOT_AS_DESCRIBED: (
        Remedy.RETURN_AND_REFUND,
        Remedy.PARTIAL_REFUND,
        Remedy.REPLACEMENT,
    ),
    ClaimType.COUNTERFEIT: (Remedy.FULL_REFUND, Remedy.RETURN_AND_REFUND, Remedy.COMPENSATION),
    ClaimType.DAMAGED_IN_TRANSIT: (
        Remedy.REPLACEMENT,
        Remedy.PARTIAL_REFUND,
        Remedy.RETURN_AND_REFUND,
        Remedy.FULL_REFUND,
    ),
    ClaimType.LATE_DELIVERY: (Remedy.COMPENSATION, Remedy.PARTIAL_REFUND),
    ClaimType.FALSE_ADVERTISING: (
        Remedy.PARTIAL_REFUND,
        Remedy.RETURN_AND_REFUND,
        Remedy.COMPENSATION,
    ),
    ClaimType.SERVICE_ATTITUDE: (Remedy.COMPENSATION,),
    ClaimType.RETURN_EXCHANGE: (Remedy.FULL_REFUND, Remedy.REPLACEMENT),
}
# the courier is blamed for goods lost, late or broken on the way
CARRIED = {ClaimType.NOT_RECEIVED, ClaimType.DAMAGED_IN_TRANSIT, ClaimType.LATE_DELIVERY}
BLAME_WEIGHTS = {
    True: {
        ResponsibleParty.LOGISTICS: 50,
        ResponsibleParty.SELLER: 44,
        ResponsibleParty.PLATFORM: 6,
    },
    False: {
        ResponsibleParty.SELLER: 86,
        ResponsibleParty.PLATFORM: 9,
        ResponsibleParty.LOGISTICS: 5,
    },
}
# amounts asked for, in fen: small enough for any order of the demo's goods
ASKED_FEN = (1000, 2000, 3000, 5000)


def random_claim(rng: random.Random, categories: set[str]) -> Claim:
    """A claim about an order of a shop selling ``categories``: its description fits at
    least one of them."""
    claim_type = rng.choices(list(TYPE_WEIGHTS), list(TYPE_WEIGHTS.values()))[0]
    blame = BLAME_WEIGHTS[claim_type in CARRIED]
    remedy = rng.choice(REMEDIES[claim_type])
    amount = (
        rng.choice(ASKED_FEN) if remedy in (Remedy.PARTIAL_REFUND, Remedy.COMPENSATION) else None
    )
    fraud = rng.random() < (0.6 if claim_type is ClaimType.COUNTERFEIT else 0.03)
    return Claim(
        claim_type,
        rng.choices(list(blame), list(blame.values()))[0],
        rng.choice(
            [
                description
                for description in DESCRIPTIONS[claim_type]
                if any(fits(description, category) for category in categories)
            ]
        ),
        remedy,
        amount,
        safety_or_fraud=fraud,
    )
