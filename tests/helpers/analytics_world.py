"""A small world whose every analytics figure is worked out by hand in
``tests/test_analytics_figures.py``: seven cases filed in March 2026 (one more in February,
outside the range), built row by row so each duration is exact.

| case | filed | type | blames | category | intake | first act | decided by | after |
|---|---|---|---|---|---|---|---|---|
| c1 | 2 Mar | damaged | seller | electronics | 2 h | – | seller accepted | 10 h |
| c2 | 3 Mar | not received | logistics | books | 30 h | – | counter-offer | 40 h |
| c3 | 4 Mar | damaged | seller | electronics | 4 h | 5 h | first proposal | 100 h |
| c4 | 5 Mar | damaged | seller | electronics | 6 h | 30 h | second proposal | 200 h |
| c5 | 6 Mar | counterfeit | platform | electronics | 8 h | 10 h | mediator | 300 h |
| c6 | 7 Mar | not received | seller | books | 1 h | 20 h | panel, appealed | 400 h |
| c7 | 8 Mar | damaged | seller | books | – | – | (at intake) |  |
| c8 | 20 Feb | damaged | seller | electronics | 1 h | – | default | 80 h |

Mediator One holds c1–c3, Mediator Two c4–c6.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from app.analytics.facts import refresh_case_facts
from app.auth.models import Role, User
from app.cases.models import Case
from app.closing.models import Rating
from app.core import clock
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.execution.models import DepositEntry, Obligation, SellingRestriction
from app.jury.models import Appeal, Panel, Reviewer, Seat, Tally, Vote
from app.mediation.models import SettlementProposal
from tests.helpers.factories import make_case_row, make_order, make_reviewers, make_user

NOW = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)
FOR_BUYER, FOR_SELLER = "grant:full_refund:19900", "reject"
INJECTED_COMMENT = '=HYPERLINK("http://evil.example","click")'
FAIR_COMMENT = "Quick and fair, thank you."


@dataclass
class World:
    cases: dict[str, Case] = field(default_factory=dict)
    mediators: list[User] = field(default_factory=list)
    parties: list[User] = field(default_factory=list)


def march(day: int, hour: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


def hours(count: float) -> timedelta:
    return timedelta(hours=count)


def build_world() -> World:
    clock.freeze(NOW)
    world = World()
    one = make_user(name="Mediator One", roles=(Role.MEDIATOR,))
    two = make_user(name="Mediator Two", roles=(Role.MEDIATOR,))
    world.mediators = [one, two]
    rows = [
        (
            "c1",
            march(2),
            "damaged_in_transit",
            "seller",
            "electronics",
            one,
            2,
            "seller_accepted",
            10,
        ),
        (
            "c2",
            march(3),
            "not_received",
            "logistics",
            "books",
            one,
            30,
            "counter_offer_accepted",
            40,
        ),
        (
            "c3",
            march(4),
            "damaged_in_transit",
            "seller",
            "electronics",
            one,
            4,
            "proposal_accepted",
            100,
        ),
        (
            "c4",
            march(5),
            "damaged_in_transit",
            "seller",
            "electronics",
            two,
            6,
            "proposal_accepted",
            200,
        ),
        ("c5", march(6), "counterfeit", "platform", "electronics", two, 8, "mediator", 300),
        ("c6", march(7), "not_received", "seller", "books", two, 1, "panel", 400),
        ("c7", march(8), "damaged_in_transit", "seller", "books", one, None, None, None),
        (
            "c8",
            datetime(2026, 2, 20, tzinfo=UTC),
            "damaged_in_transit",
            "seller",
            "electronics",
            one,
            1,
            "default_judgment",
            80,
        ),
    ]
    for name, filed_at, claim_type, blames, category, mediator, intake, kind, decided in rows:
        buyer = make_user(name=f"Buyer {name}", email=f"buyer-{name}@example.com")
        seller = make_user(
            name=f"Seller {name}", email=f"seller-{name}@example.com", shop_name=f"Shop {name}"
        )
        world.parties += [buyer, seller]
        fields = {}
        if kind is not None:
            fields = {
                "state": "closed",
                "outcome": "settled" if kind.endswith("accepted") else "for_buyer",
                "decision_kind": kind,
                "decision_remedy": "full_refund",
                "decided_at": filed_at + hours(decided),
                "closed_reason": "completed",
                "closed_at": filed_at + hours(decided + 24),
            }
        world.cases[name] = make_case_row(
            make_order(buyer, seller, category=category),
            state=fields.pop("state", "filed"),
            claim_type=claim_type,
            responsible_party=blames,
            mediator=mediator,
            filed_at=filed_at,
            severity_confirmed_at=None if intake is None else filed_at + hours(intake),
            **fields,
        )
    _first_actions(world)
    _proposals(world)
    _obligations_and_enforcement(world)
    _panels(world)
    _ratings(world)
    db.session.flush()
    refresh_case_facts()  # the figures read the facts the sweep keeps
    return world


def _event(case: Case, action: str, at: datetime) -> None:
    db.session.add(
        AuditEvent(action=action, subject_type="cases", subject_id=str(case.id), created_at=at)
    )


def _first_actions(world: World) -> None:
    """Into mediation on day 4 at noon; the first step after 5, 30, 10 and 20 hours. c4's
    evidence was reopened and closed again (the first entry counts); c3's question before
    its proposal is not a step; c5's later decision is not its first."""
    steps = {
        "c3": ("case.proposed", 5),
        "c4": ("case.proposed", 30),
        "c5": ("case.proposed", 10),
        "c6": ("case.routed_to_panel", 20),
    }
    for name, (action, after) in steps.items():
        case = world.cases[name]
        started = case.filed_at + timedelta(days=4)
        _event(case, "case.evidence_closed", started)
        _event(case, action, started + hours(after))
    c3, c4, c5 = world.cases["c3"], world.cases["c4"], world.cases["c5"]
    _event(c3, "case.question_asked", c3.filed_at + timedelta(days=4) + hours(1))
    _event(c4, "case.evidence_closed", c4.filed_at + timedelta(days=4) + hours(2))
    _event(c5, "case.decided_by_mediator", c5.filed_at + timedelta(days=6))


