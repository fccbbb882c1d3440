"""What closing a case leaves behind: the parties' ratings (design: Closing)."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core import clock
from app.core.extensions import db


class Rating(db.Model):
    """A party's rating of how the case was handled (design: Closing)."""

    __tablename__ = "ratings"
    __table_args__ = (
        UniqueConstraint("case_id", "party"),
        CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),
        CheckConstraint("party IN ('buyer', 'seller')", name="party_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    party: Mapped[str] = mapped_column(String(10))
    score: Mapped[int]
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
