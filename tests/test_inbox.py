"""The in-app inbox: each user sees and marks only their own items."""

import re
from datetime import timedelta

from sqlalchemy import select

from app.core import clock
from app.core.extensions import db
from app.notifications.delivery import deliver_outbox
from app.notifications.models import InboxItem
from app.notifications.outbox import queue_message
from app.notifications.services import mark_all_read, unread_count
from tests.helpers.factories import PASSWORD, make_user
from tests.helpers.pages import csrf_token_from, login

BADGE = re.compile(r'class="badge"[^>]*>(\d+)<')


def notify(user, key: str, subject: str, body: str = "Something happened.", link=None):
    queue_message(user, key, subject, body, channels=("inbox",), link=link)
    deliver_outbox()
    return db.session.scalar(select(InboxItem).where(InboxItem.subject == subject))


def badge(page: str) -> int | None:
    match = BADGE.search(page)
    return int(match.group(1)) if match else None


def test_inbox_shows_own_items_newest_first_and_the_unread_count(client):
    user, other = make_user(), make_user()
    notify(user, "n:1", "Case filed", body="Line one\nLine two")
    clock.advance(timedelta(minutes=5))
    notify(user, "n:2", "Seller responded")
    notify(other, "n:3", "Not for you")
    login(client, user)

    page = client.get("/inbox").get_data(as_text=True)
    assert page.index("Seller responded") < page.index("Case filed")
    assert "Not for you" not in page
    assert "<strong>Seller responded</strong>" in page  # unread is bold
    assert "Line one<br>Line two" in page
    assert badge(page) == 2


def test_empty_inbox_says_so(client):
    login(client, make_user())
    page = client.get("/inbox").get_data(as_text=True)
    assert "Your inbox is empty." in page
    assert badge(page) is None


def test_marking_read_opens_a_local_link_and_lowers_the_count(client):
    user = make_user()
    item = notify(user, "n:1", "Evidence requested", link="/orders/")
    notify(user, "n:2", "Another one")
    login(client, user)

    response = client.post(f"/inbox/{item.id}/read")
    assert response.status_code == 302
    assert response.headers["Location"] == "/orders/"
    db.session.refresh(item)
    assert item.read_at is not None
    page = client.get("/inbox").get_data(as_text=True)
    assert badge(page) == 1
    assert "<strong>Evidence requested</strong>" not in page


def test_marking_read_never_redirects_off_site(client):
    user = make_user()
    item = notify(user, "n:1", "Suspicious", link="https://evil.example/")
    login(client, user)
    response = client.post(f"/inbox/{item.id}/read")
    assert response.headers["Location"] == "/inbox"


def test_another_users_item_is_not_found_and_stays_unread(client):
    owner, intruder = make_user(), make_user()
    item = notify(owner, "n:1", "Private")
    login(client, intruder)
    assert client.post(f"/inbox/{item.id}/read").status_code == 404
    assert client.post("/inbox/999999/read").status_code == 404
    db.session.refresh(item)
    assert item.read_at is None


def test_mark_all_read_touches_only_the_users_own_items(client):
    user, other = make_user(), make_user()
    notify(user, "n:1", "One")
    notify(user, "n:2", "Two")
    notify(other, "n:3", "Three")
    login(client, user)

    page = client.get("/inbox").get_data(as_text=True)
    assert "Mark all as read" in page
    response = client.post("/inbox/read-all", follow_redirects=True)
    assert "All notifications are marked as read." in response.get_data(as_text=True)
    assert unread_count(user) == 0
    assert unread_count(other) == 1
    assert mark_all_read(user) == 0


def test_anonymous_visitors_are_sent_to_log_in(client):
    item = notify(make_user(), "n:1", "Hidden")
    for response in (client.get("/inbox"), client.post(f"/inbox/{item.id}/read")):
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")
    db.session.refresh(item)
    assert item.read_at is None


def test_inbox_forms_need_their_csrf_token(client, csrf_enabled):
    user = make_user()
    item = notify(user, "n:1", "Protected")
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    data = {"email": user.email, "password": PASSWORD, "csrf_token": token}
    assert client.post("/login", data=data).status_code == 302
    assert client.post(f"/inbox/{item.id}/read").status_code == 400
    assert client.post("/inbox/read-all").status_code == 400

    token = csrf_token_from(client.get("/inbox").get_data(as_text=True))
    response = client.post(f"/inbox/{item.id}/read", data={"csrf_token": token})
    assert response.status_code == 302
    db.session.refresh(item)
    assert item.read_at is not None


def test_inbox_is_paginated(client):
    user = make_user()
    for n in range(25):
        clock.advance(timedelta(seconds=1))
        queue_message(user, f"p:{n}", f"Item number {n:02d}", "Body", channels=("inbox",))
    deliver_outbox()
    login(client, user)

    first = client.get("/inbox").get_data(as_text=True)
    assert first.count('class="inbox-item') == 20
    assert "Item number 24" in first and "Item number 04" not in first
    assert "Older" in first
    second = client.get("/inbox?page=2").get_data(as_text=True)
    assert second.count('class="inbox-item') == 5
    assert "Item number 04" in second and "Newer" in second
