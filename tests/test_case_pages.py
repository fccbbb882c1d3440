"""The case pages through the browser's eyes: opening a case with the real form, the case
page with both timelines and only the actions the viewer may take, every action end to end,
and evidence files served safely."""

import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from app.auth.models import Role
from app.cases.models import (
    Case,
    EvidenceEntry,
)
from app.cases.states import (
    CaseState,
    Outcome,
    Remedy,
    Severity,
)
from app.core import clock
from app.core.extensions import db
from app.scheduler.deadlines import sweep_case_deadlines
from tests.helpers.case_factories import (
    CONTEST_STATEMENT,
    OFFER_MESSAGE,
    RETURN_REASON,
    add_photo,
    add_statement,
    jpeg_bytes,
    make_case,
    pdf_bytes,
)
from tests.helpers.factories import make_order, make_user
from tests.helpers.hostile import (
    ACCEPTED_POLYGLOTS,
    FILENAME_MESSAGES,
    HOSTILE_FILENAMES,
    REFUSED_UPLOADS,
)
from tests.helpers.pages import confirmed, field_error, login, page, post_confirmed, reload

START = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen_clock():
    clock.freeze(START)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def stored_files(app) -> set[Path]:
    root = Path(app.config["EVIDENCE_DIR"])
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def claim_data(**overrides) -> dict:
    return {
        "claim_type": "damaged_in_transit",
        "responsible_party": "seller",
        "description": "The box arrived crushed.\nThe left earbud is cracked.",
        "remedy": "partial_refund",
        "remedy_amount": "12.50",
    } | overrides


# Opening a case


def test_the_order_page_offers_to_open_a_case_to_its_buyer_only(client):
    """Opening a case starts with the claim assistant, which leads to the form."""
    buyer, seller = make_user(), make_user(shop_name="Earbud Shop")
    order = make_order(buyer, seller)
    login(client, buyer)
    assert f'href="/orders/{order.id}/assistant"' in page(client, f"/orders/{order.id}")
    client.post("/logout")
    login(client, seller)
    html = page(client, f"/orders/{order.id}")
    assert "/assistant" not in html and "No case has been opened on this order." in html


def test_opening_a_case_through_the_form_files_it_with_its_first_evidence(app, client):
    buyer = make_user()
    order = make_order(buyer, amount_fen=19900)
    login(client, buyer)
    form = page(client, f"/orders/{order.id}/case/new")
    assert "Damaged in transit" in form and "The logistics company" in form
    assert 'type="file"' in form and "multiple" in form and 'maxlength="5000"' in form

    data = claim_data(
        evidence_files=[
            (io.BytesIO(jpeg_bytes()), "crushed box.jpg"),
            (io.BytesIO(pdf_bytes()), "courier note.pdf"),
        ]
    )
    response = client.post(f"/orders/{order.id}/case/new", data=data)

    assert response.status_code == 302
    case = db.session.scalars(select(Case).where(Case.order_id == order.id)).one()
    assert response.headers["Location"] == f"/cases/{case.id}"
    assert case.current_state is CaseState.FILED
    assert case.remedy_amount_fen == 1250
    assert [(e.kind, e.party, e.original_name) for e in case.evidence] == [
        ("image", "buyer", "crushed box.jpg"),
        ("pdf", "buyer", "courier note.pdf"),
    ]
    html = page(client, f"/cases/{case.id}")
    assert "Your case is open." in html
    assert "¥12.50" in html and "Partial refund" in html
    order_page = page(client, f"/orders/{order.id}")
    assert f'href="/cases/{case.id}"' in order_page and "/assistant" not in order_page


