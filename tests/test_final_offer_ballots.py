"""Final-offer ballots: the buyer's request, the seller's last counter-offer, the mediator's
last proposal, or the claim rejected. Each option is a stable key that says whose offer it
is and what it decides; the verdict decides the case with that offer's remedy and amount,
and execution carries it out."""

from datetime import timedelta

import pytest
from flask import current_app
from flask_babel import force_locale
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from app.cases import services as case_services
from app.cases.decisions import losing_sides
from app.cases.models import CaseState, Outcome, Party, Remedy
from app.closing.dossier.summary import render_text, summary_of
from app.core import clock
from app.core.extensions import db
from app.execution import services as execution
from app.jury import ballot
from app.jury.appeals import appeal_to_panel
from app.jury.ballot import (
    BallotKeyError,
    BallotKind,
    BallotOption,
    Offerer,
    Stance,
    option_for_decision,
)
from app.jury.counting import count_due_panels
from app.jury.models import BALLOT_OPTION_MAX_CHARS, Appeal, PanelRound
from app.jury.rules import Side
from app.mediation import services as mediation
from app.mediation.models import PanelReferral
from app.mediation.referral_ballots import final_offer_ballot
from app.mediation.services import Settlement
from app.scheduler.deadlines import sweep_case_deadlines
from tests.helpers.case_factories import (
    CONTEST_STATEMENT,
    OFFER_MESSAGE,
    PANEL_QUESTION,
    PANEL_SUMMARY,
    PROPOSAL_RATIONALE,
    make_case,
    reject_proposal,
)
from tests.helpers.factories import make_reviewers
from tests.helpers.jury import make_pool, open_seats, panel_of, votes
from tests.helpers.pages import (
    csrf_token_from,
    field_error,
    login_with_token,
    page,
    reload,
)
from tests.helpers.webhooks import endpoint_for, last_id, queued

BUYER_REQUEST = "offer:buyer:full_refund:19900"  # the factories' claim: the order's ¥199.00
SELLER_HALF = "offer:seller:partial_refund:5000"
APPEAL_REASON = "The seller's offer leaves me with a cracked earbud and half the price."


def case_with_offers(
    counter: tuple[Remedy, int] | None = None,
    proposals: tuple[tuple[Remedy, int | None], ...] = (),
    **claim,
):
    """A case in mediation: the seller made ``counter`` (refused) or contested, and the
    mediator proposed each of ``proposals`` in turn, each rejected by the buyer."""
    case = make_case("awaiting_seller", **claim)
    if counter is None:
        case_services.seller_contests(case, case.seller, CONTEST_STATEMENT)
    else:
        case_services.seller_counter_offers(case, case.seller, *counter, OFFER_MESSAGE)
        case_services.buyer_refuses_counter_offer(case, case.buyer)
    clock.advance(current_app.config["EVIDENCE_WINDOW"] + timedelta(minutes=1))
    sweep_case_deadlines()
    db.session.refresh(case)
    for remedy, amount in proposals:
        mediation.propose_settlement(
            case, case.mediator, Settlement(remedy, amount, PROPOSAL_RATIONALE)
        )
        reject_proposal(case, "buyer")
    assert case.current_state is CaseState.MEDIATION
    return case


def route_final_offers(case):
    make_reviewers(current_app.config["PANEL_SEATS"])
    mediation.route_to_panel(
        case, case.mediator, PANEL_SUMMARY, PANEL_QUESTION, ballot=BallotKind.FINAL_OFFERS
    )
    return panel_of(case)


# Keys and labels


