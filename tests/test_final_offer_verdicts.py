"""A mediator refers a case with its final offers through the case page; the panel's
verdict decides the case with the winning offer's remedy and amount, execution carries it
out, an appeal rehears the same ballot, and reviewers, parties, the dossier and the
marketplace read which offer won."""

from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from app.cases.decisions import losing_sides
from app.cases.states import (
    CaseState,
    Outcome,
    Party,
    Remedy,
)
from app.closing.dossier.summary import render_text, summary_of
from app.core import clock
from app.core.extensions import db
from app.execution import services as execution
from app.jury.appeals import appeal_to_panel
from app.jury.ballot import option_for_decision
from app.jury.counting import count_due_panels
from app.jury.models import Appeal, PanelRound
from app.mediation.models import PanelReferral
from app.scheduler.deadlines import sweep_case_deadlines
from tests.helpers.factories import make_reviewers
from tests.helpers.final_offers import (
    BUYER_REQUEST,
    SELLER_HALF,
    case_with_offers,
    route_final_offers,
)
from tests.helpers.jury import make_pool, open_seats, panel_of, votes
from tests.helpers.pages import csrf_token_from, field_error, login_with_token, page, reload
from tests.helpers.webhooks import endpoint_for, last_id, queued

APPEAL_REASON = "The seller's offer leaves me with a cracked earbud and half the price."


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
