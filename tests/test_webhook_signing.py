"""Signatures as the Standard Webhooks specification gives them, checked against its
reference verifier; secrets as it spells them; and secrets sealed in the database."""

import base64
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from app.core import clock
from app.core.extensions import db
from app.notifications.webhooks import sealing, signing
from app.notifications.webhooks.models import WebhookEndpoint
from tests.helpers.webhooks import Delivery, endpoint_for, verify

BODY = '{"id":"evt_abc","type":"case.opened","data":{"case":{"id":7}}}'


def now() -> int:
    return int(clock.now().timestamp())


def signed(secrets: list[str], body: str = BODY, message_id: str = "msg_x_1", at=None):
    at = now() if at is None else at
    return Delivery(signing.headers(secrets, message_id, at, body), body.encode())


def test_a_secret_is_whsec_and_the_base64_of_32_random_bytes():
    secrets = {signing.new_secret() for _ in range(50)}
    assert len(secrets) == 50
    for secret in secrets:
        assert secret.startswith("whsec_")
        assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) == 32


def test_the_signature_is_the_reference_one_and_the_reference_verifier_accepts_it():
    secret = signing.new_secret()
    at = now()
    reference = Webhook(secret).sign("msg_x_1", datetime.fromtimestamp(at, UTC), BODY)
    assert signing.sign(secret, "msg_x_1", at, BODY) == reference
    delivery = signed([secret], at=at)
    assert delivery.headers["webhook-id"] == "msg_x_1"
    assert delivery.headers["webhook-timestamp"] == str(at)
    assert delivery.headers["webhook-signature"].startswith("v1,")
    assert verify(delivery, secret) == {
        "id": "evt_abc",
        "type": "case.opened",
        "data": {"case": {"id": 7}},
    }


@pytest.mark.parametrize(
    "tamper",
    [
        lambda d: Delivery(d.headers, d.body.replace(b"7", b"8")),
        lambda d: Delivery(d.headers | {"webhook-id": "msg_other_1"}, d.body),
        lambda d: Delivery(
            d.headers | {"webhook-timestamp": str(int(d.headers["webhook-timestamp"]) + 1)},
            d.body,
        ),
    ],
    ids=["body", "webhook-id", "timestamp"],
)
def test_a_changed_body_id_or_timestamp_fails_verification(tamper):
    secret = signing.new_secret()
    with pytest.raises(WebhookVerificationError):
        verify(tamper(signed([secret])), secret)


def test_another_secret_fails_verification():
    with pytest.raises(WebhookVerificationError):
        verify(signed([signing.new_secret()]), signing.new_secret())


def test_two_secrets_give_two_signatures_and_either_verifies():
    old, new = signing.new_secret(), signing.new_secret()
    delivery = signed([new, old])
    assert len(delivery.headers["webhook-signature"].split(" ")) == 2
    assert verify(delivery, old)["id"] == "evt_abc"
    assert verify(delivery, new)["id"] == "evt_abc"
    with pytest.raises(WebhookVerificationError):
        verify(delivery, signing.new_secret())


def test_a_stale_timestamp_is_refused_by_the_verifier():
    """The receiver's replay protection: the timestamp is signed and must be recent."""
    secret = signing.new_secret()
    with pytest.raises(WebhookVerificationError, match="too old"):
        verify(signed([secret], at=now() - 3600), secret)


def test_the_database_keeps_the_secret_sealed_and_the_server_can_unseal_it(app):
    endpoint, secret = endpoint_for("http://127.0.0.1:9/hook")
    stored = db.session.scalar(
        select(WebhookEndpoint.secret_sealed).where(WebhookEndpoint.id == endpoint.id)
    )
    raw = secret.removeprefix("whsec_")
    assert secret not in stored and raw not in stored
    assert base64.b64decode(raw) not in base64.urlsafe_b64decode(stored.encode())
    assert sealing.unseal(stored) == secret


def test_a_secret_sealed_under_another_secret_key_cannot_be_read(app, monkeypatch):
    sealed = sealing.seal(signing.new_secret())
    monkeypatch.setitem(app.config, "SECRET_KEY", "another-secret-key")
    with pytest.raises(sealing.SecretUnreadable):
        sealing.unseal(sealed)