@pytest.mark.parametrize(
    ("key", "english", "chinese"),
    [
        (
            BUYER_REQUEST,
            "The buyer's request: full refund of ¥199.00",
            "买家的诉求：全额退款 ¥199.00",
        ),
        (
            SELLER_HALF,
            "The seller's offer: partial refund of ¥50.00",
            "卖家的反报价：部分退款 ¥50.00",
        ),
        (
            "offer:mediator:compensation:2000",
            "The mediator's proposal: compensation of ¥20.00",
            "调解员的和解方案：赔偿 ¥20.00",
        ),
        (
            "offer:seller+mediator:return_and_refund:19900",
            "The seller's offer and the mediator's proposal: return the goods for a refund of "
            "¥199.00",
            "卖家的反报价和调解员的和解方案：退货退款 ¥199.00",
        ),
        (
            "offer:buyer+seller+mediator:replacement",
            "The buyer's request, the seller's offer, and the mediator's proposal: a replacement",
            "买家的诉求、卖家的反报价和调解员的和解方案：换货",
        ),
        (
            "offer:mediator:claim_rejected",
            "The mediator's proposal: reject the claim",
            "调解员的和解方案：驳回买家的诉求",
        ),
    ],
)
def test_a_final_offer_says_whose_it_is_in_the_readers_language(key, english, chinese):
    with force_locale("en"):
        assert ballot.label(key) == english
    with force_locale("zh_Hans"):
        assert ballot.label(key) == chinese
    assert ballot.parse(key).key == key


@pytest.mark.parametrize(
    "key",
    [
        "offer",
        "offer:buyer",
        "offer::full_refund:100",
        "offer:judge:full_refund:100",
        "offer:buyer:full_refund",  # a refund names its amount
        "offer:buyer:replacement:0",  # a replacement has none
        "offer:mediator:claim_rejected:0",
        "offer:seller:claim_rejected",  # only the mediator proposes rejecting the claim
        "offer:buyer+mediator:claim_rejected",
        "offer:mediator+buyer:replacement",  # whose, in the ballot's order
        "offer:buyer+buyer:replacement",
        "offer:buyer+:replacement",
        "offer:seller:partial_refund:-1",
        "offer:seller:partial_refund:050",
        "offer:seller:partial_refund:50:1",
        "offer:seller:refund:50",
    ],
)
def test_a_final_offer_key_that_says_nothing_known_is_refused(key):
    with pytest.raises(BallotKeyError):
        ballot.parse(key)


@st.composite
def final_offer_options(draw) -> BallotOption:
    offered_by = draw(
        st.lists(st.sampled_from(list(Offerer)), min_size=1, max_size=3, unique=True).map(
            lambda names: tuple(sorted(names, key=list(Offerer).index))
        )
    )
    remedies = list(Remedy) if offered_by == (Offerer.MEDIATOR,) else list(Remedy)[:-1]
    remedy = draw(st.sampled_from(remedies))
    amountless = remedy in (Remedy.REPLACEMENT, Remedy.CLAIM_REJECTED)
    amount = None if amountless else draw(st.integers(min_value=0, max_value=10**12))
    return BallotOption(Stance.OFFER, remedy, amount, offered_by=offered_by)


@given(final_offer_options())
def test_every_final_offer_round_trips_through_its_key(option):
    assert len(option.key) <= BALLOT_OPTION_MAX_CHARS
    assert ballot.parse(option.key) == option


@given(st.text(alphabet="offer:buyselmditnaj_+0123456789", max_size=40))
def test_any_text_is_a_key_only_if_it_is_its_options_own(text):
    try:
        option = ballot.parse(text)
    except BallotKeyError:
        return
    assert option.key == text


# The ballot made from a case


