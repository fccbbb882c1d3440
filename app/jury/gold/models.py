"""The gold bank and each reviewer's practice set.

A gold case is either a practice case (its texts stored in both languages, loaded from
``practice.json``) or a closed case staff confirmed as clear-cut (its texts are the case's
own, read through the redaction like any panel's; its ballot is the panel's that heard
it). Its ``key`` never changes: ``practice_answers.practice_key`` refers to it.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core import clock
from app.core.db import sql_in
from app.core.extensions import db
from app.jury.models import BALLOT_OPTION_MAX_CHARS, Panel
from app.jury.rules import Side


class GoldSource(StrEnum):
    PRACTICE = "practice"  # written for enrolment, kept in practice.json
    CASE = "case"  # a closed case confirmed as clear-cut


class GoldCase(db.Model):
    __tablename__ = "gold_cases"
    __table_args__ = (
        CheckConstraint(sql_in("source", GoldSource), name="source_known"),
        CheckConstraint(sql_in("truth_side", Side), name="truth_side_known"),
        CheckConstraint(
            "(source = 'practice' AND texts IS NOT NULL AND case_id IS NULL)"
            " OR (source = 'case' AND case_id IS NOT NULL AND panel_id IS NOT NULL)",
            name="source_fields",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    source: Mapped[str] = mapped_column(String(10))
    # a practice case's texts: {"en": {...}, "zh_Hans": {...}}, each with its claim, both
    # sides' evidence and the question
    texts: Mapped[dict | None] = mapped_column(JSON)
    answer: Mapped[str] = mapped_column(String(BALLOT_OPTION_MAX_CHARS))  # the right option
    truth_side: Mapped[str] = mapped_column(String(6))  # the side the right option favours
    category: Mapped[str | None] = mapped_column(String(60))
    # a confirmed case, and the panel whose summary, question and ballot its seats reuse
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), unique=True)
    panel_id: Mapped[int | None] = mapped_column(ForeignKey("panels.id"))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(default=clock.now)
    retired_at: Mapped[datetime | None]

    panel: Mapped[Panel | None] = relationship()


class PracticeAssignment(db.Model):
    """One of the practice cases drawn for a reviewer, at its place in their set."""

    __tablename__ = "practice_assignments"
    __table_args__ = (UniqueConstraint("user_id", "position"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    gold_key: Mapped[str] = mapped_column(ForeignKey("gold_cases.key"), primary_key=True)
    position: Mapped[int]
