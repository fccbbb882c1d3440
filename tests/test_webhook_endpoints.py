"""Registering endpoints (their URLs and events), the ``flask webhooks`` commands, and secret
rotation with an overlap in which both secrets sign."""

import socket
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from standardwebhooks.webhooks import WebhookVerificationError

from app.core import clock
from app.core.audit import AuditEvent
from app.core.config import DevelopmentConfig, ProductionConfig
from app.core.extensions import db
from app.notifications.delivery import deliver_outbox
from app.notifications.outbox import OutboxMessage
from app.notifications.webhooks import addresses, endpoints
from app.notifications.webhooks.addresses import UnsafeAddress, check_url
from app.notifications.webhooks.endpoints import WebhookRefused, check_patterns
from app.notifications.webhooks.events import queue_event
from app.notifications.webhooks.models import WebhookEndpoint
from tests.helpers.webhooks import endpoint_for, receiver, verify

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
PUBLIC = "93.184.215.14"


@pytest.fixture
def production_addresses(app, monkeypatch):
    """Private addresses refused, as in production; names resolve as ``names`` says."""
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_PRIVATE", False)
    names: dict[str, list[str]] = {}

    def getaddrinfo(host, port, *args, **kwargs):
        found = names.get(host, [host])
        if found == ["nowhere"]:
            raise socket.gaierror("no such name")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port)) for ip in found]

    monkeypatch.setattr(addresses.socket, "getaddrinfo", getaddrinfo)
    return names


# The URL


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("", "Give the address"),
        ("ftp://hooks.example.com/in", "Only http:// and https://"),
        ("javascript:alert(1)", "Only http:// and https://"),
        ("https://user:secret@hooks.example.com/in", "user name and password"),
        ("https://token@hooks.example.com/in", "user name and password"),
        ("https:///in", "names no host"),
        ("https://hooks.example.com:99999/in", "port"),
        ("https://hooks.example.com/" + "a" * 500, "too long"),
    ],
)
def test_a_url_that_cannot_receive_webhooks_is_refused(app, url, said):
    with pytest.raises(UnsafeAddress, match=said) as refused:
        check_url(url)
    assert refused.value.field == "url"


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.9",
        "192.168.1.20",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # shared address space
        "0.0.0.0",  # noqa: S104  (an address refused, not one bound)
        "::1",
        "fd00::5",
        "fe80::1",
        "::ffff:127.0.0.1",  # IPv4-mapped loopback
        "224.0.0.1",
    ],
)
def test_in_production_an_address_in_a_private_network_is_refused(production_addresses, address):
    host = f"[{address}]" if ":" in address else address
    with pytest.raises(UnsafeAddress, match="private network"):
        check_url(f"http://{host}/hook")


def test_in_production_a_name_is_refused_if_any_of_its_addresses_is_private(production_addresses):
    production_addresses["hooks.example.com"] = [PUBLIC]
    production_addresses["sneaky.example.com"] = [PUBLIC, "10.0.0.7"]
    production_addresses["gone.example.com"] = ["nowhere"]
    assert check_url(" https://hooks.example.com/in ") == "https://hooks.example.com/in"
    with pytest.raises(UnsafeAddress, match="private network"):
        check_url("https://sneaky.example.com/in")
    with pytest.raises(UnsafeAddress, match="does not resolve"):
        check_url("https://gone.example.com/in")


def test_a_delivery_connects_to_the_address_it_checked_keeping_the_name(production_addresses):
    production_addresses["hooks.example.com"] = [PUBLIC]
    connection = addresses.connection_for("https://hooks.example.com/in?x=1")
    assert connection.url == f"https://{PUBLIC}:443/in?x=1"
    assert connection.headers == {"Host": "hooks.example.com"}
    assert connection.extensions == {"sni_hostname": "hooks.example.com"}
    # the name now leads home (DNS rebinding): the delivery refuses to go there
    production_addresses["hooks.example.com"] = ["127.0.0.1"]
    with pytest.raises(UnsafeAddress):
        addresses.connection_for("https://hooks.example.com/in")


def test_private_addresses_are_allowed_where_configured(app):
    assert app.config["WEBHOOK_ALLOW_PRIVATE"]  # the tests' configuration, as development's
    assert check_url("http://127.0.0.1:9009/hook") == "http://127.0.0.1:9009/hook"
    assert addresses.connection_for("http://127.0.0.1:9009/hook").url == (
        "http://127.0.0.1:9009/hook"
    )


def test_development_allows_private_addresses_and_production_does_not():
    assert DevelopmentConfig.WEBHOOK_ALLOW_PRIVATE is True
    assert ProductionConfig.WEBHOOK_ALLOW_PRIVATE is False


# The events


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("*", "*"),
        ("case.*", "case.*"),
        (" case.decided, panel.verdict ", "case.decided,panel.verdict"),
        ("case.* seller.*", "case.*,seller.*"),
        ("case.*,case.*", "case.*"),
    ],
)
def test_event_patterns_are_normalised(typed, stored):
    assert check_patterns(typed) == stored


@pytest.mark.parametrize("typed", ["", " , ", "case.closed", "order.*", "case"])
def test_event_patterns_that_match_nothing_are_refused(typed):
    with pytest.raises(WebhookRefused) as refused:
        check_patterns(typed)
    assert refused.value.field == "events"


def test_an_event_nobody_wants_is_not_even_built(app):
    built = []
    endpoint_for("http://127.0.0.1:9/sellers", "seller.*")
    assert queue_event("case.opened", lambda: built.append("built") or {}) is None
    assert built == []
    assert queue_event("seller.restricted", lambda: built.append("built") or {}) is not None
    assert built == ["built"]