@pytest.mark.parametrize(
    ("counter", "proposals", "expected"),
    [
        ((), (), [BUYER_REQUEST, "reject"]),
        ((Remedy.PARTIAL_REFUND, 5000), (), [BUYER_REQUEST, SELLER_HALF, "reject"]),
        (
            (Remedy.PARTIAL_REFUND, 5000),
            ((Remedy.COMPENSATION, 3000),),
            [BUYER_REQUEST, SELLER_HALF, "offer:mediator:compensation:3000", "reject"],
        ),
        (
            (),
            ((Remedy.REPLACEMENT, None),),
            [BUYER_REQUEST, "offer:mediator:replacement", "reject"],
        ),
        # the latest proposal only
        (
            (),
            ((Remedy.REPLACEMENT, None), (Remedy.PARTIAL_REFUND, 8000)),
            [BUYER_REQUEST, "offer:mediator:partial_refund:8000", "reject"],
        ),
        # the same decision once, with whose it is
        (
            (Remedy.PARTIAL_REFUND, 5000),
            ((Remedy.PARTIAL_REFUND, 5000),),
            [BUYER_REQUEST, "offer:seller+mediator:partial_refund:5000", "reject"],
        ),
        ((Remedy.FULL_REFUND, 19900), (), ["offer:buyer+seller:full_refund:19900", "reject"]),
        (
            (),
            ((Remedy.FULL_REFUND, None),),  # a full refund is the order's total
            ["offer:buyer+mediator:full_refund:19900", "reject"],
        ),
        # the mediator's proposal to reject the claim is the claim rejected
        ((), ((Remedy.CLAIM_REJECTED, None),), [BUYER_REQUEST, "offer:mediator:claim_rejected"]),
    ],
)
def test_the_final_offers_are_each_sides_last_word(counter, proposals, expected):
    case = case_with_offers(counter or None, proposals)
    assert final_offer_ballot(case) == expected


def test_a_replacement_offered_for_a_replacement_claim_is_the_claim():
    case = case_with_offers((Remedy.REPLACEMENT, 0), remedy=Remedy.REPLACEMENT)
    assert final_offer_ballot(case) == ["offer:buyer+seller:replacement", "reject"]


def test_each_final_offer_favours_a_side():
    assert ballot.sides(
        [
            BUYER_REQUEST,
            SELLER_HALF,
            "offer:mediator:compensation:3000",
            "offer:seller+mediator:partial_refund:5000",
            "offer:buyer+seller:full_refund:19900",
            "offer:mediator:claim_rejected",
            "reject",
        ]
    ) == {
        BUYER_REQUEST: Side.BUYER,
        SELLER_HALF: Side.SELLER,
        "offer:mediator:compensation:3000": Side.BUYER,
        "offer:seller+mediator:partial_refund:5000": Side.SELLER,
        "offer:buyer+seller:full_refund:19900": Side.BUYER,
        "offer:mediator:claim_rejected": Side.SELLER,
        "reject": Side.SELLER,
    }


# Routing with final offers, through the case page


def final_offers_section(html: str) -> str:
    return html.split('class="ballot-options final-offers">', 1)[1].split("</ul>", 1)[0]


@pytest.mark.usefixtures("csrf_enabled")
def test_the_mediator_previews_and_routes_with_the_final_offers(app, client):
    case = case_with_offers((Remedy.PARTIAL_REFUND, 5000), ((Remedy.COMPENSATION, 3000),))
    make_reviewers(app.config["PANEL_SEATS"])
    login_with_token(client, case.mediator)
    html = page(client, f"/cases/{case.id}")
    assert final_offers_section(html) == (
        "<li>The buyer&#39;s request: full refund of ¥199.00</li>"
        "<li>The seller&#39;s offer: partial refund of ¥50.00</li>"
        "<li>The mediator&#39;s proposal: compensation of ¥30.00</li>"
        "<li>Decide for the seller: reject the claim</li>"
    )
    form = html[html.index(f'action="/cases/{case.id}/mediation/panel') :]
    response = client.post(
        f"/cases/{case.id}/mediation/panel",
        data={
            "panel-summary": "A cracked earbud; each side blames the other.",
            "panel-question": "Which offer is fair?",
            "panel-ballot": "final_offers",
            "panel-partial_amount": "",
            "csrf_token": csrf_token_from(form),
        },
    )
    assert response.status_code == 302
    assert reload(case).current_state is CaseState.PANEL
    expected = [BUYER_REQUEST, SELLER_HALF, "offer:mediator:compensation:3000", "reject"]
    assert db.session.scalars(select(PanelReferral)).one().options == expected
    assert panel_of(case).options == expected