def test_a_full_refund_needs_no_amount(client):
    buyer = make_user()
    order = make_order(buyer)
    login(client, buyer)
    data = claim_data(remedy="full_refund", remedy_amount="")
    assert client.post(f"/orders/{order.id}/case/new", data=data).status_code == 302
    case = db.session.scalars(select(Case).where(Case.order_id == order.id)).one()
    assert case.remedy_amount_fen is None and case.evidence == []


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"remedy_amount": "199.01"}, "remedy_amount", "cannot be more than the order"),
        ({"remedy_amount": "-5"}, "remedy_amount", "cannot be negative"),
        ({"remedy_amount": "12.345"}, "remedy_amount", "at most two decimal places"),
        ({"remedy_amount": "twelve"}, "remedy_amount", "Enter an amount in yuan"),
        ({"remedy_amount": "1e3"}, "remedy_amount", "Enter an amount in yuan"),
        ({"remedy_amount": "NaN"}, "remedy_amount", "Enter an amount in yuan"),
        ({"remedy_amount": ""}, "remedy_amount", "Say how much you ask for."),
        ({"remedy_amount": "0"}, "remedy_amount", "more than zero"),
        ({"remedy": "replacement"}, "remedy_amount", "This remedy takes no amount."),
        ({"description": "   "}, "description", "Describe what went wrong."),
    ],
)
def test_a_wrong_claim_is_shown_again_with_the_message_beside_its_field(
    client, overrides, field, message
):
    buyer = make_user()
    order = make_order(buyer, amount_fen=19900)
    login(client, buyer)

    response = client.post(f"/orders/{order.id}/case/new", data=claim_data(**overrides))

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in field_error(html, field)
    assert 'aria-invalid="true"' in html
    assert count(Case) == 0


def test_an_amount_is_converted_exactly():
    from app.cases.forms import fen_to_yuan, yuan_to_fen

    assert yuan_to_fen("0.1") + yuan_to_fen("0.2") == yuan_to_fen("0.3") == 30
    assert yuan_to_fen("12.50") == 1250 and yuan_to_fen(" 7 ") == 700
    assert yuan_to_fen("12345678.99") == 1234567899
    assert yuan_to_fen("3.10") == 310 and yuan_to_fen("3.100") == 310
    assert fen_to_yuan(1250) == "12.50" and fen_to_yuan(5) == "0.05" and fen_to_yuan(None) == ""


def test_a_refused_file_refuses_the_whole_opening_and_leaves_nothing(app, client):
    buyer = make_user()
    order = make_order(buyer)
    login(client, buyer)
    before = stored_files(app)
    data = claim_data(
        evidence_files=[
            (io.BytesIO(jpeg_bytes()), "good.jpg"),
            (io.BytesIO(b"<html><script>alert(1)</script></html>"), "fake.jpg"),
        ]
    )

    response = client.post(f"/orders/{order.id}/case/new", data=data)

    assert response.status_code == 400
    error = field_error(response.get_data(as_text=True), "evidence_files")
    assert "fake.jpg" in error and "This kind of file is not accepted." in error
    assert count(Case) == 0 and count(EvidenceEntry) == 0
    assert stored_files(app) == before


def test_a_second_case_on_the_same_order_is_refused_with_a_link_to_the_first(client):
    case = make_case("filed")
    login(client, case.buyer)
    url = f"/orders/{case.order_id}/case/new"

    html = page(client, url, 403)
    assert "This order already has an open case." in html
    assert f'href="/cases/{case.id}"' in html
    assert client.post(url, data=claim_data()).status_code == 403
    assert count(Case) == 1


def test_a_closed_case_leaves_room_for_another(client):
    case = make_case("closed")
    login(client, case.buyer)
    response = client.post(f"/orders/{case.order_id}/case/new", data=claim_data())
    assert response.status_code == 302 and count(Case) == 2


def test_someone_elses_order_is_not_found(client):
    order = make_order()
    login(client, make_user())
    assert client.get(f"/orders/{order.id}/case/new").status_code == 404
    assert client.post(f"/orders/{order.id}/case/new", data=claim_data()).status_code == 404
    assert client.get("/orders/999999/case/new").status_code == 404
    assert count(Case) == 0


def test_after_the_filing_window_a_case_can_no_longer_be_opened(app, client):
    buyer = make_user()
    order = make_order(buyer)  # delivered 7 days ago
    clock.advance(app.config["CASE_FILING_WINDOW"])
    login(client, buyer)

    assert "Cases can be opened up to 90 days after delivery." in page(
        client, f"/orders/{order.id}"
    )
    html = page(client, f"/orders/{order.id}/case/new", 403)
    assert "Cases can be opened up to 90 days after delivery." in html
    assert client.post(f"/orders/{order.id}/case/new", data=claim_data()).status_code == 403
    assert count(Case) == 0


# The case page


