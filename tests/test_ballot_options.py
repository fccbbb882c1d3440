"""Ballot options are stable keys made from the claim, shown in the reader's language: a
Chinese reviewer reads Chinese options, the amount formatted by Babel, and a partial verdict
decides the case with its own remedy and amount."""

import pytest
from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from app.cases.states import (
    CaseState,
    Outcome,
    Party,
    Remedy,
)
from app.closing.dossier.summary import render_text, summary_of
from app.core.extensions import db
from app.jury import ballot
from app.jury.ballot import BallotKeyError, ballot_for_claim, option_for_decision
from app.jury.counting import count_due_panels
from app.jury.models import BALLOT_OPTION_MAX_CHARS, Tally
from app.jury.rules import Side
from app.mediation import services as mediation
from tests.helpers.case_factories import PANEL_QUESTION, PANEL_SUMMARY, make_case
from tests.helpers.factories import make_reviewers
from tests.helpers.jury import open_seats, panel_of, votes
from tests.helpers.pages import confirmed, csrf_token_from, login_with_token, page


def both(key: str) -> tuple[str, str]:
    with force_locale("en"):
        english = ballot.label(key)
    with force_locale("zh_Hans"):
        chinese = ballot.label(key)
    return english, chinese


@pytest.mark.parametrize(
    ("key", "english", "chinese"),
    [
        (
            "grant:full_refund:19900",
            "Decide for the buyer: full refund of ¥199.00",
            "支持买家：全额退款 ¥199.00",
        ),
        (
            "grant:return_and_refund:123456",
            "Decide for the buyer: return the goods for a refund of ¥1,234.56",
            "支持买家：退货退款 ¥1,234.56",
        ),
        (
            "grant:compensation:5005",
            "Decide for the buyer: compensation of ¥50.05",
            "支持买家：赔偿 ¥50.05",
        ),
        (
            "grant:partial_refund:3000",
            "Decide for the buyer: partial refund of ¥30.00",
            "支持买家：部分退款 ¥30.00",
        ),
        ("grant:replacement", "Decide for the buyer: a replacement", "支持买家：换货"),
        (
            "partial:partial_refund:5000",
            "Decide for the buyer in part: partial refund of ¥50.00",
            "部分支持买家：部分退款 ¥50.00",
        ),
        (
            "partial:compensation:99",
            "Decide for the buyer in part: compensation of ¥0.99",
            "部分支持买家：赔偿 ¥0.99",
        ),
        ("reject", "Decide for the seller: reject the claim", "支持卖家：驳回买家的诉求"),
        # words written before options had keys stay as they were written, in any language
        ("custom:grant:Refund in full", "Refund in full", "Refund in full"),
        ("custom:reject:驳回：证据不足", "驳回：证据不足", "驳回：证据不足"),
    ],
)
def test_an_option_is_shown_in_the_readers_language(key, english, chinese):
    assert both(key) == (english, chinese)
    assert ballot.parse(key).key == key


@pytest.mark.parametrize(
    "key",
    [
        "",
        "Decide for the buyer",
        "grant",
        "grant:full_refund",  # a refund names its amount
        "grant:replacement:100",  # a replacement has none
        "grant:full_refund:abc",
        "grant:full_refund:0100",
        "grant:full_refund:-5",
        "grant:full_refund:100:7",
        "grant:claim_rejected:100",
        "partial:full_refund:100",  # part of a claim is a partial refund or compensation
        "partial:replacement",
        "reject:100",
        "custom:maybe:words",
        "custom:grant:",
    ],
)
def test_a_key_that_says_nothing_known_is_refused(key):
    with pytest.raises(BallotKeyError):
        ballot.parse(key)


def test_words_longer_than_a_vote_stores_are_cut_to_fit():
    option = ballot.BallotOption(ballot.Stance.GRANT, text="y" * BALLOT_OPTION_MAX_CHARS)
    assert len(option.key) == BALLOT_OPTION_MAX_CHARS
    assert ballot.parse(option.key).is_custom