@pytest.mark.usefixtures("csrf_enabled")
def test_final_offers_need_an_offer_besides_the_buyers_request(app, client):
    case = case_with_offers((Remedy.FULL_REFUND, 19900))  # the seller offered the claim
    make_reviewers(app.config["PANEL_SEATS"])
    login_with_token(client, case.mediator)
    html = page(client, f"/cases/{case.id}")
    assert "so this ballot cannot be chosen" in html
    data = {
        "panel-summary": "S.",
        "panel-question": "Q?",
        "panel-ballot": "final_offers",
        "panel-partial_amount": "",
        "csrf_token": csrf_token_from(html[html.index("/mediation/panel") :]),
    }
    response = client.post(f"/cases/{case.id}/mediation/panel", data=data)
    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "panel-ballot") == (
        "No counter-offer or proposal differs from the buyer&#39;s request, so final offers "
        "would only ask whether to grant the claim: choose the claim&#39;s ballot."
    )
    assert reload(case).current_state is CaseState.MEDIATION

    refused = client.post(
        f"/cases/{case.id}/mediation/panel",
        data=data | {"panel-ballot": "final_offers", "panel-partial_amount": "50"},
    )
    assert refused.status_code == 400
    assert field_error(refused.get_data(as_text=True), "panel-partial_amount") == (
        "Only the claim&#39;s ballot takes a partial amount: clear it, or choose that ballot."
    )
    assert reload(case).current_state is CaseState.MEDIATION


# The verdict, carried out


@pytest.mark.parametrize(
    ("counter", "proposal", "verdict", "decision", "steps"),
    [
        (
            (Remedy.PARTIAL_REFUND, 5000),
            None,
            BUYER_REQUEST,
            (Outcome.FOR_BUYER, Remedy.FULL_REFUND, 19900),
            [("refund", 19900)],
        ),
        (
            (Remedy.PARTIAL_REFUND, 5000),
            None,
            SELLER_HALF,
            (Outcome.FOR_BUYER, Remedy.PARTIAL_REFUND, 5000),
            [("refund", 5000)],
        ),
        (
            (Remedy.REPLACEMENT, 0),
            None,
            "offer:seller:replacement",
            (Outcome.FOR_BUYER, Remedy.REPLACEMENT, None),
            [("replacement_shipment", None)],
        ),
        (
            None,
            (Remedy.COMPENSATION, 3000),
            "offer:mediator:compensation:3000",
            (Outcome.FOR_BUYER, Remedy.COMPENSATION, 3000),
            [("compensation", 3000)],
        ),
        (
            None,
            (Remedy.RETURN_AND_REFUND, None),
            "offer:mediator:return_and_refund:19900",
            (Outcome.FOR_BUYER, Remedy.RETURN_AND_REFUND, 19900),
            [("return_shipment", None), ("receipt_confirmation", None), ("refund", 19900)],
        ),
        (
            None,
            (Remedy.CLAIM_REJECTED, None),
            "offer:mediator:claim_rejected",
            (Outcome.FOR_SELLER, Remedy.CLAIM_REJECTED, None),
            [],
        ),
        (
            (Remedy.PARTIAL_REFUND, 5000),
            None,
            "reject",
            (Outcome.FOR_SELLER, Remedy.CLAIM_REJECTED, None),
            [],
        ),
    ],
)
def test_a_final_offer_verdict_is_carried_out_as_offered(
    app, counter, proposal, verdict, decision, steps
):
    case = case_with_offers(counter, (proposal,) if proposal else ())
    panel = route_final_offers(case)
    assert verdict in panel.options
    votes(panel, verdict, app.config["PANEL_MAJORITY"])
    assert count_due_panels() == 1
    db.session.refresh(case)
    outcome, remedy, amount = decision
    assert (case.outcome, case.decision_remedy, case.decision_amount_fen) == (
        outcome.value,
        remedy.value,
        amount,
    )
    assert option_for_decision(panel.options, case) == verdict

    clock.advance(app.config["APPEAL_WINDOW"] + timedelta(minutes=1))
    sweep_case_deadlines()
    db.session.refresh(case)
    assert case.current_state is (CaseState.EXECUTING if steps else CaseState.CLOSED)
    assert [(o.kind, o.amount_fen) for o in execution.obligations_of(case)] == steps