def test_the_case_page_shows_claim_order_state_and_deadline(client):
    case = make_case("filed", remedy=Remedy.PARTIAL_REFUND, remedy_amount_fen=5000)
    clock.advance(timedelta(hours=20, minutes=30))
    login(client, case.buyer)

    html = page(client, f"/cases/{case.id}")

    assert f"Case #{case.id}" in html and "Filed" in html
    assert "A mediator checks that it is complete" in html  # what the state means
    assert "Damaged in transit" in html and "The seller" in html
    assert "The box arrived crushed\nand the left earbud is cracked." in html
    assert "Partial refund" in html and "¥50.00" in html
    assert case.order.marketplace_order_id in html and "Wireless earbuds" in html
    assert "¥199.00" in html
    assert "Intake review due" in html and "3 hours left" in html
    clock.advance(timedelta(hours=4))
    assert "overdue" in page(client, f"/cases/{case.id}")


def test_the_deadline_counts_days_and_hours(client):
    case = make_case("awaiting_seller")
    clock.advance(timedelta(hours=20))
    login(client, case.seller)
    html = page(client, f"/cases/{case.id}")
    assert "The seller answers by" in html and "2 days 4 hours left" in html


def test_both_timelines_share_one_time_axis(client):
    case = make_case("evidence")  # the seller's contest statement comes first
    clock.advance(timedelta(minutes=5))
    photo = add_photo(case, case.buyer, "crushed box.jpg")
    clock.advance(timedelta(minutes=5))
    add_statement(case, case.buyer, "It was <b>crushed</b> on arrival.")
    clock.advance(timedelta(minutes=5))
    add_statement(case, case.seller, "Our packing video shows it intact.")
    login(client, case.buyer)

    html = page(client, f"/cases/{case.id}")

    rows = re.findall(r'<li class="timeline-row side-(buyer|seller)">', html)
    assert rows == ["seller", "buyer", "buyer", "seller"]
    assert html.index(CONTEST_STATEMENT[:20]) < html.index("crushed box.jpg")
    assert "Buyer's timeline" in html and "Seller's timeline" in html
    assert "It was &lt;b&gt;crushed&lt;/b&gt; on arrival." in html  # escaped
    thumb = f'src="/cases/{case.id}/evidence/{photo.id}/thumbnail"'
    assert thumb in html and f'href="/cases/{case.id}/evidence/{photo.id}/file"' in html


def test_retracted_entries_are_struck_through_and_late_ones_shown_apart(client):
    case = make_case("evidence")
    wrong = add_statement(case, case.buyer, "The parcel came on Monday.")
    retraction = {"kind": "retraction", "text": "It came on Tuesday.", "refers_to": wrong.id}
    login(client, case.buyer)
    assert client.post(f"/cases/{case.id}/evidence", data=retraction).status_code == 302
    clock.advance(timedelta(hours=73))
    sweep_case_deadlines()  # the evidence window closes: the case goes to mediation
    clock.advance(timedelta(minutes=1))
    add_statement(case, case.seller, "A late word from the seller.")

    login(client, case.buyer)  # three days on, the login of that day has ended
    html = page(client, f"/cases/{case.id}")

    assert f'class="entry retracted" id="entry-{wrong.id}"' in html
    assert "Withdraws" in html and f'<a href="#entry-{wrong.id}">Buyer #1</a>' in html
    late = html.index("Late evidence")
    assert html.index("A late word from the seller.") > late
    assert html.index("The parcel came on Monday.") < late


VIEWERS = ("buyer", "seller", "mediator", "admin")


def viewer(case, who):
    if who == "admin":
        return make_user(roles=(Role.ADMIN,))
    if who == "mediator":
        return case.mediator or make_user(roles=(Role.MEDIATOR,))
    return getattr(case, who)


def action_urls(case) -> dict[str, str]:
    base = f"/cases/{case.id}"
    return {
        "evidence": f'action="{base}/evidence#',
        "withdraw": f'href="{base}/withdraw"',
        "resubmit": f'href="{base}/resubmit"',
        "intake": f'action="{base}/intake/accept#',
        "return": f'action="{base}/intake/return#',
        "accept_claim": f'action="{base}/answer/accept"',
        "counter_offer": f'action="{base}/answer/counter-offer#',
        "contest": f'action="{base}/answer/contest#',
        "accept_offer": f'action="{base}/counter-offer/accept"',
        "refuse_offer": f'action="{base}/counter-offer/refuse"',
    }


