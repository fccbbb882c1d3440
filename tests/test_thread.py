"""The negotiation thread: who writes and reads it, in which states, how long a message may
be, that each message is audited and told to the others (by their e-mail choices), and the
case page's form with CSRF, end to end."""

import pytest
from sqlalchemy import select

from app.auth.models import Role
from app.cases.thread import ThreadPost, ThreadRefused, post_to_thread, thread_of
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.notifications.models import MailKind, MailPreference
from app.notifications.outbox import OutboxMessage
from tests.helpers.case_factories import STATES, make_case
from tests.helpers.factories import make_user
from tests.helpers.pages import csrf_token_from, field_error, login_with_token, page

OPEN = ("awaiting_seller", "counter_offer", "evidence", "mediation", "proposal", "panel")
OPEN += ("decided", "executing")
NOT_YET = ("filed", "returned")
CLOSED = ("closed", "closed_completed")

pytestmark = pytest.mark.usefixtures("csrf_enabled")


@pytest.fixture
def case():
    return make_case("evidence")


def thread_messages(case) -> list[OutboxMessage]:
    return db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.idempotency_key.startswith(f"case-{case.id}:thread-"))
        .order_by(OutboxMessage.id)
    ).all()


def told(case) -> set[tuple[int, str]]:
    return {(row.recipient_id, row.channel) for row in thread_messages(case)}


# The service


def test_the_states_listed_cover_every_state_of_the_factories():
    assert set(OPEN + NOT_YET + CLOSED) == set(STATES)


@pytest.mark.parametrize("state", OPEN)
def test_both_parties_and_the_cases_mediator_post_while_the_case_is_live(state):
    case = make_case(state)
    for author in (case.buyer, case.seller, case.mediator):
        post_to_thread(case, author, f"A word from {author.display_name}.")

    posts = thread_of(case)
    assert [post.author_role for post in posts] == ["buyer", "seller", "mediator"]
    assert [post.author_id for post in posts] == [case.buyer_id, case.seller_id, case.mediator_id]


@pytest.mark.parametrize("state", NOT_YET + CLOSED)
def test_no_one_posts_before_the_seller_is_asked_or_after_closing(state):
    case = make_case(state)
    with pytest.raises(ThreadRefused, match="closed"):
        post_to_thread(case, case.buyer, "Hello?")
    assert thread_of(case) == []


def test_no_one_else_posts(case):
    staff = [make_user(roles=(Role.MEDIATOR,)), make_user(roles=(Role.ADMIN,))]
    for outsider in [make_user(), *staff]:
        with pytest.raises(ThreadRefused, match="Only the buyer, the seller"):
            post_to_thread(case, outsider, "Let me in.")
    assert thread_of(case) == []


def test_a_message_is_stripped_and_must_say_something_within_its_limit(app, case):
    limit = app.config["THREAD_POST_MAX_CHARS"]
    for blank in ("", "   \n ", "\u200b"):
        with pytest.raises(ThreadRefused, match="Write your message") as refused:
            post_to_thread(case, case.buyer, blank)
        assert refused.value.field == "text"
    with pytest.raises(ThreadRefused, match=f"at most {limit}"):
        post_to_thread(case, case.buyer, "x" * (limit + 1))
    with pytest.raises(ThreadRefused, match="control characters"):
        post_to_thread(case, case.buyer, "Hi\x00")

    post = post_to_thread(case, case.buyer, f"  {'y' * limit}  ")
    assert post.text == "y" * limit


def test_the_thread_reads_oldest_first(case):
    post_to_thread(case, case.seller, "First.")
    post_to_thread(case, case.buyer, "Second.")
    post_to_thread(case, case.seller, "Third.")
    assert [post.text for post in thread_of(case)] == ["First.", "Second.", "Third."]


def test_each_post_is_audited_on_the_case(case):
    post = post_to_thread(case, case.seller, "We can send a new one.")
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "case.thread_posted")
    ).one()
    assert (event.actor_id, event.subject_type, event.subject_id) == (
        case.seller_id,
        "cases",
        str(case.id),
    )
    assert event.after == {"post": post.id, "role": "seller"}


# Who is told


def test_each_post_tells_the_other_participants_by_inbox_and_email(case):
    post_to_thread(case, case.buyer, "Will you send a new one?")
    others = {case.seller_id, case.mediator_id}
    assert told(case) == {(who, channel) for who in others for channel in ("inbox", "email")}
    message = thread_messages(case)[0]
    assert message.subject == f"Case #{case.id}: a new message in the negotiation thread"
    assert "The buyer wrote in the negotiation thread" in message.body


def test_the_mediators_post_tells_both_parties(case):
    post_to_thread(case, case.mediator, "Please both keep to the facts.")
    assert {who for who, _channel in told(case)} == {case.buyer_id, case.seller_id}


