"""A demo case decided by a panel that sized itself (docs/adaptive-panels.md), whatever the
site's ``PANEL_RULE``, on a ballot of final offers (docs/final-offer-ballots.md): the buyer's
full refund, the mediator's partial refund the seller refused, or the claim rejected.

Seven reviewers are drawn first and split four, two and one: not sure enough, and no seat
left open that could make it so, the counting sweep draws six more; the verdict falls as soon
as the weighed votes reach the panel's confidence, counted after each vote as the sweep
would, usually well before the 17-seat majority rule's nine votes for one option."""

from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app
from sqlalchemy import select

from app.cases.models import Case
from app.cases.states import (
    ClaimType,
    Remedy,
)
from app.core.extensions import db
from app.demo.scenario import HOUR, Demo, claim, in_mediation, trade_order
from app.jury.ballot import BallotKind
from app.jury.counting import cast_ballots, count_panel
from app.jury.models import Panel, PanelRule, PanelStatus, Seat, SeatStatus
from app.jury.voting import cast_vote
from app.mediation import services as mediation
from app.mediation.services import Settlement

# places on the final offers' ballot: the buyer's request, the mediator's proposal, rejected
BUYERS, MEDIATORS, REJECTED = 0, 1, 2
# (hours ago, place voted for, reason): the first wave, then the second
FIRST_WAVE = (
    (57, BUYERS, "The buyer's tape measure shows every pole 20 cm short of the listing."),
    (56, MEDIATORS, "The tent is usable with other poles; half the price back is fair."),
    (55, BUYERS, "帐篷杆比商品页面写的短了一截，按说明书根本搭不起来，应当给买家全额退款。"),
    (54, REJECTED, "The listing gives the packed length; the poles may be right when joined."),
    (53, BUYERS, "The seller's own photo of the pitched tent uses a different pole set."),
    (52, MEDIATORS, "杆子确实偏短，但帐篷本身没有问题，退一半货款比较合理。"),
    (51, BUYERS, "买家的照片拍得很清楚，卷尺上的读数显示杆子的尺寸与商品描述明显不符。"),
)
SECOND_WAVE = (
    (44, BUYERS, "A tent that cannot be pitched is not as described, whatever the packing."),
    (43, BUYERS, "每根杆子都短了二十厘米，这不是正常误差，而是商品页面的描述本身有误。"),
    (42, BUYERS, "The seller never answered the measurement; the photos decide it."),
    (41, BUYERS, "卖家没有回应买家的测量结果，现有的照片足以说明问题。"),
    (40, BUYERS, "Short poles make the tent useless for its purpose: a full refund is right."),
    (39, BUYERS, "商品与描述不符，买家有权获得全额退款。"),
)


@contextmanager
def _adaptive_panels() -> Iterator[None]:
    config = current_app.config
    before = config["PANEL_RULE"]
    config["PANEL_RULE"] = PanelRule.ADAPTIVE.value
    try:
        yield
    finally:
        config["PANEL_RULE"] = before


def adaptive_panel_case(demo: Demo) -> Case:
    order = trade_order(demo, "shop04")
    case = in_mediation(
        demo,
        order,
        150 * HOUR,
        claim(ClaimType.NOT_AS_DESCRIBED, "The tent poles are 20 cm shorter than listed."),
    )
    demo.photo(case, order.buyer, 148 * HOUR, "Tent poles against a tape measure", 33)
    half = order.amount_fen // 2
    demo.at(
        64 * HOUR,
        lambda: mediation.propose_settlement(
            case,
            case.mediator,
            Settlement(
                Remedy.PARTIAL_REFUND, half, "Half the price back; the buyer keeps the tent."
            ),
        ),
    )
    demo.at(
        62 * HOUR,
        lambda: mediation.answer_proposal(
            case, order.seller, False, "The listing gives the packed length."
        ),
    )
    with _adaptive_panels():
        demo.at(
            60 * HOUR,
            lambda: mediation.route_to_panel(
                case,
                case.mediator,
                "The buyer says the tent's poles are too short to pitch it; the seller says "
                "the listing gave the packed length.",
                "Was the tent as described, and what should the buyer get?",
                ballot=BallotKind.FINAL_OFFERS,
            ),
        )
    panel = db.session.scalar(select(Panel).where(Panel.case_id == case.id))
    _votes(demo, panel, FIRST_WAVE)  # undecided: the sweep draws the second wave
    _votes(demo, panel, SECOND_WAVE)  # the verdict, before every seat has voted
    return case


def _votes(demo: Demo, panel: Panel, votes) -> None:
    """Each open seat votes in turn, and the sweep counts after each vote, until the panel
    closes."""
    seats = db.session.scalars(
        select(Seat)
        .where(Seat.panel_id == panel.id, Seat.status == SeatStatus.OPEN.value)
        .order_by(Seat.id)
    ).all()
    for seat, (hours_ago, place, reason) in zip(seats, votes, strict=False):
        if panel.status != PanelStatus.OPEN.value:
            return
        demo.at(
            hours_ago * HOUR,
            lambda seat=seat, place=place, reason=reason: (
                cast_vote(seat, seat.reviewer, panel.options[place], reason),
                _count(panel),
            ),
        )


def _count(panel: Panel) -> None:
    """What the counting sweep does for this panel."""
    count_panel(panel, cast_ballots([panel.id])[panel.id])
