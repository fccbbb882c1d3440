"""Whatever a case's parties are called and however they write their details — full- or
half-width, Chinese or Arabic numerals, separators anywhere, "at" and "dot" spelled out,
spaces inside names — none of it reaches a reviewer, and the text around it does."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.core.extensions import db
from app.jury.models import BALLOT_OPTION_MAX_CHARS, Tally
from app.jury.redaction import Redactor
from app.jury.redaction.normalise import normalise
from tests.helpers.factories import make_reviewers
from tests.helpers.pages import login, page
from tests.helpers.panel_rows import close_panel, make_panel, seat_for, vote_on
from tests.helpers.redaction_corpus import leaks
from tests.helpers.redaction_parties import corpus_case, corpus_case_row
from tests.helpers.redaction_writing import DRAWN_CHARACTERS, FILLERS, written_cases

# the fixtures are set up once; each example writes over the fields it draws
FIXTURES = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def test_no_filler_shares_a_character_with_the_details_drawn():
    assert not set(DRAWN_CHARACTERS) & set("".join(FILLERS))


@settings(FIXTURES, max_examples=200)
@given(data=written_cases())
def test_no_detail_however_written_survives_redaction(app, data):
    drawn, text, fillers = data
    with app.test_request_context():
        redacted = Redactor(drawn.as_case()).redact(text)
    assert leaks(drawn.secrets(), redacted) == [], redacted
    for filler in fillers:
        assert filler.strip() in redacted


@pytest.fixture
def closed_seat(client):
    """A voted seat on a closed panel of a case of the corpus, its reviewer logged in."""
    case = corpus_case_row()
    panel = make_panel(case)
    (reviewer,) = make_reviewers(1)
    seat = seat_for(panel, reviewer)
    vote = vote_on(seat, panel.options[0], "The photos show the damage.")
    close_panel(panel)
    login(client, reviewer)
    return case, panel, seat, vote, db.session.scalar(select(Tally).filter_by(panel_id=panel.id))


@settings(FIXTURES, max_examples=15)
@given(data=written_cases())
def test_no_reviewer_page_built_from_them_shows_them(client, closed_seat, data):
    case, panel, seat, vote, tally = closed_seat
    drawn, text, fillers = data
    parties = ((case.buyer, drawn.buyer), (case.seller, drawn.seller))
    for user, _values in parties:  # free the addresses an earlier example gave either party
        user.email = f"party{user.id}@example.org"
    db.session.flush()
    for user, values in parties:
        user.display_name, user.email = values["name"], values["email"]
        user.shop_name = values["shop_name"]
    case.order.marketplace_order_id, case.order.tracking_number = drawn.order_id, drawn.tracking
    case.description = panel.summary = panel.question = vote.reason = text
    # an option in the mediator's words (kept from before ballots had keys) holds at most
    # BALLOT_OPTION_MAX_CHARS: the text goes in when it fits
    refund = f"custom:grant:Refund: {text}"
    option_holds_text = len(refund) <= BALLOT_OPTION_MAX_CHARS
    if not option_holds_text:
        refund = "custom:grant:Refund as the description says"
    panel.options = [refund, "reject"]
    vote.option = tally.verdict = panel.options[0]
    tally.counts = {panel.options[0]: 1, panel.options[1]: 0}
    db.session.flush()
    for url in (f"/review/seats/{seat.id}", "/review/seats", "/review/"):
        html = page(client, url)
        assert leaks(drawn.secrets(), html) == [], url
        if url != "/review/" or option_holds_text:  # the dashboard shows only the options
            assert fillers[0].strip() in html  # the text is there, redacted


@settings(FIXTURES, max_examples=200)
@given(text=st.text(max_size=300))
def test_any_text_is_normalised_and_redacted_without_error(app, text):
    normalised = normalise(text)
    starts, ends = normalised.starts, normalised.ends
    assert len(starts) == len(ends) == len(normalised.text)
    assert all(0 <= start < end <= len(text) for start, end in zip(starts, ends, strict=True))
    assert list(starts) == sorted(starts)
    with app.test_request_context():
        Redactor(corpus_case()).redact(text)