# what each viewer may do, by state; everything else must not be on the page
EXPECTED_ACTIONS = {
    ("filed", "buyer"): {"evidence", "withdraw"},
    ("filed", "seller"): {"evidence"},
    ("filed", "mediator"): {"intake", "return"},
    ("returned", "buyer"): {"evidence", "withdraw", "resubmit"},
    ("returned", "seller"): {"evidence"},
    ("awaiting_seller", "buyer"): {"evidence", "withdraw"},
    ("awaiting_seller", "seller"): {"evidence", "accept_claim", "counter_offer", "contest"},
    ("counter_offer", "buyer"): {"evidence", "withdraw", "accept_offer", "refuse_offer"},
    ("counter_offer", "seller"): {"evidence"},
    ("evidence", "buyer"): {"evidence", "withdraw"},
    ("evidence", "seller"): {"evidence"},
    ("mediation", "buyer"): {"evidence", "withdraw"},
    ("mediation", "seller"): {"evidence"},
}


@pytest.mark.parametrize(
    "state",
    [
        "filed",
        "returned",
        "awaiting_seller",
        "counter_offer",
        "evidence",
        "mediation",
        "decided",
        "closed",
    ],
)
@pytest.mark.parametrize("who", VIEWERS)
def test_each_viewer_sees_the_actions_it_may_take_and_no_other(client, state, who):
    case = make_case(state)
    login(client, viewer(case, who))

    html = page(client, f"/cases/{case.id}")

    expected = EXPECTED_ACTIONS.get((state, who), set())
    shown = {name for name, marker in action_urls(case).items() if marker in html}
    assert shown == expected
    if who == "seller":
        assert "Withdraw" not in html
    if who == "buyer":
        assert "Accept the claim" not in html
    if who == "mediator" and state != "filed":
        assert "Accept the case" not in html and "Return the case" not in html


def test_the_page_has_no_inline_script_or_style(client):
    case = make_case("awaiting_seller")
    add_photo(case, case.buyer)
    for who in ("buyer", "seller"):
        login(client, getattr(case, who))
        html = page(client, f"/cases/{case.id}")
        assert "<script>" not in html and "<style" not in html
        assert " style=" not in html and " onclick=" not in html and "javascript:" not in html
        assert '<script src="/static/js/upload.js" defer></script>' in html
        assert 'href="/static/css/cases.css"' in html
        client.post("/logout")


# Every action, end to end


def test_the_buyer_withdraws_after_confirming(client):
    case = make_case("awaiting_seller")
    login(client, case.buyer)
    confirm = page(client, f"/cases/{case.id}/withdraw")
    assert "Yes, withdraw the case" in confirm and "This cannot be undone." in confirm
    assert reload(case).current_state is CaseState.AWAITING_SELLER

    response = post_confirmed(client, f"/cases/{case.id}/withdraw")

    assert response.status_code == 302 and response.headers["Location"] == f"/cases/{case.id}"
    case = reload(case)
    assert case.current_state is CaseState.CLOSED and case.closed_reason == "withdrawn"
    html = page(client, f"/cases/{case.id}")
    assert "Your case is withdrawn and closed." in html
    assert "The buyer withdrew the case." in html


def test_the_buyer_resubmits_a_returned_case_from_a_prefilled_form(client):
    case = make_case("returned", remedy=Remedy.PARTIAL_REFUND, remedy_amount_fen=4250)
    login(client, case.buyer)

    form = page(client, f"/cases/{case.id}/resubmit")
    assert RETURN_REASON in form
    assert "The box arrived crushed\nand the left earbud is cracked.</textarea>" in form
    assert 'value="42.50"' in form
    assert '<option selected value="partial_refund">' in form

    data = claim_data(description="Crushed box, cracked earbud; photo added.")
    response = client.post(f"/cases/{case.id}/resubmit", data=data)

    assert response.status_code == 302
    case = reload(case)
    assert case.current_state is CaseState.FILED
    assert case.description == "Crushed box, cracked earbud; photo added."
    assert case.remedy_amount_fen == 1250 and case.return_reason is None


def test_a_resubmission_with_a_wrong_amount_is_shown_again(client):
    case = make_case("returned")
    login(client, case.buyer)
    response = client.post(f"/cases/{case.id}/resubmit", data=claim_data(remedy_amount="-1"))
    assert response.status_code == 400
    assert "cannot be negative" in field_error(response.get_data(as_text=True), "remedy_amount")
    assert reload(case).current_state is CaseState.RETURNED


