"""A real HTTP receiver for webhooks, and verifying what it got the way a marketplace would:
with the reference verifier of the Standard Webhooks specification (``standardwebhooks``);
and the payloads queued in the outbox, each checked against its schema."""

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest import mock

import jsonschema
import standardwebhooks.webhooks as reference
from sqlalchemy import select
from standardwebhooks import Webhook

from app.core import clock
from app.core.extensions import db
from app.notifications.outbox import OutboxMessage
from app.notifications.webhooks.catalogue import EVENT_TYPES
from app.notifications.webhooks.endpoints import add_endpoint


@dataclass(frozen=True)
class Delivery:
    """One request the receiver got: its headers (lower-case names) and its body."""

    headers: dict[str, str]
    body: bytes

    @property
    def webhook_id(self) -> str:
        return self.headers["webhook-id"]

    @property
    def payload(self) -> dict:
        return json.loads(self.body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a client that gave up waiting (a timeout test) is no error of the receiver


class Receiver:
    """An HTTP server on 127.0.0.1 in a thread of the test. It answers each POST with the
    next of ``answers`` — (status, body) or (status, body, headers) — then with
    ``default``, and keeps what it got. ``on_request`` (if set) runs before each answer."""

    def __init__(self, default: tuple = (200, b"ok")):
        self.default = default
        self.answers: list[tuple] = []
        self.deliveries: list[Delivery] = []
        self.on_request: Callable[[Delivery], None] | None = None
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802  (the http.server's name)
                length = int(self.headers.get("content-length", 0))
                body = self.rfile.read(length)
                delivery = Delivery({k.lower(): v for k, v in self.headers.items()}, body)
                with receiver._lock:
                    receiver.deliveries.append(delivery)
                    status, answer, *headers = (
                        receiver.answers.pop(0) if receiver.answers else receiver.default
                    )
                if receiver.on_request is not None:
                    receiver.on_request(delivery)
                self.send_response(status)
                for name, value in (headers[0] if headers else {}).items():
                    self.send_header(name, value)
                self.send_header("content-length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *_args):
                pass

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "Receiver":
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def of_type(self, event_type: str) -> list[Delivery]:
        return [d for d in self.deliveries if d.payload["type"] == event_type]


@contextmanager
def receiver(**options) -> Iterator[Receiver]:
    with Receiver(**options) as running:
        yield running


def endpoint_for(url: str, events: str = "*"):
    """An endpoint registered through the service; returns it and its secret."""
    endpoint, secret = add_endpoint(url, events, None)
    db.session.flush()
    return endpoint, secret


class _ReceiverClock(datetime):
    """The reference verifier's ``datetime``, reading the test's clock: the receiver's clock
    agrees with the sender's, as two machines' clocks do, however far the test moved it."""

    @classmethod
    def now(cls, tz=None):
        return clock.now().astimezone(tz)


def verify(delivery: Delivery, secret: str) -> dict:
    """The payload, if the reference verifier accepts the delivery signed with ``secret``
    (it raises ``WebhookVerificationError`` if not), at the test clock's time."""
    with mock.patch.object(reference, "datetime", _ReceiverClock):
        return Webhook(secret).verify(delivery.body, delivery.headers)


def queued(since: int = 0) -> list[dict]:
    """The webhook payloads queued so far (after outbox id ``since``), each checked against
    its schema in the catalogue."""
    bodies = db.session.scalars(
        select(OutboxMessage.body)
        .where(OutboxMessage.channel == "webhook", OutboxMessage.id > since)
        .order_by(OutboxMessage.id)
    ).all()
    payloads = [json.loads(body) for body in bodies]
    for payload in payloads:
        schema = EVENT_TYPES[payload["type"]]["schema"]
        jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(
            payload
        )
    return payloads


def last_id() -> int:
    return db.session.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id.desc())) or 0
