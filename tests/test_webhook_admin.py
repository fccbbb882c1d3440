"""The admins' page of webhook endpoints, through real forms with their CSRF tokens: adding
one shows its secret once, a refused URL or pattern comes back beside its field, the
delivery log shows every attempt and pages, and "send again" delivers the same message
again, with the same webhook-id."""

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.auth.models import Role
from app.core import clock
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.notifications.delivery import deliver_outbox
from app.notifications.outbox import OutboxMessage
from app.notifications.webhooks import endpoints
from app.notifications.webhooks.events import queue_event
from app.notifications.webhooks.models import WebhookEndpoint
from tests.helpers.accounts import log_in
from tests.helpers.factories import make_user
from tests.helpers.pages import csrf_token_from, field_error, page
from tests.helpers.webhooks import endpoint_for, receiver, verify

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
SECRET = re.compile(r'<code class="secret" id="signing-secret">(whsec_[A-Za-z0-9+/=]+)</code>')


def admin_client(app):
    client = app.test_client()
    log_in(client, make_user(roles=(Role.ADMIN,)))
    return client


def post_form(client, page_url: str, action: str, data: dict):
    """Submit the form whose action is ``action`` on ``page_url``, with its own token."""
    html = page(client, page_url)
    assert f'action="{action}' in html, action
    token = csrf_token_from(html[html.index(f'action="{action}') :])
    return client.post(action, data=data | {"csrf_token": token})


def test_an_admin_adds_an_endpoint_and_sees_its_secret_once(app, csrf_enabled):
    client = admin_client(app)
    data = {"url": "http://127.0.0.1:9009/hook", "events": "case.*", "description": "Shop"}
    assert client.post("/admin/webhooks", data=data).status_code == 400  # no token
    response = post_form(client, "/admin/webhooks", "/admin/webhooks", data)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    secret = SECRET.search(html).group(1)
    endpoint = db.session.scalars(select(WebhookEndpoint)).one()
    assert endpoints.signing_secrets(endpoint, clock.now()) == [secret]
    assert (endpoint.url, endpoint.event_patterns, endpoint.description) == (
        "http://127.0.0.1:9009/hook",
        "case.*",
        "Shop",
    )
    assert response.headers["Cache-Control"] == "no-store"
    for url in ("/admin/webhooks", f"/admin/webhooks/{endpoint.id}"):
        shown = page(client, url)
        assert "http://127.0.0.1:9009/hook" in shown
        assert secret not in shown and secret.removeprefix("whsec_") not in shown
    added = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "webhook_endpoint.added")
    ).one()
    assert added.actor_id is not None and secret not in str(added.after)


def test_a_refused_url_or_pattern_comes_back_beside_its_field(app, csrf_enabled):
    client = admin_client(app)
    bad_url = {"url": "https://shop:pw@hooks.example.com/in", "events": "*"}
    html = post_form(client, "/admin/webhooks", "/admin/webhooks", bad_url).get_data(True)
    assert "user name and password" in field_error(html, "url")
    bad_events = {"url": "http://127.0.0.1:9009/hook", "events": "orders.*"}
    html = post_form(client, "/admin/webhooks", "/admin/webhooks", bad_events).get_data(True)
    assert "No event matches “orders.*”" in field_error(html, "events")
    assert db.session.scalars(select(WebhookEndpoint)).all() == []


def test_the_delivery_log_shows_each_attempt_and_send_again_resends_it(app, csrf_enabled):
    clock.freeze(START)
    client = admin_client(app)
    with receiver() as hook:
        hook.answers = [(500, b"<script>alert('x')</script> broken")]
        endpoint, secret = endpoint_for(hook.url)
        event_id = queue_event("case.decided", {"case": {"id": 4}})
        deliver_outbox()
        clock.advance(timedelta(hours=1))
        deliver_outbox()
        message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.channel == "webhook"))
        log_url = f"/admin/webhooks/{endpoint.id}"

        html = page(client, log_url)
        assert "case.decided" in html and message.idempotency_key in html
        assert html.count('class="attempt"') == 2
        assert '<span class="status">500</span>' in html
        assert '<span class="status">200</span>' in html
        assert " ms</td>" in html
        assert "&lt;script&gt;alert(" in html and "<script>alert(" not in html
        assert "delivered" in html

        action = f"/admin/webhooks/{endpoint.id}/messages/{message.id}/send-again"
        response = post_form(client, log_url, action, {})
        assert response.status_code == 302
        db.session.expire_all()
        assert message.sent_at is None and message.available_at == clock.now()
        assert deliver_outbox() == 1

    first, retried, again = hook.deliveries
    assert first.webhook_id == retried.webhook_id == again.webhook_id
    assert verify(again, secret)["id"] == event_id
    html = page(client, log_url)
    assert html.count('class="attempt"') == 3
    resent = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "webhook_message.sent_again")
    ).one()
    assert resent.subject_id == str(message.id)