def test_a_party_who_turned_off_case_mail_is_told_in_the_inbox_only(case):
    db.session.add(
        MailPreference(user_id=case.seller_id, kind=MailKind.CASE_UPDATES.value, email=False)
    )
    post_to_thread(case, case.buyer, "Will you send a new one?")
    assert (case.seller_id, "inbox") in told(case)
    assert (case.seller_id, "email") not in told(case)
    assert (case.mediator_id, "email") in told(case)


def test_a_chinese_reader_is_told_in_chinese(case):
    case.seller.locale = "zh_Hans"
    post_to_thread(case, case.buyer, "Will you send a new one?")
    to_seller = next(m for m in thread_messages(case) if m.recipient_id == case.seller_id)
    assert "协商记录" in to_seller.subject and "买家" in to_seller.body


# The case page, through the real form with CSRF


def post_form(client, case, text: str):
    html = page(client, f"/cases/{case.id}")
    token = csrf_token_from(html.split('id="thread-form"')[1])
    return client.post(f"/cases/{case.id}/thread", data={"thread-text": text, "csrf_token": token})


def test_a_party_posts_and_the_other_party_and_the_mediator_read_it(app, case):
    buyer = app.test_client()
    login_with_token(buyer, case.buyer)
    response = post_form(buyer, case, "Could you send a replacement <b>today</b>?")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/cases/{case.id}#thread")

    for reader in (case.seller, case.mediator):
        client = app.test_client()
        login_with_token(client, reader)
        html = page(client, f"/cases/{case.id}")
        thread = html.split('id="thread"')[1].split("</article>")[0]
        assert "Could you send a replacement &lt;b&gt;today&lt;/b&gt;?" in thread
        assert "<strong>Buyer</strong>" in thread
        assert 'id="thread-form"' in html


def test_the_mediator_posts_through_the_form(app, case):
    client = app.test_client()
    login_with_token(client, case.mediator)
    assert post_form(client, case, "Please both keep to the facts.").status_code == 302
    [post] = thread_of(case)
    assert (post.author_role, post.author_id) == ("mediator", case.mediator_id)


def test_a_refused_message_is_shown_beside_the_field_and_nothing_is_posted(app, case):
    client = app.test_client()
    login_with_token(client, case.seller)
    response = post_form(client, case, "x" * (app.config["THREAD_POST_MAX_CHARS"] + 1))
    assert response.status_code == 400
    assert "at most" in field_error(response.get_data(as_text=True), "thread-text")
    assert thread_of(case) == []


def test_a_post_without_the_csrf_token_is_refused(app, case):
    client = app.test_client()
    login_with_token(client, case.buyer)
    response = client.post(f"/cases/{case.id}/thread", data={"thread-text": "Hello"})
    assert response.status_code == 400
    assert thread_of(case) == []


def test_outsiders_get_404_and_staff_who_read_get_403(app, case):
    stranger = app.test_client()
    login_with_token(stranger, make_user())
    token = csrf_token_from(page(stranger, "/account/password"))
    sent = {"thread-text": "Hi", "csrf_token": token}
    assert stranger.post(f"/cases/{case.id}/thread", data=sent).status_code == 404
    assert stranger.get(f"/cases/{case.id}").status_code == 404

    colleague = app.test_client()
    login_with_token(colleague, make_user(roles=(Role.MEDIATOR,)))
    html = page(colleague, f"/cases/{case.id}")  # reads the case and its thread
    assert "Negotiation thread" in html and 'id="thread-form"' not in html
    token = csrf_token_from(html)
    response = colleague.post(
        f"/cases/{case.id}/thread", data={"thread-text": "Hi", "csrf_token": token}
    )
    assert response.status_code == 403
    assert db.session.scalar(select(ThreadPost.id)) is None


def test_a_closed_case_shows_its_thread_without_a_form_and_refuses_posts(app):
    case = make_case("mediation")
    post_to_thread(case, case.buyer, "Said before closing.")
    case.state, case.closed_reason = "closed", "withdrawn"
    db.session.flush()
    client = app.test_client()
    login_with_token(client, case.buyer)
    html = page(client, f"/cases/{case.id}")
    assert "Said before closing." in html and "The thread closed with the case." in html
    assert 'id="thread-form"' not in html
    response = client.post(
        f"/cases/{case.id}/thread",
        data={"thread-text": "Hello?", "csrf_token": csrf_token_from(html)},
    )
    assert response.status_code == 403
    assert len(thread_of(case)) == 1


def test_posting_is_rate_limited(app, case, monkeypatch):
    monkeypatch.setitem(app.config, "THREAD_POST_RATE_LIMIT", "2 per minute")
    client = app.test_client()
    login_with_token(client, case.buyer)
    html = page(client, f"/cases/{case.id}")
    token = csrf_token_from(html.split('id="thread-form"')[1])
    url = f"/cases/{case.id}/thread"
    for text in ("One.", "Two."):
        assert client.post(url, data={"thread-text": text, "csrf_token": token}).status_code == 302
    assert client.post(url, data={"thread-text": "Three.", "csrf_token": token}).status_code == 429
    assert [post.text for post in thread_of(case)] == ["One.", "Two."]
