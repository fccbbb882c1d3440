"""What every demo scenario is built with: the demo's people and a way to act in the past
(``clock.frozen_at``) through the real transitions, with real evidence files."""

import io
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select

from app.auth.models import User
from app.cases import services
from app.cases.evidence import NewEvidence, add_evidence
from app.cases.models import (
    Case,
    EvidenceEntry,
    EvidenceKind,
)
from app.cases.states import (
    ClaimType,
    Remedy,
    ResponsibleParty,
    Severity,
)
from app.core import clock
from app.core.extensions import db
from app.demo.media import document_pdf, packing_video, photo
from app.orders.models import Order, OrderStatus
from app.scheduler.deadlines import sweep_case_deadlines

HOUR = timedelta(hours=1)


class Demo:
    def __init__(self):
        self.now = clock.now()
        users = db.session.scalars(select(User).where(User.email.like("%@example.com")))
        self.people = {user.email.split("@")[0]: user for user in users}
        self.cases: list[Case] = []

    def order(self, buyer: str, seller: str, status: OrderStatus) -> Order:
        return db.session.scalars(
            select(Order)
            .where(
                Order.buyer_id == self.people[buyer].id,
                Order.seller_id == self.people[seller].id,
                Order.status == status.value,
            )
            .order_by(Order.id)
        ).first()

    def open(self, order: Order, ago: timedelta, claim: services.Claim) -> Case:
        with clock.frozen_at(self.now - ago):
            case = services.open_case(order, order.buyer, claim)
        self.cases.append(case)
        return case

    def at(self, ago: timedelta, step: Callable[[], object]) -> None:
        with clock.frozen_at(self.now - ago):
            step()

    def sweep_at(self, moment: datetime) -> None:
        with clock.frozen_at(moment):
            sweep_case_deadlines()

    def evidence(self, case: Case, author: User, ago: timedelta, **fields) -> EvidenceEntry:
        with clock.frozen_at(self.now - ago):
            return add_evidence(case, author, NewEvidence(**fields))

    def photo(self, case, author, ago, caption: str, seed: int) -> EvidenceEntry:
        return self.evidence(
            case,
            author,
            ago,
            upload=io.BytesIO(photo(caption, seed)),
            filename=f"IMG_{2000 + seed}.jpg",
        )

    def pdf(self, case, author, ago, name: str, title: str, lines: list[str]) -> EvidenceEntry:
        return self.evidence(
            case,
            author,
            ago,
            upload=io.BytesIO(document_pdf(title, lines)),
            filename=name,
        )

    def video(self, case, author, ago, name: str, caption: str) -> EvidenceEntry:
        upload = io.BytesIO(packing_video(caption))
        return self.evidence(case, author, ago, upload=upload, filename=name)

    def say(self, case, author, ago, text: str) -> None:
        self.evidence(case, author, ago, kind=EvidenceKind.STATEMENT, text=text)


def in_mediation(demo: Demo, order: Order, ago: timedelta, claim) -> Case:
    """Open, accept, contest, and let the evidence window close: the case reaches mediation
    ``ago - 80 h`` ago."""
    case = demo.open(order, ago, claim)
    demo.at(ago - 2 * HOUR, lambda: services.accept_intake(case, case.mediator, Severity.IMPORTANT))
    demo.at(
        ago - 6 * HOUR,
        lambda: services.seller_contests(case, order.seller, "We shipped exactly what was listed."),
    )
    demo.sweep_at(demo.now - ago + 80 * HOUR)
    return case


def trade_order(demo: Demo, shop: str) -> Order:
    """A recent delivered order of one of the extra shops, for cases between people beyond
    the demo's named buyers and sellers."""
    return db.session.scalars(
        select(Order)
        .where(
            Order.seller_id == demo.people[shop].id,
            Order.status.in_([OrderStatus.DELIVERED.value, OrderStatus.COMPLETED.value]),
            Order.placed_at > demo.now - timedelta(days=70),
        )
        .order_by(Order.placed_at.desc(), Order.id)
    ).first()


def claim(kind: ClaimType, description: str, remedy=Remedy.FULL_REFUND, amount=None, **extra):
    return services.Claim(kind, ResponsibleParty.SELLER, description, remedy, amount, **extra)
