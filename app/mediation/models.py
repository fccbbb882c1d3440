"""The mediator's work on a case: assignment, notes, questions, settlement proposals, the
referral to a panel (design: Mediation)."""

from datetime import datetime
from enum import IntEnum, StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.cases.models import Case
from app.cases.states import (
    CaseState,
    Party,
    Remedy,
)
from app.core import clock
from app.core.db import sql_in
from app.core.extensions import db


class MediatorProfile(db.Model):
    """Whether a mediator is on duty, and the order categories they know best."""

    __tablename__ = "mediator_profiles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    on_duty: Mapped[bool] = mapped_column(default=True)
    skills: Mapped[list] = mapped_column(JSON, default=list)  # order item categories

    user: Mapped[User] = relationship()


class CaseNote(db.Model):
    """An internal note: seen by staff only, never by the parties or reviewers."""

    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    author: Mapped[User] = relationship()


class CaseQuestion(db.Model):
    """A mediator's question to one party, with its own deadline; answered on the party's
    timeline."""

    __tablename__ = "case_questions"
    __table_args__ = (CheckConstraint("party IN ('buyer', 'seller')", name="party_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    asked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    party: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)
    asked_at: Mapped[datetime] = mapped_column(default=clock.now)
    due_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]
    # the reminder to answer (app.core.reminders)
    remind_at: Mapped[datetime | None] = mapped_column(index=True)
    reminded_at: Mapped[datetime | None]
    answer_entry_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_entries.id"))

    case: Mapped[Case] = relationship()

    def can_answer(self, user: User) -> bool:
        return (
            self.answered_at is None
            and self.case.party_of(user) == Party(self.party)
            and self.case.can_add_evidence(user)
        )


class ProposalStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    EXPIRED = "expired"
    SUPERSEDED = "superseded"


class Answer(StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class SettlementProposal(db.Model):
    """A structured settlement the mediator proposes; both parties must accept it.

    Each party's answer is a column of this row, so the two answers and the expiry sweep all
    update one row: compare-and-set on it gives exactly one outcome whoever comes first.
    """

    __tablename__ = "settlement_proposals"
    __table_args__ = (
        CheckConstraint(sql_in("outcome", Remedy), name="outcome_known"),
        CheckConstraint(sql_in("status", ProposalStatus), name="status_known"),
        CheckConstraint("amount_fen IS NULL OR amount_fen >= 0", name="amount_ok"),
        # one open proposal per case: a newer one supersedes it
        Index(
            "uq_settlement_proposals_open",
            "case_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    mediator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    outcome: Mapped[str] = mapped_column(String(30))
    amount_fen: Mapped[int | None]
    rationale: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default=ProposalStatus.OPEN.value)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    expires_at: Mapped[datetime]
    buyer_answer: Mapped[str | None] = mapped_column(String(10))
    buyer_answered_at: Mapped[datetime | None]
    seller_answer: Mapped[str | None] = mapped_column(String(10))
    seller_answered_at: Mapped[datetime | None]
    # why the party who rejected it did (optional): the mediator reads it on the next proposal
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None]

    case: Mapped[Case] = relationship()
    mediator: Mapped[User] = relationship()

    def answer_of(self, party: str) -> str | None:
        return getattr(self, f"{party}_answer")

    def can_answer(self, user: User) -> bool:
        party = self.case.party_of(user)
        return (
            party is not None
            and self.status == ProposalStatus.OPEN.value
            and self.case.current_state is CaseState.PROPOSAL
            and self.answer_of(party.value) is None
        )


class PanelReferral(db.Model):
    """The mediator's referral of a contested case to a reviewer panel: a neutral summary,
    the question and the ballot options (keys, app.jury.ballot)."""

    __tablename__ = "panel_referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    mediator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    summary: Mapped[str] = mapped_column(Text)
    question: Mapped[str] = mapped_column(Text)
    options: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)


class SlaPhase(StrEnum):
    """The phases with a service level (design: Notifications and integration), and the case
    state each one is measured in (``app.mediation.sla``)."""

    INTAKE = "intake"  # filed: a mediator accepts or returns the case
    FIRST_ACTION = "first_action"  # mediation: the mediator proposes, decides or refers
    PROPOSAL_ANSWER = "proposal_answer"  # proposal: both parties answer it
    EXECUTION = "execution"  # executing: an open step past its deadline is done or enforced


class EscalationLevel(IntEnum):
    MEDIATOR = 1  # the case's mediator is told (the admins, when none is on duty)
    ADMINS = 2  # still overdue after the grace: every admin is told


class CaseEscalation(db.Model):
    """One step of an overdue case's escalation.

    ``measured_from`` is the moment the phase's SLA runs from as the database holds it (the
    case's SLA deadline, the proposal's making, the step's deadline); with the case and the
    phase it names one spell of lateness. The unique constraint lets each spell take each
    level once, however many sweeps run at once.
    """

    __tablename__ = "case_escalations"
    __table_args__ = (
        UniqueConstraint("case_id", "phase", "measured_from", "level"),
        CheckConstraint(sql_in("phase", SlaPhase), name="phase_known"),
        CheckConstraint(
            f"level IN ({', '.join(str(int(x)) for x in EscalationLevel)})", name="level_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    phase: Mapped[str] = mapped_column(String(20))
    level: Mapped[int]
    measured_from: Mapped[datetime]
    overdue_since: Mapped[datetime]
    # the mediator the case had once this step was taken (after any reassignment)
    mediator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    escalated_at: Mapped[datetime] = mapped_column(default=clock.now)


class SavedDeskFilter(db.Model):
    """A set of the desk's filters a staff member saved under a name, to open again with one
    click. Each person sees and deletes only their own."""

    __tablename__ = "saved_desk_filters"
    __table_args__ = (UniqueConstraint("owner_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(60))
    # the desk's query parameters, as the filter form reads them
    query: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    def belongs_to(self, user: User) -> bool:
        return self.owner_id == user.id
