"""Demo cases in every state so far, built with the real transitions and real evidence files.

Each scenario travels back in time (``clock.frozen_at``) to open its case, so deadlines and
timelines look as they would in life. One case is left a few minutes from its seller's
deadline, so the running scheduler can be watched giving a default judgment.
"""

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from app.cases import services
from app.cases.models import Case
from app.cases.releases import decide_release
from app.cases.states import (
    ClaimType,
    Remedy,
    Severity,
)
from app.closing.services import rate_case
from app.core import clock
from app.core.extensions import db
from app.demo.adaptive import adaptive_panel_case
from app.demo.scenario import HOUR, Demo, claim, in_mediation, trade_order
from app.execution import services as execution
from app.execution.services import obligations_of
from app.execution.sweeps import sweep_obligations
from app.jury.models import Panel
from app.jury.voting import cast_vote
from app.mediation import services as mediation
from app.mediation.services import Settlement
from app.orders.models import OrderStatus


def _contested(demo: Demo) -> Case:
    """buyer ↔ seller, evidence window open: photos, a courier PDF and statements."""
    order = demo.order("buyer", "seller", OrderStatus.COMPLETED)
    case = demo.open(
        order,
        50 * HOUR,
        claim(
            ClaimType.DAMAGED_IN_TRANSIT,
            "耳机盒子到货时被压坏，左耳机无法充电。The box was crushed on arrival and the left "
            "earbud does not charge.",
        ),
    )
    buyer, seller = order.buyer, order.seller
    demo.photo(case, buyer, 50 * HOUR, "Parcel on arrival", 11)
    demo.photo(case, buyer, 49 * HOUR, "Left earbud, charging light off", 12)
    demo.at(46 * HOUR, lambda: services.accept_intake(case, case.mediator, Severity.IMPORTANT))
    demo.at(
        30 * HOUR,
        lambda: services.seller_contests(
            case,
            seller,
            "包裹出库时完好，有出库称重记录。The parcel left our warehouse intact; the courier "
            "report shows no damage at hand-over.",
        ),
    )
    demo.pdf(
        case,
        seller,
        29 * HOUR,
        "courier-report.pdf",
        f"{order.carrier} hand-over report",
        [
            f"Waybill: {order.tracking_number}",
            "Weight at pick-up: 0.42 kg",
            "Condition: no visible damage",
        ],
    )
    demo.say(case, buyer, 20 * HOUR, "The courier left the box at the door in the rain.")
    demo.photo(case, buyer, 19 * HOUR, "Water stain on the box", 13)
    return case


def _awaiting_silent_seller(demo: Demo) -> Case:
    """buyer ↔ seller, a few minutes before the seller's deadline: the scheduler will give
    the default judgment while you watch."""
    order = demo.order("buyer", "seller", OrderStatus.SHIPPED)
    window = current_app.config["SELLER_RESPONSE_WINDOW"]
    opened = window + 2 * HOUR - timedelta(minutes=5)
    case = demo.open(
        order, opened, claim(ClaimType.NOT_RECEIVED, "Tracking has not moved for nine days.")
    )
    demo.at(
        opened - 2 * HOUR, lambda: services.accept_intake(case, case.mediator, Severity.IMPORTANT)
    )
    return case


def _filed(demo: Demo) -> Case:
    order = demo.order("buyer", "seller", OrderStatus.PLACED)
    case = demo.open(
        order,
        3 * HOUR,
        claim(ClaimType.LATE_DELIVERY, "Promised dispatch in 48 hours; nothing after 3 days."),
    )
    demo.say(case, order.buyer, 3 * HOUR, "The shop page promised dispatch within 48 hours.")
    return case


def _returned(demo: Demo) -> Case:
    order = demo.order("buyer", "seller2", OrderStatus.DELIVERED)
    case = demo.open(
        order,
        20 * HOUR,
        claim(
            ClaimType.NOT_AS_DESCRIBED,
            "茶叶味道不对。The tea tastes wrong.",
            Remedy.PARTIAL_REFUND,
            5000,
        ),
    )
    demo.at(
        18 * HOUR,
        lambda: services.return_case(
            case, case.mediator, "Please add a photo of the packaging and its batch number."
        ),
    )
    return case