def test_a_final_offer_verdict_may_be_appealed_to_a_panel_with_the_same_ballot(app):
    case = case_with_offers((Remedy.PARTIAL_REFUND, 5000), ((Remedy.COMPENSATION, 3000),))
    first = route_final_offers(case)
    votes(first, SELLER_HALF, app.config["PANEL_MAJORITY"])
    count_due_panels()
    db.session.refresh(case)
    # each side lost part of what it asked
    assert losing_sides(case) == {Party.BUYER, Party.SELLER}

    make_pool(app.config["APPEAL_PANEL_SEATS"])
    appeal_panel = appeal_to_panel(case, case.buyer, APPEAL_REASON)
    assert appeal_panel.round == PanelRound.APPEAL.value
    assert appeal_panel.options == first.options
    votes(appeal_panel, BUYER_REQUEST, app.config["APPEAL_PANEL_MAJORITY"])
    assert count_due_panels() == 1
    db.session.refresh(case)
    assert (case.decision_remedy, case.decision_amount_fen) == (Remedy.FULL_REFUND.value, 19900)
    # the final verdict is an option of the first ballot: the first panel was overturned
    appeal = db.session.scalar(select(Appeal).where(Appeal.case_id == case.id))
    assert appeal.final_verdict == BUYER_REQUEST
    assert [(o.kind, o.amount_fen) for o in execution.obligations_of(case)] == [("refund", 19900)]


# What reviewers, parties and the marketplace read


@pytest.mark.usefixtures("csrf_enabled")
def test_a_reviewer_reads_the_offers_in_chinese_and_the_parties_the_verdict(app, client):
    case = case_with_offers((Remedy.PARTIAL_REFUND, 5000))
    panel = route_final_offers(case)
    seat = open_seats(panel)[0]
    login_with_token(client, seat.reviewer)
    token = csrf_token_from(page(client, "/review/seats"))
    client.post("/language", data={"locale": "zh_Hans", "csrf_token": token})
    html = page(client, f"/review/seats/{seat.id}")
    for label in ("买家的诉求：全额退款 ¥199.00", "卖家的反报价：部分退款 ¥50.00"):
        assert label in html
    assert "offer:" not in html

    votes(panel, SELLER_HALF, app.config["PANEL_MAJORITY"])
    count_due_panels()
    client.post("/logout", data={"csrf_token": csrf_token_from(html)})
    login_with_token(client, case.buyer)  # who reads the site in Chinese too
    assert "卖家的反报价：部分退款 ¥50.00" in page(client, f"/cases/{case.id}")


def test_the_dossier_names_the_winning_offer_in_the_readers_language(app):
    case = case_with_offers((Remedy.PARTIAL_REFUND, 5000))
    votes(route_final_offers(case), SELLER_HALF, app.config["PANEL_MAJORITY"])
    count_due_panels()
    db.session.refresh(case)
    for locale, line in (
        ("en", "Panel verdict: The seller's offer: partial refund of ¥50.00 (9 of 9 votes)"),
        ("zh_Hans", "评审团裁决：卖家的反报价：部分退款 ¥50.00（共 9 票，得 9 票）"),
    ):
        with force_locale(locale):
            summary = summary_of(case, {party: [] for party in Party}, {}, [])
            assert line in render_text(summary)


def test_the_marketplace_hears_which_offer_won(app):
    endpoint_for("http://127.0.0.1:9/hook")
    case = case_with_offers((Remedy.PARTIAL_REFUND, 5000))
    panel = route_final_offers(case)
    votes(panel, SELLER_HALF, app.config["PANEL_MAJORITY"])
    since = last_id()
    assert count_due_panels() == 1
    payloads = {payload["type"]: payload["data"] for payload in queued(since)}
    assert payloads["panel.verdict"]["panel"]["verdict"] == {
        "key": SELLER_HALF,
        "label": "The seller's offer: partial refund of ¥50.00",
    }
    decision = payloads["case.decided"]["decision"]
    assert (decision["outcome"], decision["kind"], decision["remedy"], decision["amount_fen"]) == (
        "for_buyer",
        "panel",
        "partial_refund",
        5000,
    )
