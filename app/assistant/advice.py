"""What the assistant answers: from what the buyer says happened and what the order record
shows, the situation, the claim and remedies that fit it, what to check before filing and
which evidence to gather. Plain values in and out, so every path is tested without a page.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from app.cases.states import (
    CLAIMABLE_REMEDIES,
    ClaimType,
    Remedy,
)
from app.orders.models import Order


class Problem(StrEnum):
    """What the buyer says happened: the assistant's first question."""

    NOT_RECEIVED = "not_received"
    DAMAGED = "damaged"
    NOT_AS_DESCRIBED = "not_as_described"
    OTHER = "other"


class Situation(StrEnum):
    """What happened, once the order record is read beside the buyer's answer."""

    NOT_SHIPPED = "not_shipped"  # the seller never shipped: the refund path
    IN_TRANSIT = "in_transit"  # shipped, the tracking does not say delivered
    DELIVERED_BUT_MISSING = "delivered_but_missing"  # the tracking says delivered
    DAMAGED = "damaged"
    NOT_AS_DESCRIBED = "not_as_described"
    OTHER = "other"  # no answer of the platform's own: a mediator reads the claim


class Check(StrEnum):
    """What to look into before filing when the tracking says the parcel was delivered."""

    NEIGHBOURS = "neighbours"
    LOCKER = "locker"
    SIGN_OFF_PHOTO = "sign_off_photo"


class Evidence(StrEnum):
    TRACKING_PAGE = "tracking_page"
    CHAT_WITH_SELLER = "chat_with_seller"
    PARCEL_PHOTOS = "parcel_photos"
    ITEM_PHOTOS = "item_photos"
    PACKAGING = "packaging"
    UNBOXING_VIDEO = "unboxing_video"
    LISTING = "listing"


@dataclass(frozen=True)
class OrderRecord:
    """What the marketplace's record of the order says about its shipping."""

    shipped_at: datetime | None
    delivered_at: datetime | None
    carrier: str | None
    tracking_number: str | None

    @classmethod
    def of(cls, order: Order) -> "OrderRecord":
        return cls(order.shipped_at, order.delivered_at, order.carrier, order.tracking_number)


@dataclass(frozen=True)
class Advice:
    situation: Situation
    claim_type: ClaimType | None  # None: the buyer chooses it on the claim form
    remedies: tuple[Remedy, ...]  # those that fit, the one suggested first
    suggested: Remedy | None
    checks: tuple[Check, ...] = ()
    evidence: tuple[Evidence, ...] = ()


def advise(problem: Problem, record: OrderRecord) -> Advice:
    if problem is Problem.NOT_RECEIVED:
        return _not_received(record)
    if problem is Problem.DAMAGED:
        return Advice(
            Situation.DAMAGED,
            ClaimType.DAMAGED_IN_TRANSIT,
            (Remedy.REPLACEMENT, Remedy.RETURN_AND_REFUND, Remedy.PARTIAL_REFUND),
            Remedy.REPLACEMENT,
            evidence=(
                Evidence.PARCEL_PHOTOS,
                Evidence.ITEM_PHOTOS,
                Evidence.PACKAGING,
                Evidence.UNBOXING_VIDEO,
            ),
        )
    if problem is Problem.NOT_AS_DESCRIBED:
        return Advice(
            Situation.NOT_AS_DESCRIBED,
            ClaimType.NOT_AS_DESCRIBED,
            (Remedy.RETURN_AND_REFUND, Remedy.PARTIAL_REFUND, Remedy.REPLACEMENT),
            Remedy.RETURN_AND_REFUND,
            evidence=(Evidence.LISTING, Evidence.ITEM_PHOTOS, Evidence.CHAT_WITH_SELLER),
        )
    return Advice(
        Situation.OTHER, None, CLAIMABLE_REMEDIES, None, evidence=(Evidence.CHAT_WITH_SELLER,)
    )


def _not_received(record: OrderRecord) -> Advice:
    if record.shipped_at is None and record.delivered_at is None:
        # nothing left the seller: the whole payment comes back, there is nothing to replace
        return Advice(
            Situation.NOT_SHIPPED,
            ClaimType.NOT_RECEIVED,
            (Remedy.FULL_REFUND,),
            Remedy.FULL_REFUND,
            evidence=(Evidence.CHAT_WITH_SELLER,),
        )
    remedies = (Remedy.FULL_REFUND, Remedy.REPLACEMENT)
    evidence = (Evidence.TRACKING_PAGE, Evidence.CHAT_WITH_SELLER)
    if record.delivered_at is None:
        return Advice(
            Situation.IN_TRANSIT,
            ClaimType.NOT_RECEIVED,
            remedies,
            Remedy.FULL_REFUND,
            evidence=evidence,
        )
    return Advice(
        Situation.DELIVERED_BUT_MISSING,
        ClaimType.NOT_RECEIVED,
        remedies,
        Remedy.FULL_REFUND,
        checks=(Check.NEIGHBOURS, Check.LOCKER, Check.SIGN_OFF_PHOTO),
        evidence=evidence,
    )


def main_category(order: Order) -> str | None:
    """The category "cases like yours" compares: that of the order's first item."""
    return order.items[0].category if order.items else None