def _mediation(demo: Demo) -> Case:
    order = demo.order("buyer", "seller2", OrderStatus.COMPLETED)
    case = demo.open(
        order,
        160 * HOUR,
        claim(
            ClaimType.COUNTERFEIT,
            "The seal and the leaf grade differ from the listing.",
            safety_or_fraud=True,
        ),
    )
    buyer, seller = order.buyer, order.seller
    demo.photo(case, buyer, 160 * HOUR, "Seal on the tea cake", 21)
    demo.at(158 * HOUR, lambda: services.accept_intake(case, case.mediator, Severity.URGENT))
    demo.at(
        150 * HOUR,
        lambda: services.seller_contests(case, seller, "Our tea is genuine; see the certificate."),
    )
    demo.pdf(
        case,
        seller,
        149 * HOUR,
        "certificate.pdf",
        "Certificate of origin",
        ["Producer: Menghai Tea Factory", "Batch: 2024-0611", "Grade: first flush"],
    )
    demo.say(case, buyer, 100 * HOUR, "The batch number on my cake is 2023-1102, not 2024-0611.")
    demo.sweep_at(demo.now - 78 * HOUR)
    demo.say(case, buyer, 10 * HOUR, "I also found the shop's old listing with another grade.")
    return case


def _default_judgment(demo: Demo) -> Case:
    order = demo.order("buyer", "seller2", OrderStatus.SHIPPED)
    case = demo.open(order, 100 * HOUR, claim(ClaimType.NOT_RECEIVED, "Never arrived."))
    demo.at(98 * HOUR, lambda: services.accept_intake(case, case.mediator, Severity.IMPORTANT))
    demo.sweep_at(demo.now - 20 * HOUR)
    return case


def _settled(demo: Demo) -> Case:
    order = demo.order("buyer", "seller2", OrderStatus.PLACED)
    case = demo.open(order, 60 * HOUR, claim(ClaimType.LATE_DELIVERY, "Still not shipped."))
    demo.at(58 * HOUR, lambda: services.accept_intake(case, case.mediator, Severity.GENERAL))
    demo.at(
        40 * HOUR,
        lambda: services.seller_counter_offers(
            case,
            order.seller,
            Remedy.COMPENSATION,
            1000,
            "Sorry for the delay: ¥10 off, shipping today.",
        ),
    )
    demo.at(30 * HOUR, lambda: services.buyer_accepts_counter_offer(case, order.buyer))
    return case


def _counter_offer_pending(demo: Demo) -> Case:
    order = demo.order("buyer2", "seller", OrderStatus.DELIVERED)
    case = demo.open(
        order,
        30 * HOUR,
        claim(ClaimType.NOT_AS_DESCRIBED, "The keyboard has brown switches, not red."),
    )
    demo.photo(case, order.buyer, 30 * HOUR, "Switches under the keycaps", 31)
    demo.at(28 * HOUR, lambda: services.accept_intake(case, case.mediator, Severity.IMPORTANT))
    demo.at(
        10 * HOUR,
        lambda: services.seller_counter_offers(
            case, order.seller, Remedy.PARTIAL_REFUND, 5000, "We can refund ¥50 and you keep it."
        ),
    )
    return case


def _seller_accepted(demo: Demo) -> Case:
    order = demo.order("buyer2", "seller", OrderStatus.COMPLETED)
    case = demo.open(order, 40 * HOUR, claim(ClaimType.DAMAGED_IN_TRANSIT, "Cracked screen."))
    demo.photo(case, order.buyer, 40 * HOUR, "Cracked screen", 41)
    demo.at(38 * HOUR, lambda: services.accept_intake(case, case.mediator, Severity.IMPORTANT))
    demo.at(30 * HOUR, lambda: services.seller_accepts_claim(case, order.seller))
    return case


