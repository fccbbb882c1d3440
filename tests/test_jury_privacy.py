"""Reviewers never learn who the parties are: every page a reviewer can reach is free of the
parties' names, shop, e-mail addresses, phone numbers, street addresses, order and tracking
numbers and file names; and the parties never learn who the reviewers are (design: Crowd
review, "What a reviewer sees")."""

import html as html_lib
import io

import pytest

from app.cases.evidence import NewEvidence, add_evidence
from app.cases.models import EvidenceKind
from app.core.extensions import db
from app.jury.redaction import Redactor
from tests.helpers.case_factories import add_photo, add_statement, pdf_bytes
from tests.helpers.factories import make_case_row, make_order, make_user
from tests.helpers.pages import confirmed, login, page
from tests.helpers.panel_rows import (
    OPTIONS,
    close_panel,
    make_panel,
    outcome_html,
    seat_for,
    vote_on,
)

ORDER_ID = "TB20241101889977"
TRACKING = "SF1402938475611"
OWN_TRACKING = "YT9988776655"
BUYER_PHONE = "13812345678"
SELLER_PHONE = "13987654321"
DETAILS = (
    f"I am Zhang Weiwei (张伟伟), reach me on {BUYER_PHONE} or 138-1234-5678 or "
    "zhang.ww@example.com. Deliver to 上海市长宁路123号 or 12 Baker Street, London. "
    f"Order {ORDER_ID}, parcel {TRACKING}. Lily Merchant of Lily's Boutique "
    f"(lily.boutique@shop.example, +86 139 8765 4321) never answered. 伟伟 is upset."
)
FORBIDDEN = [
    "Zhang",
    "Weiwei",
    "张伟伟",
    "伟伟",
    "Lily",
    "Merchant",
    "Boutique",
    "zhang.ww",
    "lily.boutique",
    "example.com",
    "shop.example",
    BUYER_PHONE,
    SELLER_PHONE,
    "138-1234-5678",
    "139 8765 4321",
    "1234 5678",
    "8765 4321",
    "长宁路",
    "123号",
    "Baker",
    ORDER_ID,
    TRACKING,
    OWN_TRACKING,
    "receipt_",
    "box_photo",
]


def assert_private(text: str) -> None:
    for shown in (text, html_lib.unescape(text)):
        leaked = [word for word in FORBIDDEN if word.lower() in shown.lower()]
        assert leaked == [], f"{leaked} shown to a reviewer"


@pytest.fixture
def private_case():
    buyer = make_user(name="Zhang Weiwei 张伟伟", email="zhang.ww@example.com")
    seller = make_user(
        name="Lily Merchant", email="lily.boutique@shop.example", shop_name="Lily's Boutique"
    )
    order = make_order(buyer, seller)
    order.marketplace_order_id = ORDER_ID
    order.tracking_number = TRACKING
    case = make_case_row(order, state="panel")
    case.description = DETAILS
    add_statement(case, buyer, DETAILS)
    add_evidence(
        case,
        buyer,
        NewEvidence(
            EvidenceKind.CHAT_TRANSCRIPT,
            text=f"Lily Merchant: call me on {SELLER_PHONE}\nZhang Weiwei: my order {ORDER_ID}",
        ),
    )
    add_photo(case, buyer, name=f"Zhang_Weiwei_box_photo_{ORDER_ID}.jpg")
    add_statement(case, seller, f"Lily's Boutique here. We shipped {TRACKING} to 长宁路123号.")
    add_evidence(
        case, seller, NewEvidence(EvidenceKind.TRACKING_NUMBER, text=f"YTO Express {OWN_TRACKING}")
    )
    add_evidence(
        case,
        seller,
        NewEvidence(
            EvidenceKind.PDF,
            upload=io.BytesIO(pdf_bytes()),
            filename=f"Lily_Boutique_receipt_{BUYER_PHONE}.pdf",
        ),
    )
    panel = make_panel(
        case,
        options=["custom:grant:Refund Zhang Weiwei in full", "reject"],
        summary=f"Zhang Weiwei ({BUYER_PHONE}) says Lily's Boutique shipped {TRACKING} damaged.",
        question="Should Lily Merchant refund Zhang Weiwei for order " + ORDER_ID + "?",
    )
    reviewer = make_user(name="Reviewer Rosa", email="rosa.reviewer@example.org")
    seat = seat_for(panel, reviewer)
    db.session.flush()
    return case, panel, seat, reviewer