def test_send_again_refuses_a_disabled_endpoint_and_another_endpoint_s_message(app, csrf_enabled):
    client = admin_client(app)
    endpoint, _ = endpoint_for("http://127.0.0.1:9/one")
    other, _ = endpoint_for("http://127.0.0.1:9/two")
    queue_event("case.opened", {"case": {"id": 1}})
    mine, theirs = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.channel == "webhook").order_by(OutboxMessage.id)
    ).all()
    log_url = f"/admin/webhooks/{endpoint.id}"
    wrong = f"/admin/webhooks/{endpoint.id}/messages/{theirs.id}/send-again"
    token = csrf_token_from(page(client, log_url))
    assert client.post(wrong, data={"csrf_token": token}).status_code == 404

    endpoints.disable_endpoint(endpoint, None)
    mine.failed_at = clock.now()
    action = f"/admin/webhooks/{endpoint.id}/messages/{mine.id}/send-again"
    response = post_form(client, log_url, action, {})
    assert response.status_code == 302
    assert "Enable the endpoint before sending to it again." in page(client, log_url)
    db.session.expire_all()
    assert mine.failed_at is not None


def test_an_admin_disables_enables_and_rotates_through_the_page(app, csrf_enabled):
    client = admin_client(app)
    endpoint, first = endpoint_for("http://127.0.0.1:9/hook")
    url = f"/admin/webhooks/{endpoint.id}"

    assert post_form(client, url, f"{url}/disable", {}).status_code == 302
    db.session.expire_all()
    assert endpoint.disabled_reason == endpoints.BY_ADMIN
    assert "disabled by an admin" in page(client, url)
    assert post_form(client, url, f"{url}/enable", {}).status_code == 302
    db.session.expire_all()
    assert endpoint.is_active

    response = post_form(client, url, f"{url}/rotate", {})
    assert response.status_code == 200
    second = SECRET.search(response.get_data(as_text=True)).group(1)
    db.session.expire_all()
    assert endpoints.signing_secrets(endpoint, clock.now()) == [second, first]
    assert "The previous secret also signs every delivery until" in response.get_data(True)


def test_the_delivery_log_comes_in_pages(app):
    client = admin_client(app)
    endpoint, _ = endpoint_for("http://127.0.0.1:9/hook")
    for n in range(25):
        queue_event("case.opened", {"case": {"id": n}})
    first = page(client, f"/admin/webhooks/{endpoint.id}")
    second = page(client, f"/admin/webhooks/{endpoint.id}?page=2")
    assert first.count('<article id="message-') == 20
    assert second.count('<article id="message-') == 5
    assert "Page 2 of 2" in second


def test_the_pages_speak_chinese(app):
    client = admin_client(app)
    client.post("/language", data={"locale": "zh_Hans"})
    endpoint, _ = endpoint_for("http://127.0.0.1:9/hook")
    assert "添加端点" in page(client, "/admin/webhooks")
    assert "投递日志" in page(client, f"/admin/webhooks/{endpoint.id}")


def test_the_log_says_why_a_message_was_given_up_without_an_attempt(app):
    client = admin_client(app)
    endpoint, _ = endpoint_for("http://127.0.0.1:9/hook")
    queue_event("case.opened", {"case": {"id": 1}})
    endpoints.disable_endpoint(endpoint, None)
    deliver_outbox()
    html = page(client, f"/admin/webhooks/{endpoint.id}")
    assert "given up" in html and "endpoint disabled" in html