def _proposal(case: Case, status: str) -> None:
    db.session.add(
        SettlementProposal(
            case_id=case.id,
            mediator_id=case.mediator_id,
            outcome="full_refund",
            rationale="Refund in full.",
            status=status,
            created_at=case.filed_at + timedelta(days=5),
            expires_at=case.filed_at + timedelta(days=7),
        )
    )


def _proposals(world: World) -> None:
    """Accepted: c3's only one and c4's second; rejected: c4's first; expired: c5's, after
    a superseded one (which has no answer)."""
    _proposal(world.cases["c3"], "accepted")
    _proposal(world.cases["c4"], "rejected")
    _proposal(world.cases["c4"], "accepted")
    _proposal(world.cases["c5"], "superseded")
    _proposal(world.cases["c5"], "expired")


def _obligation(case: Case, status: str) -> Obligation:
    obligation = Obligation(
        case_id=case.id,
        kind="refund",
        debtor="seller",
        amount_fen=19900,
        step=1,
        status=status,
        due_at=case.decided_at + timedelta(days=2),
    )
    db.session.add(obligation)
    db.session.flush()
    return obligation


def _obligations_and_enforcement(world: World) -> None:
    """Done: c1, c3; missed: c5 (deducted 50 yuan, restricted, still in force); open: c6;
    c4's restriction (no deduction) has been lifted; a pay-in is no deduction."""
    _obligation(world.cases["c1"], "done")
    _obligation(world.cases["c3"], "done")
    _obligation(world.cases["c6"], "open")
    c4, c5 = world.cases["c4"], world.cases["c5"]
    missed = _obligation(c5, "missed")
    db.session.add_all(
        [
            DepositEntry(seller_id=c5.seller_id, amount_fen=100000, reason="Pay-in"),
            DepositEntry(
                seller_id=c5.seller_id, amount_fen=-5000, reason="Missed", obligation_id=missed.id
            ),
            SellingRestriction(
                seller_id=c5.seller_id, case_id=c5.id, obligation_id=missed.id, reason="Missed"
            ),
            SellingRestriction(
                seller_id=c4.seller_id, case_id=c4.id, reason="Missed", lifted_at=NOW
            ),
        ]
    )