def reviewer_pages(client, seat) -> list[str]:
    seat_page = page(client, f"/review/seats/{seat.id}")
    return [page(client, "/review/"), page(client, "/review/seats"), seat_page]


def test_no_page_a_reviewer_reaches_shows_the_parties(client, private_case):
    case, panel, seat, reviewer = private_case
    login(client, reviewer)
    pages = reviewer_pages(client, seat)
    seat_page = pages[-1]
    # the case is there, only anonymised
    assert "[buyer]" in seat_page and "[seller]" in seat_page
    assert "[phone removed]" in seat_page and "[e-mail removed]" in seat_page
    assert "[address removed]" in seat_page and "[order number removed]" in seat_page
    assert "[tracking number removed]" in seat_page and "YTO Express" in seat_page
    assert "Photo 1" in seat_page and "PDF 1" in seat_page
    assert "Wireless earbuds" in seat_page
    for html in pages:
        assert_private(html)

    photo = next(entry for entry in case.evidence if entry.kind == "image")
    response = client.get(f"/review/seats/{seat.id}/evidence/{photo.id}/thumbnail")
    assert response.status_code == 200
    assert response.mimetype.startswith("image/")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert_private(str(response.headers))
    assert_private(response.get_data().decode("latin-1"))

    # an entry of another case is not reachable through this seat
    other = make_case_row(state="panel")
    other_photo = add_photo(other, other.buyer)
    assert (
        client.get(f"/review/seats/{seat.id}/evidence/{other_photo.id}/thumbnail").status_code
        == 404
    )

    # a ballot sent back for a missing reason shows the options redacted
    refused = client.post(f"/review/seats/{seat.id}/vote", data={"option": "0", "reason": "no"})
    assert refused.status_code == 400
    assert "Give a reason of at least" in refused.get_data(as_text=True)
    assert 'value="0"> Refund [buyer]' in refused.get_data(as_text=True)
    assert_private(refused.get_data(as_text=True))

    # after voting, and after the panel closes, still nothing
    url = f"/review/seats/{seat.id}/vote"
    asked = client.post(url, data={"option": "0", "reason": "x" * 30})
    assert "Refund [buyer]" in asked.get_data(as_text=True)  # the option, redacted
    assert_private(asked.get_data(as_text=True))
    assert confirmed(client, url, asked).status_code == 302
    colleague = make_user(name="Colleague Carl", email="carl.colleague@example.com")
    vote_on(seat_for(panel, colleague), OPTIONS[1], "Lily Merchant packed it well, I think.")
    close_panel(panel)
    pages = reviewer_pages(client, seat)
    assert "[seller] packed it well" in pages[-1] and "x" * 30 in pages[-1]
    for html in pages:
        assert_private(html)
        assert "Colleague Carl" not in html and "carl.colleague" not in html


def test_the_parties_never_see_who_reviewed(private_case):
    case, panel, seat, reviewer = private_case
    vote_on(seat, OPTIONS[0], "The photo shows the damage clearly enough.")
    colleague = make_user(name="Colleague Carl", email="carl.colleague@example.com")
    vote_on(seat_for(panel, colleague), OPTIONS[1], "The packing video shows it intact.")
    close_panel(panel)
    for party in (case.buyer, case.seller):
        html = outcome_html(case, party)
        assert "The photo shows the damage" in html and "packing video" in html
        for hidden in ("Reviewer Rosa", "rosa.reviewer", "Colleague Carl", "carl.colleague"):
            assert hidden not in html


def test_the_redactor_on_its_own(private_case):
    case, *_ = private_case
    redactor = Redactor(case)
    assert_private(redactor.redact(DETAILS))
    assert redactor.redact("Delivered on 2024-11-03 at 14:05, 2 boxes, ¥199.") == (
        "Delivered on 2024-11-03 at 14:05, 2 boxes, ¥199."
    )
    assert redactor.redact("Call +44 20 7946 0958 or 021-6234-5678") == (
        "Call [phone removed] or [phone removed]"
    )
    assert redactor.redact("id JD0012345678X, carrier number 7712345678") == (
        "id [tracking number removed], carrier number [tracking number removed]"
    )
