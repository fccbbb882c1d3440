"""What the figures read: one row of facts per case, kept by the ``refresh_case_facts``
sweep (``app.analytics.facts``), and the watermark that says how far the sweep has read the
audit trail.

A fact row holds what the case's figures need, already worked out: above all the durations,
whose time to first action would otherwise be read from the audit trail case by case.
"""

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.extensions import db


class CaseFact(db.Model):
    __tablename__ = "case_facts"
    # the figures read the facts of the cases filed in a date range: with the columns they
    # group and measure by, the index alone answers them
    __table_args__ = (
        Index(
            "ix_case_facts_filed",
            "filed_at",
            "claim_type",
            "responsible_party",
            "mediator_id",
            "decision_kind",
            "settled_by_first_proposal",
            "intake_seconds",
            "first_action_seconds",
            "resolution_seconds",
            "filed_day",
            "filed_month",
            "order_id",
            "buyer_score",
            "seller_score",
            "proposals_accepted",
            "proposals_rejected",
            "proposals_expired",
            "obligations_done",
            "obligations_missed",
        ),
    )

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    order_id: Mapped[int]
    filed_at: Mapped[datetime]
    filed_day: Mapped[str] = mapped_column(String(10))  # "2026-11-30", UTC
    filed_month: Mapped[str] = mapped_column(String(7))  # "2026-11", UTC
    claim_type: Mapped[str] = mapped_column(String(30))
    responsible_party: Mapped[str] = mapped_column(String(20))
    mediator_id: Mapped[int | None]
    decision_kind: Mapped[str | None] = mapped_column(String(30))
    # decided by the first and only settlement proposal, accepted by both
    settled_by_first_proposal: Mapped[bool]
    # filing to the acceptance at intake; first entry into mediation to the mediator's
    # first step; filing to the decision in force (None: not reached)
    intake_seconds: Mapped[float | None] = mapped_column(Float)
    first_action_seconds: Mapped[float | None] = mapped_column(Float)
    resolution_seconds: Mapped[float | None] = mapped_column(Float)
    # the case's settlement proposals per answer, and its decided steps done or missed
    proposals_accepted: Mapped[int]
    proposals_rejected: Mapped[int]
    proposals_expired: Mapped[int]
    obligations_done: Mapped[int]
    obligations_missed: Mapped[int]
    # how each party rated the handling, 1–5 (None: not rated)
    buyer_score: Mapped[int | None]
    seller_score: Mapped[int | None]


class CaseFactCategory(db.Model):
    """A category of the case's order (an order is in the category of each of its items),
    with the case's filing time, so the cases of a range are counted per category from this
    table alone. An order's items never change once imported."""

    __tablename__ = "case_fact_categories"
    __table_args__ = (Index("ix_case_fact_categories_filed", "filed_at", "category"),)

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    category: Mapped[str] = mapped_column(String(60), primary_key=True)
    filed_at: Mapped[datetime]


class FactWatermark(db.Model):
    """How far a sweep has read the audit trail: every event up to ``event_id`` is folded
    into the facts, as of ``moved_at``."""

    __tablename__ = "fact_watermarks"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    event_id: Mapped[int]
    moved_at: Mapped[datetime]
