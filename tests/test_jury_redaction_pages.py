"""Every page a reviewer reaches is redacted however the parties wrote: the hostile corpus
put into a case's description, both timelines, an item, the panel's summary, question and
options and the reviewers' reasons leaks none of its secrets on the seat page, the seats
list or the reviewer's dashboard, before the vote, after it and after the panel closes."""

import re

import pytest

from app.cases.evidence import NewEvidence, add_evidence
from app.cases.models import EvidenceKind
from app.core.extensions import db
from app.jury.models import BALLOT_OPTION_MAX_CHARS
from tests.helpers.case_factories import add_statement
from tests.helpers.factories import make_case_row, make_order, make_reviewers, make_user
from tests.helpers.pages import csrf_token_from, login, login_with_token, page, post_confirmed
from tests.helpers.panel_rows import close_panel, make_panel, seat_for, vote_on
from tests.helpers.redaction_corpus import HOSTILE, TRACKING, leaks
from tests.helpers.redaction_parties import corpus_case_row

SECRETS = sorted({secret for hostile in HOSTILE for secret in hostile.secrets})
CORPUS = "\n".join(hostile.text for hostile in HOSTILE)


def chunks(limit: int) -> list[str]:
    """The corpus in pieces of at most ``limit`` characters, every writing in one of them."""
    pieces = [""]
    for hostile in HOSTILE:
        if len(pieces[-1]) + len(hostile.text) + 1 > limit:
            pieces.append("")
        pieces[-1] += hostile.text + "\n"
    return pieces


def packed(start: str, texts: list[str]) -> str:
    """``start`` and as many of ``texts`` as a ballot option holds."""
    option = start
    for text in texts:
        if len(f"{option} {text}") <= BALLOT_OPTION_MAX_CHARS:
            option = f"{option} {text}"
    return option


@pytest.fixture
def hostile_panel():
    case = corpus_case_row()
    case.description = CORPUS
    case.order.items[0].title = "绿叶茶社 西湖龙井 250g（Green Leaf）"
    add_statement(case, case.buyer, CORPUS)
    add_statement(case, case.seller, CORPUS)
    add_evidence(
        case,
        case.seller,
        NewEvidence(EvidenceKind.TRACKING_NUMBER, text=f"顺丰 微信 abc_123 {TRACKING}"),
    )
    panel = make_panel(
        case,
        summary=CORPUS,
        question="Should 林 晓 雨 (１３８１２３４５６７８) get the refund from Green Leaf?",
        options=[
            # options kept from before ballots had keys, in the mediator's words
            packed("custom:grant:Refund:", [h.text for h in HOSTILE]),
            packed("custom:reject:Reject:", [h.text for h in reversed(HOSTILE)]),
        ],
    )
    reviewer, *colleagues = make_reviewers(len(chunks(1900)))
    return panel, seat_for(panel, reviewer), reviewer, colleagues


def reviewer_pages(client, seat) -> dict[str, str]:
    return {
        "seat": page(client, f"/review/seats/{seat.id}"),
        "seats": page(client, "/review/seats"),
        "dashboard": page(client, "/review/"),
    }


def assert_nothing_leaks(pages: dict[str, str]) -> None:
    for name, html in pages.items():
        assert leaks(SECRETS, html) == [], f"the {name} page leaks"


@pytest.mark.usefixtures("csrf_enabled")
def test_no_reviewer_page_leaks_the_hostile_corpus(client, hostile_panel):
    panel, seat, reviewer, colleagues = hostile_panel
    login_with_token(client, reviewer)
    pages = reviewer_pages(client, seat)
    assert_nothing_leaks(pages)
    seat_page = pages["seat"]
    for placeholder in ("[buyer]", "[seller]", "[phone removed]", "[e-mail removed]"):
        assert placeholder in seat_page
    for placeholder in ("[account removed]", "[web address removed]", "[address removed]"):
        assert placeholder in seat_page
    assert "西湖龙井 250g" in seat_page and "顺丰" in seat_page  # the case is still there
    assert "[buyer]" in pages["seats"] and "[phone removed]" in pages["seats"]

    # the reviewer votes through the real form, the corpus in the reason
    reasons = chunks(1900)
    url = f"/review/seats/{seat.id}/vote"
    response = post_confirmed(
        client,
        url,
        {"option": "0", "reason": reasons[0], "csrf_token": csrf_token_from(seat_page)},
    )
    assert response.status_code == 302
    for colleague, reason in zip(colleagues, reasons[1:], strict=True):
        vote_on(seat_for(panel, colleague), panel.options[1], reason)
    assert_nothing_leaks(reviewer_pages(client, seat))

    close_panel(panel, verdict=panel.options[0])
    pages = reviewer_pages(client, seat)
    assert_nothing_leaks(pages)
    assert "Verdict:" in pages["seat"] and "The reviewers' reasons" in pages["seat"]


def test_the_dashboard_shows_the_vote_and_the_verdict_redacted(client):
    buyer = make_user(name="Zhang Weiwei 张伟伟")
    case = make_case_row(make_order(buyer), state="panel")
    options = [
        "custom:grant:Refund 张伟伟 on 138 1234 5678 in full",
        "custom:reject:Reject Zhang's claim",
    ]
    panel = make_panel(case, options=options)
    (reviewer,) = make_reviewers(1)
    vote_on(seat_for(panel, reviewer), options[0], "The photos show the crack clearly.")
    close_panel(panel, verdict=options[0])
    db.session.flush()

    login(client, reviewer)
    html = page(client, "/review/")
    your_vote, verdict = re.split(r"<td[^>]*>", html.split("Your panels")[1])[2:4]
    assert "Refund [buyer] on [phone removed] in full" in your_vote
    assert "Refund [buyer] on [phone removed] in full" in verdict
    assert leaks(["张伟伟", "zhang", "13812345678"], html) == []
