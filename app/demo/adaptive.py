"""A demo case decided by a panel that sized itself (docs/adaptive-panels.md), whatever the
site's ``PANEL_RULE``: five reviewers drawn first, four for the buyer and one for the
seller; not sure enough, the counting sweep draws four more; three more votes for the buyer
and the verdict falls with eight votes, where the 17-seat majority rule waits for nine.

The ballot is the claim's (``mediation.route_to_panel`` chooses it with
``ballot.ballot_for_claim``)."""

from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app
from sqlalchemy import select

from app.cases.models import Case, ClaimType
from app.core.extensions import db
from app.demo.scenario import HOUR, Demo, claim, in_mediation, trade_order
from app.jury.counting import cast_ballots, count_panel
from app.jury.models import Panel, PanelRule, Seat, SeatStatus
from app.jury.voting import cast_vote
from app.mediation import services as mediation

FOR_BUYER, FOR_SELLER = 0, 1  # places on the claim's ballot
# (hours ago, place voted for, reason): the first wave, then the second
FIRST_WAVE = (
    (57, FOR_BUYER, "The buyer's tape measure shows every pole 20 cm short of the listing."),
    (55, FOR_SELLER, "The listing gives the packed length; the poles may be right when joined."),
    (54, FOR_BUYER, "帐篷杆比商品页面写的短了一截，按说明书根本搭不起来，应当给买家退款。"),
    (52, FOR_BUYER, "The seller's own photo of the pitched tent uses a different pole set."),
    (51, FOR_BUYER, "买家的照片拍得很清楚，卷尺上的读数显示杆子的尺寸与商品描述明显不符。"),
)
SECOND_WAVE = (
    (44, FOR_BUYER, "A tent that cannot be pitched is not as described, whatever the packing."),
    (42, FOR_BUYER, "每根杆子都短了二十厘米，这不是正常误差，而是商品页面的描述本身有误。"),
    (41, FOR_BUYER, "The seller never answered the measurement; the photos decide it."),
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
    with _adaptive_panels():
        demo.at(
            60 * HOUR,
            lambda: mediation.route_to_panel(
                case,
                case.mediator,
                "The buyer says the tent's poles are too short to pitch it; the seller says "
                "the listing gave the packed length.",
                "Was the tent as described?",
            ),
        )
    panel = db.session.scalar(select(Panel).where(Panel.case_id == case.id))
    _votes(demo, panel, FIRST_WAVE)
    demo.at(50 * HOUR, lambda: _count(panel))  # undecided: the second wave is drawn
    _votes(demo, panel, SECOND_WAVE)
    demo.at(40 * HOUR, lambda: _count(panel))  # the verdict
    return case


def _votes(demo: Demo, panel: Panel, votes) -> None:
    seats = db.session.scalars(
        select(Seat)
        .where(Seat.panel_id == panel.id, Seat.status == SeatStatus.OPEN.value)
        .order_by(Seat.id)
    ).all()
    for seat, (hours_ago, place, reason) in zip(seats, votes, strict=False):
        demo.at(
            hours_ago * HOUR,
            lambda seat=seat, place=place, reason=reason: cast_vote(
                seat, seat.reviewer, panel.options[place], reason
            ),
        )


def _count(panel: Panel) -> None:
    """What the counting sweep does for this panel."""
    count_panel(panel, cast_ballots([panel.id])[panel.id])