def _withdrawn(demo: Demo) -> Case:
    order = demo.order("buyer2", "seller", OrderStatus.SHIPPED)
    case = demo.open(order, 70 * HOUR, claim(ClaimType.NOT_RECEIVED, "Not here yet."))
    demo.at(50 * HOUR, lambda: services.withdraw_case(case, order.buyer))
    return case


def _proposal(demo: Demo) -> Case:
    """buyer2 ↔ seller2: the mediator's proposal waits for the seller; the buyer accepted."""
    order = demo.order("buyer2", "seller2", OrderStatus.DELIVERED)
    case = in_mediation(
        demo,
        order,
        100 * HOUR,
        claim(ClaimType.NOT_AS_DESCRIBED, "The tea is last year's harvest."),
    )
    demo.at(
        15 * HOUR,
        lambda: mediation.propose_settlement(
            case,
            case.mediator,
            Settlement(
                Remedy.PARTIAL_REFUND,
                6000,
                "The listing said 2026 harvest; the tin says 2025.",
            ),
        ),
    )
    demo.at(10 * HOUR, lambda: mediation.answer_proposal(case, order.buyer, True))
    return case


ORGANIC_REASONS = (
    "The listing says organic without any certificate; that misleads buyers.",
    "页面写着“有机”，却拿不出任何认证，这就是误导消费者。",
    "A farming record written by the seller is not proof; buyers read 'organic' as certified.",
    "卖家自己也承认没有申请认证，标题里不该写“有机”二字。",
    "The buyer's photo shows no organic mark on the label, which the listing implied.",
    "种植方式也许没问题，但宣传用词超出了卖家能证明的范围，应当退款。",
    "Other tea shops only say organic when certified; this one took an unfair advantage.",
    "包装上没有有机标志，买家按页面描述下单，理应得到全额退款。",
)


def _panel(demo: Demo) -> Case:
    """buyer2 ↔ seller2: contested, proposal rejected, routed to a reviewer panel, which sees
    the buyer's photo and the seller's farming record and packing video (released)."""
    order = demo.order("buyer2", "seller2", OrderStatus.COMPLETED)
    case = in_mediation(
        demo,
        order,
        130 * HOUR,
        claim(ClaimType.FALSE_ADVERTISING, "Listed as organic; it is not."),
    )
    demo.photo(case, order.buyer, 128 * HOUR, "Label without the organic mark", 51)
    record = demo.pdf(
        case,
        order.seller,
        120 * HOUR,
        "farming-record.pdf",
        "Tea garden farming record, spring 2024",
        ["No chemical fertiliser since 2019", "Pests picked by hand", "No certificate applied for"],
    )
    packing = demo.video(case, order.seller, 119 * HOUR, "packing.webm", "Packing the tea cake")
    # the mediator looked at both and shows them to the panel
    for entry in (record, packing):
        demo.at(45 * HOUR, lambda entry=entry: decide_release(entry, case.mediator, True))
    demo.at(
        40 * HOUR,
        lambda: mediation.propose_settlement(
            case,
            case.mediator,
            Settlement(Remedy.PARTIAL_REFUND, 3000, "Split the difference."),
        ),
    )
    demo.at(35 * HOUR, lambda: mediation.answer_proposal(case, order.seller, False))
    demo.at(
        10 * HOUR,
        lambda: mediation.route_to_panel(
            case,
            case.mediator,
            "The buyer says the tea was sold as organic without certification; the seller says "
            "'organic' described the farming method, not a certificate.",
            "Was the listing misleading enough to justify a refund?",
        ),
    )
    # eight reviewers have voted for the buyer, each in their own words: the ninth decides
    panel = db.session.scalar(select(Panel).where(Panel.case_id == case.id))
    for number, (seat, reason) in enumerate(zip(panel.seat_rows[:8], ORGANIC_REASONS, strict=True)):
        demo.at(
            (9 - number) * HOUR,
            lambda seat=seat, reason=reason: cast_vote(
                seat, seat.reviewer, panel.options[0], reason
            ),
        )
    return case