def test_only_the_endpoints_that_want_an_event_get_it(app):
    every, _ = endpoint_for("http://127.0.0.1:9/all")
    cases, _ = endpoint_for("http://127.0.0.1:9/cases", "case.*")
    sellers, _ = endpoint_for("http://127.0.0.1:9/sellers", "seller.restricted")
    disabled, _ = endpoint_for("http://127.0.0.1:9/off")
    endpoints.disable_endpoint(disabled, None)

    def queued_to(event_type):
        event_id = queue_event(event_type, {})
        rows = db.session.execute(
            select(OutboxMessage.endpoint_id, OutboxMessage.idempotency_key).where(
                OutboxMessage.subject == event_type
            )
        ).all()
        assert all(key.startswith(f"msg_{event_id[4:]}_") for _endpoint, key in rows)
        return {endpoint_id for endpoint_id, _key in rows}

    assert queued_to("case.opened") == {every.id, cases.id}
    assert queued_to("seller.restricted") == {every.id, sellers.id}
    assert queued_to("panel.verdict") == {every.id}
    with pytest.raises(ValueError, match="unknown event type"):
        queue_event("case.exploded", {})


# The commands


def test_flask_webhooks_add_prints_the_secret_alone_on_its_line_once(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["webhooks", "add", "http://127.0.0.1:9009/hook", "--events", "case.*"]
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("whsec_")
    secret = lines[0]
    assert "not shown again" in result.stderr
    endpoint = db.session.scalars(select(WebhookEndpoint)).one()
    assert (endpoint.url, endpoint.event_patterns) == ("http://127.0.0.1:9009/hook", "case.*")
    assert endpoints.signing_secrets(endpoint, clock.now()) == [secret]

    listed = runner.invoke(args=["webhooks", "list"])
    assert f"{endpoint.id}\tactive\tcase.*\thttp://127.0.0.1:9009/hook" in listed.output
    assert secret not in listed.output and secret.removeprefix("whsec_") not in listed.output


def test_flask_webhooks_refuses_a_bad_url_and_writes_nothing(app):
    result = app.test_cli_runner().invoke(args=["webhooks", "add", "https://u:p@example.com/"])
    assert result.exit_code == 1
    assert "user name and password" in result.output
    assert db.session.scalars(select(WebhookEndpoint)).all() == []


def test_flask_webhooks_rotate_disable_and_enable(app):
    endpoint, first = endpoint_for("http://127.0.0.1:9/hook")
    db.session.commit()
    runner = app.test_cli_runner()

    rotated = runner.invoke(args=["webhooks", "rotate", str(endpoint.id)])
    assert rotated.exit_code == 0, rotated.output
    [second] = rotated.stdout.splitlines()
    assert second.startswith("whsec_") and second != first
    db.session.expire_all()
    assert endpoints.signing_secrets(endpoint, clock.now()) == [second, first]

    assert "is disabled" in runner.invoke(args=["webhooks", "disable", str(endpoint.id)]).output
    assert "already" in runner.invoke(args=["webhooks", "disable", str(endpoint.id)]).output
    db.session.expire_all()
    assert endpoint.disabled_reason == endpoints.BY_ADMIN
    assert "is enabled" in runner.invoke(args=["webhooks", "enable", str(endpoint.id)]).output
    db.session.expire_all()
    assert endpoint.is_active
    missing = runner.invoke(args=["webhooks", "rotate", "9999"])
    assert missing.exit_code == 1 and "no webhook endpoint 9999" in missing.output
    actions = db.session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.subject_type == "webhook_endpoints")
        .order_by(AuditEvent.id)
    ).all()
    assert actions == [
        "webhook_endpoint.added",
        "webhook_endpoint.secret_rotated",
        "webhook_endpoint.disabled",
        "webhook_endpoint.enabled",
    ]


# Rotation


def test_after_a_rotation_both_secrets_sign_for_the_overlap_then_only_the_new_one(app):
    clock.freeze(START)
    overlap = app.config["WEBHOOK_ROTATION_OVERLAP"]
    with receiver() as hook:
        endpoint, old = endpoint_for(hook.url)
        new = endpoints.rotate_secret(endpoint, None)

        clock.advance(overlap - timedelta(minutes=1))  # still inside the overlap
        queue_event("case.opened", {"case": {"id": 1}})
        assert deliver_outbox() == 1
        during = hook.deliveries[-1]
        assert len(during.headers["webhook-signature"].split(" ")) == 2
        assert verify(during, old)["type"] == "case.opened"
        assert verify(during, new)["type"] == "case.opened"

        clock.advance(timedelta(minutes=2))  # the overlap is over
        queue_event("case.opened", {"case": {"id": 2}})
        assert deliver_outbox() == 1
        after = hook.deliveries[-1]
        assert len(after.headers["webhook-signature"].split(" ")) == 1
        assert verify(after, new)["data"] == {"case": {"id": 2}}
        with pytest.raises(WebhookVerificationError):
            verify(after, old)


def test_rotating_twice_drops_the_oldest_secret_at_once(app):
    endpoint, first = endpoint_for("http://127.0.0.1:9/hook")
    second = endpoints.rotate_secret(endpoint, None)
    third = endpoints.rotate_secret(endpoint, None)
    assert endpoints.signing_secrets(endpoint, clock.now()) == [third, second]
    assert first not in endpoints.signing_secrets(endpoint, clock.now())
