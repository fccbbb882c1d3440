"""The case of the redaction corpus (``redaction_corpus``): its parties, order and tracking
number, as rows or as the plain values the ``Redactor`` reads."""

from types import SimpleNamespace

from app.core.extensions import db
from tests.helpers.factories import make_case_row, make_order, make_user
from tests.helpers.redaction_corpus import BUYER, ORDER_ID, SELLER, TRACKING


def corpus_case(buyer=BUYER, seller=SELLER, order_id=ORDER_ID, tracking=TRACKING):
    """The corpus's case as plain values: what a ``Redactor`` reads of a case, no rows."""
    return SimpleNamespace(
        buyer=_person(buyer),
        seller=_person(seller),
        order=SimpleNamespace(marketplace_order_id=order_id, tracking_number=tracking),
        evidence=[],
    )


def _person(values: dict) -> SimpleNamespace:
    return SimpleNamespace(
        display_name=values["name"],
        email=values["email"],
        shop_name=values["shop_name"],
        marketplace_user_id=values["marketplace_user_id"],
    )


def corpus_case_row(state: str = "panel"):
    """The corpus's case as rows, its parties known to the platform as ``BUYER``, ``SELLER``."""
    buyer, seller = (
        make_user(name=values["name"], email=values["email"], shop_name=values["shop_name"])
        for values in (BUYER, SELLER)
    )
    buyer.marketplace_user_id = BUYER["marketplace_user_id"]
    seller.marketplace_user_id = SELLER["marketplace_user_id"]
    order = make_order(buyer, seller)
    order.marketplace_order_id, order.tracking_number = ORDER_ID, TRACKING
    db.session.flush()
    return make_case_row(order, state=state)