def _closed_and_rated(demo: Demo) -> Case:
    """An everyday case carried out to the end: refund paid, confirmed, closed and rated."""
    order = trade_order(demo, "shop01")
    case = demo.open(order, 9 * 24 * HOUR, claim(ClaimType.DAMAGED_IN_TRANSIT, "Cracked lid."))
    demo.photo(case, order.buyer, 9 * 24 * HOUR, "Cracked lid", 61)
    demo.at(8 * 24 * HOUR, lambda: services.accept_intake(case, case.mediator, Severity.GENERAL))
    demo.at(7 * 24 * HOUR, lambda: services.seller_accepts_claim(case, order.seller))
    [refund] = obligations_of(case)
    demo.at(
        6 * 24 * HOUR,
        lambda: execution.mark_done(refund, order.seller, "Refunded via Alipay, ref 8841.", None),
    )
    demo.at(5 * 24 * HOUR, lambda: execution.confirm(refund, order.buyer))
    demo.at(
        4 * 24 * HOUR, lambda: rate_case(case, order.buyer, 5, "Quick and fair. 很快，很公平。")
    )
    demo.at(3 * 24 * HOUR, lambda: rate_case(case, order.seller, 4, "Clear process."))
    return case


def _penalised_seller(demo: Demo) -> Case:
    """A shop that agreed to refund and never paid: the deposit paid instead, the shop is
    restricted and listed as penalised."""
    order = trade_order(demo, "shop03")
    case = demo.open(
        order,
        5 * 24 * HOUR,
        claim(
            ClaimType.COUNTERFEIT,
            "面霜的防伪码查询无效，质地和气味也和专柜的不同。The cream's anti-counterfeit "
            "code does not verify, and it smells different from the counter's.",
            safety_or_fraud=True,
        ),
    )
    demo.at(
        5 * 24 * HOUR - 3 * HOUR,
        lambda: services.accept_intake(case, case.mediator, Severity.URGENT),
    )
    demo.at(4 * 24 * HOUR, lambda: services.seller_accepts_claim(case, order.seller))
    with clock.frozen_at(demo.now - 30 * HOUR):
        sweep_obligations()
    return case


def _executing(demo: Demo) -> Case:
    """A return and refund under way: the buyer shipped, the seller must confirm receipt."""
    order = trade_order(demo, "shop02")
    case = demo.open(
        order,
        4 * 24 * HOUR,
        claim(
            ClaimType.NOT_AS_DESCRIBED,
            "积木少了二十多块，城堡搭不完整。More than twenty bricks are missing; the castle "
            "cannot be finished.",
            Remedy.RETURN_AND_REFUND,
        ),
    )
    demo.at(
        4 * 24 * HOUR - 2 * HOUR,
        lambda: services.accept_intake(case, case.mediator, Severity.IMPORTANT),
    )
    demo.at(3 * 24 * HOUR, lambda: services.seller_accepts_claim(case, order.seller))
    ship = obligations_of(case)[0]
    demo.at(
        2 * 24 * HOUR,
        lambda: execution.mark_done(
            ship, order.buyer, "已用顺丰寄回。Returned by SF Express.", "SF778899001122"
        ),
    )
    return case


SCENARIOS = (
    _contested,
    _awaiting_silent_seller,
    _filed,
    _returned,
    _mediation,
    _default_judgment,
    _settled,
    _counter_offer_pending,
    _seller_accepted,
    _withdrawn,
    _proposal,
    _panel,
    adaptive_panel_case,
    _closed_and_rated,
    _penalised_seller,
    _executing,
)


def seed_cases() -> int:
    demo = Demo()
    for scenario in SCENARIOS:
        scenario(demo)
    db.session.flush()
    return len(demo.cases)