def test_a_resubmission_after_its_deadline_says_the_case_moved_on(client):
    case = make_case("returned")
    clock.advance(timedelta(hours=73))  # past the deadline; the sweep has not run yet
    login(client, case.buyer)
    response = client.post(f"/cases/{case.id}/resubmit", data=claim_data())
    assert response.status_code == 400
    assert "This step is no longer possible" in response.get_data(as_text=True)
    assert reload(case).current_state is CaseState.RETURNED


def test_the_mediator_accepts_intake_with_the_suggested_severity_preset(client):
    case = make_case("filed", safety_or_fraud=True)
    mediator = make_user(roles=(Role.MEDIATOR,))
    login(client, mediator)
    html = page(client, f"/cases/{case.id}")
    assert '<option selected value="urgent">' in html

    # the case was assigned to a colleague when it was filed: accepting it takes it over
    colleague = case.mediator.display_name
    asked = client.post(f"/cases/{case.id}/intake/accept", data={"severity": "general"})
    assert f"This case is {colleague}&#39;s. Acting on it moves it to you." in asked.get_data(True)
    response = confirmed(client, f"/cases/{case.id}/intake/accept", asked)

    assert response.status_code == 302
    case = reload(case)
    assert case.current_state is CaseState.AWAITING_SELLER
    assert case.severity == Severity.GENERAL and case.mediator_id == mediator.id


def test_the_mediator_returns_a_case_with_a_reason(client):
    case = make_case("filed")
    login(client, make_user(roles=(Role.MEDIATOR,)))

    refused = client.post(f"/cases/{case.id}/intake/return", data={"reason": "  "})
    assert refused.status_code == 400
    assert "Tell the buyer what is missing." in field_error(refused.get_data(True), "reason")
    assert reload(case).current_state is CaseState.FILED

    response = client.post(f"/cases/{case.id}/intake/return", data={"reason": RETURN_REASON})
    assert response.status_code == 302
    case = reload(case)
    assert case.current_state is CaseState.RETURNED and case.return_reason == RETURN_REASON


def test_the_seller_accepts_the_claim(client):
    case = make_case("awaiting_seller")
    login(client, case.seller)
    assert post_confirmed(client, f"/cases/{case.id}/answer/accept").status_code == 302
    case = reload(case)
    assert case.current_state is CaseState.EXECUTING and case.outcome == Outcome.FOR_BUYER
    html = page(client, f"/cases/{case.id}")
    assert "Decided for the buyer" in html and "The seller accepted the claim." in html


def test_too_late_for_a_button_says_so_and_changes_nothing(client):
    case = make_case("awaiting_seller")
    clock.advance(timedelta(hours=73))  # the sweep has not run yet
    login(client, case.seller)
    response = client.post(f"/cases/{case.id}/answer/accept", follow_redirects=True)
    assert "This step is no longer possible" in response.get_data(as_text=True)
    assert reload(case).current_state is CaseState.AWAITING_SELLER


def test_the_seller_makes_a_counter_offer(client):
    case = make_case("awaiting_seller")
    login(client, case.seller)
    url = f"/cases/{case.id}/answer/counter-offer"

    too_much = client.post(url, data={"remedy": "partial_refund", "amount": "300", "message": "x"})
    assert too_much.status_code == 400
    assert "between zero and the order" in field_error(too_much.get_data(True), "amount")
    no_amount = client.post(url, data={"remedy": "replacement", "amount": "", "message": "x"})
    assert "0 if none" in field_error(no_amount.get_data(True), "amount")
    no_message = client.post(url, data={"remedy": "replacement", "amount": "0", "message": ""})
    assert "Explain the offer" in field_error(no_message.get_data(True), "message")

    data = {"remedy": "partial_refund", "amount": "99.50", "message": OFFER_MESSAGE}
    assert client.post(url, data=data).status_code == 302
    offer = reload(case).pending_counter_offer
    assert (offer.remedy, offer.amount_fen, offer.message) == (
        "partial_refund",
        9950,
        OFFER_MESSAGE,
    )
    client.post("/logout")
    login(client, case.buyer)
    html = page(client, f"/cases/{case.id}")
    assert "¥99.50" in html and OFFER_MESSAGE in html
    assert "The buyer answers the offer by" in html


