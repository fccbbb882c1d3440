"""Crowd review: reviewers, practice answers, panels, seats, votes, the tally and appeals
(design: Crowd review).

The invariants live in unique constraints: one seat per reviewer per panel, one vote per
seat, one tally per panel, one open panel per case, one appeal per case.
"""

import json
from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.cases.models import Case
from app.cases.states import APPEALABLE_DECISIONS
from app.core import clock
from app.core.db import sql_in
from app.core.extensions import db

# the longest ballot option key (app.jury.ballot): a vote, a tally and an appeal store it
BALLOT_OPTION_MAX_CHARS = 200


class ReviewerStatus(StrEnum):
    PRACTISING = "practising"  # enrolled, taking the practice cases
    ACTIVE = "active"  # passed; drawn onto panels
    SUSPENDED = "suspended"  # low score after enough cases, or by an admin


class Reviewer(db.Model):
    """A user's reviewer record: enrolment, practice, and the reputation that the counting
    updates on each final verdict."""

    __tablename__ = "reviewers"
    __table_args__ = (CheckConstraint(sql_in("status", ReviewerStatus), name="status_known"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(12), default=ReviewerStatus.PRACTISING.value)
    enrolled_at: Mapped[datetime] = mapped_column(default=clock.now)
    activated_at: Mapped[datetime | None]
    practice_answered: Mapped[int] = mapped_column(default=0)
    practice_correct: Mapped[int] = mapped_column(default=0)
    resolved: Mapped[int] = mapped_column(default=0)  # final verdicts they voted on
    coherent: Mapped[int] = mapped_column(default=0)  # ... voting with the verdict
    no_shows: Mapped[int] = mapped_column(default=0)  # seats replaced for not voting
    score: Mapped[int] = mapped_column(default=0)
    # why an admin suspended them, shown to the reviewer; None when a low score did
    suspension_reason: Mapped[str | None] = mapped_column(String(500))

    user: Mapped[User] = relationship()


class PracticeAnswer(db.Model):
    __tablename__ = "practice_answers"
    __table_args__ = (UniqueConstraint("user_id", "practice_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    practice_key: Mapped[str] = mapped_column(String(40))
    option: Mapped[str] = mapped_column(String(BALLOT_OPTION_MAX_CHARS))
    correct: Mapped[bool]
    answered_at: Mapped[datetime] = mapped_column(default=clock.now)
    # which side the right option favoured ("buyer" or "seller"), and the case's category
    # when it had one: what a reviewer's calibration is counted by (app.jury.calibration)
    truth_side: Mapped[str | None] = mapped_column(String(6))
    category: Mapped[str | None] = mapped_column(String(60))


class PanelRound(StrEnum):
    FIRST = "first"
    APPEAL = "appeal"
    # a seat on a closed case whose right answer is known, placed like any other to
    # calibrate its reviewer (app.jury.gold); never counted, never shown to the case's people
    GOLD = "gold"


class PanelRule(StrEnum):
    """How a panel decides (docs/adaptive-panels.md)."""

    MAJORITY = "majority"  # ``majority`` votes for one option decide
    ADAPTIVE = "adaptive"  # weighed votes, drawn in waves, until a posterior is confident


class PanelStatus(StrEnum):
    OPEN = "open"
    DECIDED = "decided"
    RETURNED = "returned"  # back to the mediator: pool too small, or too few votes


OPEN_CASE_PANEL = "status = 'open' AND round != 'gold'"


class Panel(db.Model):
    __tablename__ = "panels"
    __table_args__ = (
        # one panel at work per case; a case routed again after a returned panel gets another.
        # Gold panels are not the case's: a closed case may have several open at once
        Index(
            "uq_panels_open_case",
            "case_id",
            unique=True,
            sqlite_where=text(OPEN_CASE_PANEL),
            postgresql_where=text(OPEN_CASE_PANEL),
        ),
        CheckConstraint(sql_in("round", PanelRound), name="round_known"),
        CheckConstraint(sql_in("status", PanelStatus), name="status_known"),
        CheckConstraint(sql_in("rule", PanelRule), name="rule_known"),
        # an adaptive panel decides at a confidence; a majority panel has none
        CheckConstraint(
            "(rule = 'adaptive') = (confidence IS NOT NULL)", name="confidence_with_rule"
        ),
        CheckConstraint("seats_drawn <= seats", name="seats_drawn_within_seats"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    round: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), default=PanelStatus.OPEN.value, index=True)
    seats: Mapped[int]  # how many seats the panel has (an adaptive panel's cap)
    # votes for one option that decide at once (an adaptive panel's fallback: at its cap or
    # its deadline, the majority of its cap decides)
    majority: Mapped[int]
    rule: Mapped[str] = mapped_column(String(10), default=PanelRule.MAJORITY.value)
    # the posterior an adaptive panel's leading option must reach
    confidence: Mapped[float | None]
    # the seats opened so far: all of them on a majority panel; on an adaptive one the first
    # wave and each later wave (``waves`` of them), up to its cap
    seats_drawn: Mapped[int] = mapped_column(
        default=lambda context: context.get_current_parameters()["seats"]
    )
    waves: Mapped[int] = mapped_column(default=0)
    # the votes the counting sweep has weighed: an adaptive panel with more is due
    counted_votes: Mapped[int] = mapped_column(default=0)
    options: Mapped[list] = mapped_column(JSON)
    question: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text)
    # the seed every draw of the panel derives from (secret until the panel closes), and,
    # for a panel drawn before draws were committed, its first draw's pool (user ids); later
    # panels leave it empty, their draws' snapshots are in ``panel_draws``
    seed: Mapped[str] = mapped_column(String(64))
    pool: Mapped[list] = mapped_column(JSON)
    drawn_at: Mapped[datetime] = mapped_column(default=clock.now)
    deadline_at: Mapped[datetime] = mapped_column(index=True)
    replacement_rounds: Mapped[int] = mapped_column(default=0)
    closed_at: Mapped[datetime | None]
    return_reason: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship()
    seat_rows: Mapped[list["Seat"]] = relationship(back_populates="panel", order_by="Seat.id")


# the panels that belong to their case's story: every one but gold panels, which the case's
# parties, its mediator, the API, the dossier and the figures never see
CASE_PANEL = Panel.round != PanelRound.GOLD.value


class DrawKind(StrEnum):
    FIRST = "first"  # the seats the panel opens with
    REPLACEMENT = "replacement"  # in place of no-shows and recused seats
    WAVE = "wave"  # more seats for an adaptive panel still undecided


class PanelDraw(db.Model):
    """One draw of reviewers onto a panel, as recorded before its seats were written: what it
    read (the snapshot, ``app.jury.draw_rules``) and the hashes committed to the draw log.
    Algorithm 1 rows were recorded afterwards, for panels drawn before draws were committed."""

    __tablename__ = "panel_draws"
    __table_args__ = (
        UniqueConstraint("panel_id", "number"),
        CheckConstraint(sql_in("kind", DrawKind), name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id"), index=True)
    number: Mapped[int]  # 0 for the first draw, then one more per draw
    kind: Mapped[str] = mapped_column(String(12))
    algorithm: Mapped[int]
    snapshot: Mapped[dict] = mapped_column(JSON)
    seed_sha256: Mapped[str] = mapped_column(String(64))
    snapshot_sha256: Mapped[str] = mapped_column(String(64))
    drawn_at: Mapped[datetime] = mapped_column(default=clock.now)

    panel: Mapped[Panel] = relationship()


class DrawLogEntry(db.Model):
    """An entry of the public, append-only draw log: a draw's commitment or a panel's
    revealed seed. ``body`` is canonical JSON, hashed as it is stored; ``entry_sha256`` is
    SHA-256(``previous_sha256`` ‖ ``body``), so changing any entry breaks every later one,
    and the unique ``previous_sha256`` lets the chain never fork (docs/draws.md)."""

    __tablename__ = "draw_log_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))  # "commitment" or "reveal"
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id"), index=True)
    draw_id: Mapped[int | None] = mapped_column(ForeignKey("panel_draws.id"), unique=True)
    body: Mapped[str] = mapped_column(Text)
    previous_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    entry_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    recorded_at: Mapped[datetime] = mapped_column(default=clock.now)

    @property
    def fields(self) -> dict:
        return json.loads(self.body)


class DrawRecordIsAppendOnly(Exception):
    pass


@event.listens_for(PanelDraw, "before_update")
@event.listens_for(PanelDraw, "before_delete")
@event.listens_for(DrawLogEntry, "before_update")
@event.listens_for(DrawLogEntry, "before_delete")
def _refuse_change(_mapper, _connection, _target) -> None:
    raise DrawRecordIsAppendOnly("draws and draw log entries are never changed or deleted")


class SeatStatus(StrEnum):
    OPEN = "open"
    VOTED = "voted"
    RECUSED = "recused"
    REPLACED = "replaced"  # did not vote in time
    WITHDRAWN = "withdrawn"  # its reviewer was suspended before voting


class Seat(db.Model):
    __tablename__ = "seats"
    __table_args__ = (
        UniqueConstraint("panel_id", "reviewer_id"),
        CheckConstraint(sql_in("status", SeatStatus), name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default=SeatStatus.OPEN.value)
    seated_at: Mapped[datetime] = mapped_column(default=clock.now)
    vote_due_at: Mapped[datetime] = mapped_column(index=True)
    # the reminder to vote (app.core.reminders)
    remind_at: Mapped[datetime | None] = mapped_column(index=True)
    reminded_at: Mapped[datetime | None]
    # the draw that seated the reviewer; None for replacements drawn before draws were recorded
    draw_id: Mapped[int | None] = mapped_column(ForeignKey("panel_draws.id"), index=True)

    panel: Mapped[Panel] = relationship(back_populates="seat_rows")
    reviewer: Mapped[User] = relationship()
    vote: Mapped["Vote | None"] = relationship(back_populates="seat", uselist=False)


class Vote(db.Model):
    __tablename__ = "votes"

    id: Mapped[int] = mapped_column(primary_key=True)
    seat_id: Mapped[int] = mapped_column(ForeignKey("seats.id"), unique=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id"), index=True)
    option: Mapped[str] = mapped_column(String(BALLOT_OPTION_MAX_CHARS))
    reason: Mapped[str] = mapped_column(Text)
    cast_at: Mapped[datetime] = mapped_column(default=clock.now)

    seat: Mapped[Seat] = relationship(back_populates="vote")


class Tally(db.Model):
    """The count that decided a panel, written once with the case's state change."""

    __tablename__ = "tallies"

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id"), unique=True)
    counts: Mapped[dict] = mapped_column(JSON)
    verdict: Mapped[str | None] = mapped_column(
        String(BALLOT_OPTION_MAX_CHARS)
    )  # None: returned as advice
    votes_cast: Mapped[int]
    # what the adaptive rule saw when the panel closed: each option's posterior, from the
    # votes weighed by their reviewers' accuracy as it stood (None on a majority panel)
    posterior: Mapped[dict | None] = mapped_column(JSON)
    counted_at: Mapped[datetime] = mapped_column(default=clock.now)


class AppealHearing(StrEnum):
    """Who hears an appeal: a fresh appeal panel, or a second mediator (design: Crowd review,
    Appeal; ``DECISION_APPEAL_TO``)."""

    PANEL = "panel"
    MEDIATOR = "mediator"


class Appeal(db.Model):
    """A case's one appeal: who appealed which decision, and who hears it.

    The decision appealed is kept here, since the case's own decision fields are cleared
    until the appeal is decided; the case page compares the two. ``reputation_revised_at``
    is set once, when the final verdict has been counted into the reputation of the panel
    whose verdict was appealed.
    """

    __tablename__ = "appeals"
    __table_args__ = (
        CheckConstraint(sql_in("heard_by", AppealHearing), name="heard_by_known"),
        CheckConstraint(
            sql_in("decision_kind", sorted(APPEALABLE_DECISIONS)), name="decision_kind_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    party: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    decision_kind: Mapped[str] = mapped_column(String(30))
    decision_outcome: Mapped[str] = mapped_column(String(20))
    decision_remedy: Mapped[str] = mapped_column(String(30))
    decision_amount_fen: Mapped[int | None]
    heard_by: Mapped[str] = mapped_column(String(10))
    # the panel whose verdict is appealed
    panel_id: Mapped[int | None] = mapped_column(ForeignKey("panels.id"))
    # the mediator who made the decision (for a default judgment, who had the case), and the
    # other mediator who hears the appeal
    first_mediator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    hearing_mediator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # set once the final decision is known: what it means on the appealed panel's ballot
    # (None when it matches neither option, e.g. a settlement), and when it was counted
    final_verdict: Mapped[str | None] = mapped_column(String(BALLOT_OPTION_MAX_CHARS))
    reputation_revised_at: Mapped[datetime | None]

    case: Mapped[Case] = relationship()
