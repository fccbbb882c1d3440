"""What a reviewer reads of the negotiation thread: every message, redacted however the
parties wrote their details (the hostile corpus), its authors only Buyer, Seller and
Mediator."""

import pytest

from app.auth.models import Role
from app.cases.thread import post_to_thread
from app.core.extensions import db
from tests.helpers.factories import make_reviewers, make_user
from tests.helpers.pages import login, login_with_token, page
from tests.helpers.panel_rows import make_panel, seat_for
from tests.helpers.redaction_corpus import HOSTILE, leaks
from tests.helpers.redaction_parties import corpus_case_row

SECRETS = sorted({secret for hostile in HOSTILE for secret in hostile.secrets})


@pytest.fixture
def seat():
    """A panel's seat on the corpus's case, whose parties wrote the whole hostile corpus in
    its thread, message by message, and whose mediator wrote to them."""
    case = corpus_case_row()
    case.mediator = make_user(name="Mediator Zhou", roles=(Role.MEDIATOR,))
    db.session.flush()
    for number, hostile in enumerate(HOSTILE):
        post_to_thread(case, case.buyer if number % 2 == 0 else case.seller, hostile.text)
    post_to_thread(case, case.mediator, "Please both keep to what the photos show.")
    (reviewer,) = make_reviewers(1)
    return seat_for(make_panel(case), reviewer)


def thread_of_page(html: str) -> str:
    return html.split('id="thread"')[1].split("</section>")[0]


@pytest.mark.usefixtures("csrf_enabled")
def test_the_seat_shows_the_thread_redacted_with_authors_by_role(client, seat):
    login_with_token(client, seat.reviewer)
    html = page(client, f"/review/seats/{seat.id}")
    thread = thread_of_page(html)

    assert leaks(SECRETS, html) == []
    assert thread.count('class="thread-post thread-') == len(HOSTILE) + 1
    assert thread.count("<strong>Buyer</strong>") == (len(HOSTILE) + 1) // 2
    assert thread.count("<strong>Seller</strong>") == len(HOSTILE) // 2
    assert "<strong>Mediator</strong>" in thread
    assert "Please both keep to what the photos show." in thread
    for placeholder in ("[buyer]", "[seller]", "[phone removed]", "[e-mail removed]"):
        assert placeholder in thread
    assert "Mediator Zhou" not in html


def test_the_seat_shows_the_thread_in_chinese(client, seat):
    login(client, seat.reviewer)
    client.post("/language", data={"locale": "zh_Hans"})
    thread = thread_of_page(page(client, f"/review/seats/{seat.id}"))

    assert "协商记录" in thread and "<strong>买家</strong>" in thread
    assert "<strong>调解员</strong>" in thread