def _panel(case, round_, seats, voted, replaced, options_voted, verdict, rounds, reviewers):
    panel = Panel(
        case_id=case.id,
        round=round_,
        status="decided",
        seats=seats,
        majority=seats // 2 + 1,
        options=[FOR_BUYER, FOR_SELLER],
        question="Was the parcel lost?",
        summary="The buyer says the parcel never came.",
        seed="0" * 64,
        pool=[],
        deadline_at=NOW,
        replacement_rounds=rounds,
        closed_at=NOW,
    )
    db.session.add(panel)
    db.session.flush()
    statuses = ["voted"] * voted + ["replaced"] * replaced
    statuses += ["open"] * (seats - len(statuses))
    for reviewer, status in zip(reviewers, statuses, strict=True):
        seat = Seat(panel_id=panel.id, reviewer_id=reviewer.id, status=status, vote_due_at=NOW)
        db.session.add(seat)
        db.session.flush()
        if status == "voted":
            option = options_voted.pop()
            db.session.add(Vote(seat_id=seat.id, panel_id=panel.id, option=option, reason="x" * 20))
    counts = {FOR_BUYER: 0, FOR_SELLER: 0}
    db.session.flush()
    for vote in panel.seat_rows:
        if vote.vote is not None:
            counts[vote.vote.option] += 1
    db.session.add(Tally(panel_id=panel.id, counts=counts, verdict=verdict, votes_cast=voted))


def _panels(world: World) -> None:
    """c6's first panel (5 seats): 3 for the buyer, 1 for the seller, one seat replaced once;
    margin 2. Its appeal panel (7 seats): 4 for the seller, 1 for the buyer, two seats never
    voted; margin 3, and it overturns the first verdict."""
    reviewers = make_reviewers(7)
    c6 = world.cases["c6"]
    _panel(c6, "first", 5, 4, 1, [FOR_SELLER] + [FOR_BUYER] * 3, FOR_BUYER, 1, reviewers[:5])
    _panel(c6, "appeal", 7, 5, 0, [FOR_BUYER] + [FOR_SELLER] * 4, FOR_SELLER, 0, reviewers)
    db.session.add(
        Appeal(
            case_id=c6.id,
            party="seller",
            reason="The panel missed the receipt.",
            decision_kind="panel",
            decision_outcome="for_buyer",
            decision_remedy=c6.remedy,
            heard_by="panel",
        )
    )
    # the pool: one who mostly sells at level 1, one who mostly buys at level 4, five balanced
    records = {r.user_id: r for r in db.session.query(Reviewer)}
    seller_ish, buyer_ish = reviewers[0], reviewers[1]
    records[seller_ish.id].score = 30
    records[buyer_ish.id].score = 95
    make_order(make_user(), seller_ish)
    make_order(make_user(), seller_ish)
    make_order(seller_ish, make_user())
    make_order(buyer_ish, make_user())


def _ratings(world: World) -> None:
    c1, c3, c8 = world.cases["c1"], world.cases["c3"], world.cases["c8"]
    db.session.add_all(
        [
            Rating(
                case_id=c1.id, party="buyer", score=5, comment=FAIR_COMMENT, created_at=march(20)
            ),
            Rating(case_id=c1.id, party="seller", score=4, comment=None, created_at=march(21)),
            Rating(
                case_id=c3.id,
                party="buyer",
                score=2,
                comment=INJECTED_COMMENT,
                created_at=march(22),
            ),
            Rating(
                case_id=c8.id,
                party="buyer",
                score=1,
                comment="Outside the range.",
                created_at=march(1),
            ),
        ]
    )