def test_the_seller_contests_with_a_statement(client):
    case = make_case("awaiting_seller")
    login(client, case.seller)
    url = f"/cases/{case.id}/answer/contest"

    refused = client.post(url, data={"statement": ""})
    assert refused.status_code == 400
    assert "Say why you contest the claim." in field_error(refused.get_data(True), "statement")

    assert client.post(url, data={"statement": CONTEST_STATEMENT}).status_code == 302
    case = reload(case)
    assert case.current_state is CaseState.EVIDENCE
    assert [(e.party, e.kind, e.text) for e in case.evidence] == [
        ("seller", "statement", CONTEST_STATEMENT)
    ]


def test_the_buyer_accepts_a_counter_offer(client):
    case = make_case("counter_offer")
    login(client, case.buyer)
    assert client.post(f"/cases/{case.id}/counter-offer/accept").status_code == 302
    case = reload(case)
    assert case.current_state is CaseState.EXECUTING and case.outcome == Outcome.SETTLED
    assert case.decision_amount_fen == 9950
    assert "Accepted by the buyer" in page(client, f"/cases/{case.id}")


def test_the_buyer_refuses_a_counter_offer(client):
    case = make_case("counter_offer")
    login(client, case.buyer)
    response = client.post(f"/cases/{case.id}/counter-offer/refuse", follow_redirects=True)
    assert "You refused the offer" in response.get_data(as_text=True)
    assert reload(case).current_state is CaseState.EVIDENCE


# Evidence through the route, and the files served back


def test_a_statement_and_a_tracking_number_are_added(client):
    case = make_case("evidence")
    login(client, case.buyer)
    url = f"/cases/{case.id}/evidence"
    assert (
        client.post(url, data={"kind": "statement", "text": "Line one\nline two"}).status_code
        == 302
    )
    data = {"kind": "tracking_number", "text": "SF Express SF1234567890"}
    assert client.post(url, data=data).status_code == 302
    html = page(client, f"/cases/{case.id}")
    assert "Your evidence is added to your timeline." in html
    assert "Line one\nline two" in html and "<code>SF Express SF1234567890</code>" in html


def test_an_empty_statement_is_refused_beside_the_text(client):
    case = make_case("evidence")
    login(client, case.seller)
    response = client.post(f"/cases/{case.id}/evidence", data={"kind": "statement", "text": ""})
    assert response.status_code == 400
    assert "Write your statement." in field_error(response.get_data(True), "text")


def test_an_image_is_stored_and_its_thumbnail_served_inline(client):
    case = make_case("evidence")
    login(client, case.buyer)
    data = {"kind": "image", "file": (io.BytesIO(jpeg_bytes((1600, 1200))), "box photo.jpg")}

    response = client.post(f"/cases/{case.id}/evidence", data=data)

    assert response.status_code == 302
    entry = reload(case).evidence[-1]
    assert (entry.kind, entry.original_name) == ("image", "box photo.jpg")
    thumbnail = client.get(f"/cases/{case.id}/evidence/{entry.id}/thumbnail")
    assert thumbnail.status_code == 200
    assert thumbnail.mimetype == "image/jpeg"
    assert thumbnail.headers["Content-Disposition"].startswith("inline")
    assert thumbnail.data.startswith(b"\xff\xd8\xff")
    full = client.get(f"/cases/{case.id}/evidence/{entry.id}/file")
    assert full.status_code == 200 and full.mimetype == "image/jpeg"
    assert full.headers["Content-Disposition"].startswith("inline")
    assert 'filename="box photo.jpg"' in full.headers["Content-Disposition"]
    assert len(full.data) > len(thumbnail.data)


def test_a_pdf_is_served_as_an_attachment_with_safe_headers(client):
    case = make_case("evidence")
    login(client, case.seller)
    data = {"kind": "pdf", "file": (io.BytesIO(pdf_bytes()), "receipt.html")}
    assert client.post(f"/cases/{case.id}/evidence", data=data).status_code == 302
    entry = reload(case).evidence[-1]
    assert entry.kind == "pdf"
    client.post("/logout")
    login(client, case.buyer)  # the other side reads it too

    response = client.get(f"/cases/{case.id}/evidence/{entry.id}/file")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and "receipt.pdf" in disposition
    assert "html" not in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert "private" in response.headers["Cache-Control"]
    assert response.data.startswith(b"%PDF-")
    assert client.get(f"/cases/{case.id}/evidence/{entry.id}/thumbnail").status_code == 404