@pytest.mark.parametrize(
    ("claim", "partial", "expected"),
    [
        ({}, None, ["grant:full_refund:19900", "reject"]),
        ({}, 5000, ["grant:full_refund:19900", "partial:partial_refund:5000", "reject"]),
        (
            {"remedy": Remedy.COMPENSATION, "remedy_amount_fen": 8000},
            2000,
            ["grant:compensation:8000", "partial:compensation:2000", "reject"],
        ),
        (
            {"remedy": Remedy.RETURN_AND_REFUND},
            None,
            ["grant:return_and_refund:19900", "reject"],
        ),
        (
            {"remedy": Remedy.REPLACEMENT},
            4000,
            ["grant:replacement", "partial:partial_refund:4000", "reject"],
        ),
    ],
)
def test_the_ballot_is_made_from_the_claim(claim, partial, expected):
    case = make_case("mediation", **claim)
    assert ballot_for_claim(case, partial) == expected


def test_a_partial_verdict_decides_with_its_own_remedy_and_amount(app):
    case = make_case("mediation")
    make_reviewers(app.config["PANEL_SEATS"])
    mediation.route_to_panel(case, case.mediator, PANEL_SUMMARY, PANEL_QUESTION, 5000)
    panel = panel_of(case)
    partial = "partial:partial_refund:5000"
    votes(panel, partial, current_app.config["PANEL_MAJORITY"])
    assert count_due_panels() == 1
    db.session.refresh(case)
    assert case.current_state is CaseState.DECIDED
    assert (case.outcome, case.decision_remedy, case.decision_amount_fen) == (
        Outcome.FOR_BUYER.value,
        Remedy.PARTIAL_REFUND.value,
        5000,
    )
    assert db.session.scalar(select(Tally).filter_by(panel_id=panel.id)).verdict == partial
    # the decision amounts to the option it came from, and to no other
    assert option_for_decision(panel.options, case) == partial
    assert option_for_decision(["grant:full_refund:19900", "reject"], case) is None


@pytest.mark.usefixtures("csrf_enabled")
def test_a_chinese_reviewer_reads_and_votes_on_chinese_options(app, client):
    case = make_case("mediation")
    make_reviewers(app.config["PANEL_SEATS"])
    mediation.route_to_panel(case, case.mediator, PANEL_SUMMARY, PANEL_QUESTION, 5000)
    seat = open_seats(panel_of(case))[0]
    login_with_token(client, seat.reviewer)
    token = csrf_token_from(page(client, "/review/seats"))
    client.post("/language", data={"locale": "zh_Hans", "csrf_token": token})

    html = page(client, f"/review/seats/{seat.id}")
    for label in (
        "支持买家：全额退款 ¥199.00",
        "部分支持买家：部分退款 ¥50.00",
        "支持卖家：驳回买家的诉求",
    ):
        assert label in html
    assert "Decide for the" not in html and "partial:" not in html

    url = f"/review/seats/{seat.id}/vote"
    asked = client.post(
        url,
        data={
            "option": "1",
            "reason": "卖家包装不够结实，买家也没有当场验货，双方都有责任，部分退款更公平。",
            "csrf_token": csrf_token_from(html[html.index("/vote") :]),
        },
    )
    assert "部分支持买家：部分退款 ¥50.00" in asked.get_data(as_text=True)  # asked to confirm
    assert confirmed(client, url, asked).status_code == 302
    db.session.refresh(seat)
    assert seat.vote.option == "partial:partial_refund:5000"
    assert "部分支持买家：部分退款 ¥50.00" in page(client, f"/review/seats/{seat.id}")


def test_the_dossier_names_the_panels_verdict_in_the_readers_language(app):
    case = make_case("mediation")
    make_reviewers(app.config["PANEL_SEATS"])
    mediation.route_to_panel(case, case.mediator, PANEL_SUMMARY, PANEL_QUESTION)
    votes(panel_of(case), "reject", current_app.config["PANEL_MAJORITY"])
    count_due_panels()
    db.session.refresh(case)
    for locale, line in (
        ("en", "Panel verdict: Decide for the seller: reject the claim (9 of 9 votes)"),
        ("zh_Hans", "评审团裁决：支持卖家：驳回买家的诉求（共 9 票，得 9 票）"),
    ):
        with force_locale(locale):
            summary = summary_of(case, {party: [] for party in Party}, {}, [])
            assert line in render_text(summary)


def test_each_option_says_which_side_it_favours():
    keys = ["grant:full_refund:19900", "partial:partial_refund:5000", "reject"]
    assert ballot.sides(keys) == {
        "grant:full_refund:19900": Side.BUYER,
        "partial:partial_refund:5000": Side.BUYER,
        "reject": Side.SELLER,
    }
    assert ballot.side("custom:reject:No refund") is Side.SELLER
    assert ballot.side("custom:grant:Refund") is Side.BUYER
