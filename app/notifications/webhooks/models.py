"""Webhook endpoints and the log of every delivery attempt made to them."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core import clock
from app.core.extensions import db


class WebhookEndpoint(db.Model):
    """Where the marketplace receives events. The signing secrets are stored sealed
    (``sealing``): the server needs them to sign, a copy of the database alone does not
    reveal them."""

    __tablename__ = "webhook_endpoints"
    __table_args__ = (
        CheckConstraint(
            "(previous_secret_sealed IS NULL) = (previous_secret_until IS NULL)",
            name="previous_secret_has_end",
        ),
        CheckConstraint("(disabled_at IS NULL) = (disabled_reason IS NULL)", name="disabled_why"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(500))
    # comma-separated: "*", "case.*", "panel.verdict"
    event_patterns: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(String(200))
    secret_sealed: Mapped[str] = mapped_column(Text)
    # after a rotation the old secret signs too, until previous_secret_until
    previous_secret_sealed: Mapped[str | None] = mapped_column(Text)
    previous_secret_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # since when deliveries are wanted: creation, or the last time it was enabled again
    active_since: Mapped[datetime] = mapped_column(default=clock.now)
    disabled_at: Mapped[datetime | None]
    disabled_reason: Mapped[str | None] = mapped_column(String(20))  # admin | failing | gone
    last_success_at: Mapped[datetime | None]
    # the start of the current run of failures; cleared by the next success
    failing_since: Mapped[datetime | None]

    @property
    def is_active(self) -> bool:
        return self.disabled_at is None

    @property
    def patterns(self) -> list[str]:
        return self.event_patterns.split(",")


class WebhookAttempt(db.Model):
    """One HTTP attempt to deliver one outbox message: what the endpoint answered, or why
    there was no answer. Only a short, cleaned excerpt of the answer is kept."""

    __tablename__ = "webhook_attempts"
    __table_args__ = (
        Index("ix_webhook_attempts_endpoint_id_attempted_at", "endpoint_id", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    outbox_message_id: Mapped[int] = mapped_column(ForeignKey("outbox_messages.id"), index=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id"))
    attempted_at: Mapped[datetime] = mapped_column(default=clock.now)
    succeeded: Mapped[bool]
    status_code: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(String(200))
    latency_ms: Mapped[int]
    response_excerpt: Mapped[str | None] = mapped_column(String(500))