def test_a_file_whose_content_is_not_what_it_claims_is_refused_and_nothing_stored(app, client):
    case = make_case("evidence")
    login(client, case.buyer)
    before, entries = stored_files(app), count(EvidenceEntry)
    data = {"kind": "image", "file": (io.BytesIO(b"MZ\x90\x00 not a photo at all"), "photo.jpg")}

    response = client.post(f"/cases/{case.id}/evidence", data=data)

    assert response.status_code == 400
    assert "This kind of file is not accepted." in field_error(response.get_data(True), "file")
    assert count(EvidenceEntry) == entries and stored_files(app) == before


@pytest.mark.parametrize("name", sorted(REFUSED_UPLOADS))
def test_every_hostile_upload_is_refused_beside_the_file_and_leaves_nothing(app, client, name):
    case = make_case("evidence")
    login(client, case.seller)
    filename, build = REFUSED_UPLOADS[name]
    before, entries = stored_files(app), count(EvidenceEntry)
    data = {"kind": "image", "file": (io.BytesIO(build()), filename)}

    response = client.post(f"/cases/{case.id}/evidence", data=data)

    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "file")
    assert count(EvidenceEntry) == entries and stored_files(app) == before


@pytest.mark.parametrize("name", sorted(HOSTILE_FILENAMES))
def test_a_hostile_file_name_is_refused_beside_the_file(client, name):
    case = make_case("evidence")
    login(client, case.buyer)
    data = {"kind": "image", "file": (io.BytesIO(jpeg_bytes()), HOSTILE_FILENAMES[name])}
    response = client.post(f"/cases/{case.id}/evidence", data=data)
    assert response.status_code == 400
    error = field_error(response.get_data(as_text=True), "file")
    assert str(escape(FILENAME_MESSAGES[name])) in error, error


@pytest.mark.parametrize("name", sorted(ACCEPTED_POLYGLOTS))
def test_an_accepted_polyglot_is_served_re_encoded_and_sandboxed(client, name):
    case = make_case("evidence")
    login(client, case.buyer)
    filename, build = ACCEPTED_POLYGLOTS[name]
    data = {"kind": "image", "file": (io.BytesIO(build()), filename)}
    assert client.post(f"/cases/{case.id}/evidence", data=data).status_code == 302
    entry = reload(case).evidence[-1]
    response = client.get(f"/cases/{case.id}/evidence/{entry.id}/file")
    assert response.mimetype == "image/jpeg" and b"<html" not in response.data.lower()
    assert response.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"


def test_a_non_ascii_file_name_is_kept_for_download(client):
    case = make_case("evidence")
    entry = add_photo(case, case.buyer, "破损的盒子.jpg")
    login(client, case.seller)
    response = client.get(f"/cases/{case.id}/evidence/{entry.id}/file")
    assert "filename*=UTF-8''%E7%A0%B4" in response.headers["Content-Disposition"]


def test_an_entry_of_another_case_is_not_found(client):
    mine, other = make_case("evidence"), make_case("evidence")
    photo = add_photo(other, other.buyer)
    login(client, mine.buyer)
    assert client.get(f"/cases/{mine.id}/evidence/{photo.id}/file").status_code == 404
    assert client.get(f"/cases/{other.id}/evidence/{photo.id}/file").status_code == 404
    text_entry = mine.evidence[0]  # the contest statement has no file
    assert client.get(f"/cases/{mine.id}/evidence/{text_entry.id}/file").status_code == 404


# My cases and the mediator desk


def test_my_cases_lists_the_cases_i_am_party_to_newest_first(client):
    me = make_user()
    bought = make_case("filed", buyer=me)
    clock.advance(timedelta(hours=1))
    sold = make_case("awaiting_seller")
    sold_by_me = make_case("evidence", seller=me)
    not_mine = make_case("filed")
    login(client, me)

    html = page(client, "/cases")

    assert f'href="/cases/{bought.id}"' in html and f'href="/cases/{sold_by_me.id}"' in html
    assert f'href="/cases/{not_mine.id}"' not in html and f'href="/cases/{sold.id}"' not in html
    assert html.index(f"/cases/{sold_by_me.id}") < html.index(f"/cases/{bought.id}")
    assert "Collecting evidence" in html and "Your turn: add evidence" in html
    assert (
        "Filed" in html and "Waiting for the mediator: review the claim" in html and "left" in html
    )
