"""Cases, the seller's counter-offers and the two evidence timelines (design: Case lifecycle,
Claims, Evidence timelines)."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    literal_column,
    text,
)
from sqlalchemy import case as sql_case
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.expression import Grouping

from app.auth.models import Role, User
from app.cases.states import (
    CLAIMABLE_REMEDIES,
    EVIDENCE_OPEN_STATES,
    PROPOSING_STATES,
    QUESTION_STATES,
    REMEDIES_WITH_AMOUNT,
    SEVERITY_RANK,
    WITHDRAWABLE_STATES,
    CaseState,
    ClaimType,
    Party,
    ResponsibleParty,
    Severity,
    Supplier,
)
from app.core import clock
from app.core.db import sql_in
from app.core.extensions import db
from app.orders.models import Order


class Case(db.Model):
    __tablename__ = "cases"
    __table_args__ = (
        CheckConstraint(sql_in("state", CaseState), name="state_known"),
        CheckConstraint(sql_in("claim_type", ClaimType), name="claim_type_known"),
        CheckConstraint(sql_in("responsible_party", ResponsibleParty), name="responsible_known"),
        CheckConstraint(sql_in("remedy", CLAIMABLE_REMEDIES), name="remedy_known"),
        CheckConstraint(sql_in("severity", Severity), name="severity_known"),
        CheckConstraint("remedy_amount_fen IS NULL OR remedy_amount_fen >= 0", name="amount_ok"),
        CheckConstraint(
            f"({sql_in('remedy', REMEDIES_WITH_AMOUNT)}) = (remedy_amount_fen IS NOT NULL)",
            name="amount_iff_remedy_needs_it",
        ),
        CheckConstraint("state <> 'returned' OR return_reason IS NOT NULL", name="returned_why"),
        CheckConstraint(
            "state NOT IN ('decided', 'executing') OR outcome IS NOT NULL", name="decided_how"
        ),
        CheckConstraint("state <> 'closed' OR closed_reason IS NOT NULL", name="closed_why"),
        CheckConstraint("buyer_id <> seller_id", name="parties_differ"),
        # one open case per order (design: Claims); a closed case leaves room for another
        Index(
            "uq_cases_open_order",
            "order_id",
            unique=True,
            sqlite_where=text("state <> 'closed'"),
            postgresql_where=text("state <> 'closed'"),
        ),
        Index("ix_cases_state_deadline_at", "state", "deadline_at"),
        # a mediator's cases in a state: the desk's "mine" lists and counts, and assignment
        Index("ix_cases_mediator_id_state", "mediator_id", "state"),
        # the API lists cases by when they last changed (``updated_since``, cursor pages)
        Index("ix_cases_updated_at_id", "updated_at", "id"),
        # the analytics read the cases filed in a date range: with the columns they group
        # and measure by, the index alone answers most of their queries
        Index(
            "ix_cases_analytics",
            "filed_at",
            "claim_type",
            "responsible_party",
            "mediator_id",
            "decision_kind",
            "severity_confirmed_at",
            "decided_at",
            "order_id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    seller_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    mediator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    state: Mapped[str] = mapped_column(String(20), default=CaseState.FILED.value)
    # the current state's timer; a sweep acts on it (design: Rules for the scheduler)
    deadline_at: Mapped[datetime | None]
    # the deadline a 24-hour reminder was last sent for, so each deadline is reminded once
    reminded_deadline_at: Mapped[datetime | None]

    claim_type: Mapped[str] = mapped_column(String(30))
    responsible_party: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text)
    remedy: Mapped[str] = mapped_column(String(30))
    remedy_amount_fen: Mapped[int | None]
    # the buyer's word that food safety, personal injury or fraud is involved
    safety_or_fraud: Mapped[bool] = mapped_column(default=False, server_default="0")
    severity: Mapped[str] = mapped_column(String(12))
    severity_confirmed_at: Mapped[datetime | None]

    return_reason: Mapped[str | None] = mapped_column(Text)
    evidence_closed_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(20))
    decision_kind: Mapped[str | None] = mapped_column(String(30))
    decision_remedy: Mapped[str | None] = mapped_column(String(30))
    decision_amount_fen: Mapped[int | None]
    decision_reasons: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None]
    # when the decision was appealed: a case has one appeal, so what is decided after it is
    # final (``decision_is_final``)
    appealed_at: Mapped[datetime | None]
    closed_reason: Mapped[str | None] = mapped_column(String(20))
    closed_at: Mapped[datetime | None]

    filed_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now, onupdate=clock.now)

    order: Mapped[Order] = relationship()
    buyer: Mapped[User] = relationship(foreign_keys=[buyer_id])
    seller: Mapped[User] = relationship(foreign_keys=[seller_id])
    mediator: Mapped[User | None] = relationship(foreign_keys=[mediator_id])
    counter_offers: Mapped[list["CounterOffer"]] = relationship(
        back_populates="case", order_by="CounterOffer.id"
    )
    evidence: Mapped[list["EvidenceEntry"]] = relationship(
        back_populates="case", order_by="EvidenceEntry.id"
    )

    @property
    def current_state(self) -> CaseState:
        return CaseState(self.state)

    @property
    def claimed_amount_fen(self) -> int:
        """The amount the buyer claims: the one they asked for, or the whole order's when their
        remedy names none. A decision that grants the claim as filed awards it."""
        return (
            self.remedy_amount_fen if self.remedy_amount_fen is not None else self.order.amount_fen
        )

    def party_of(self, user: User) -> Party | None:
        """Which side ``user`` is on, if any. A party must have proven its address."""
        if user.email_verified_at is None:
            return None
        if user.id == self.buyer_id:
            return Party.BUYER
        if user.id == self.seller_id:
            return Party.SELLER
        return None

    # Permission predicates: each view asks exactly one of these (STYLE: practice 4)

    def can_view(self, user: User) -> bool:
        return self.party_of(user) is not None or user.is_staff

    def can_add_evidence(self, user: User) -> bool:
        return self.party_of(user) is not None and self.current_state in EVIDENCE_OPEN_STATES

    def can_withdraw(self, user: User) -> bool:
        return self.party_of(user) is Party.BUYER and self.current_state in WITHDRAWABLE_STATES

    def can_resubmit(self, user: User) -> bool:
        return self.party_of(user) is Party.BUYER and self.current_state is CaseState.RETURNED

    def can_review_intake(self, user: User) -> bool:
        return (
            user.has_role(Role.MEDIATOR)
            and self.party_of(user) is None
            and self.current_state is CaseState.FILED
        )

    def can_answer_claim(self, user: User) -> bool:
        return (
            self.party_of(user) is Party.SELLER
            and self.current_state is CaseState.AWAITING_SELLER
            and self.pending_counter_offer is None
        )

    def can_answer_counter_offer(self, user: User) -> bool:
        return (
            self.party_of(user) is Party.BUYER
            and self.current_state is CaseState.AWAITING_SELLER
            and self.pending_counter_offer is not None
        )

    # The mediator's work (design: Mediation)

    def mediates(self, user: User) -> bool:
        """A mediator who is not a party to this case."""
        return user.has_role(Role.MEDIATOR) and self.party_of(user) is None

    def can_see_internals(self, user: User) -> bool:
        """Internal notes, the audit trail and every question: staff who are not parties."""
        return user.is_staff and self.party_of(user) is None

    def can_ask_question(self, user: User) -> bool:
        return self.mediates(user) and self.current_state in QUESTION_STATES

    def can_reopen_evidence(self, user: User) -> bool:
        return self.mediates(user) and self.current_state is CaseState.MEDIATION

    def can_propose(self, user: User) -> bool:
        return self.mediates(user) and self.current_state in PROPOSING_STATES

    def can_decide(self, user: User) -> bool:
        """Decide, or route to a panel."""
        return self.mediates(user) and self.current_state is CaseState.MEDIATION

    def can_reassign(self, user: User) -> bool:
        return user.has_role(Role.ADMIN) and self.party_of(user) is None

    @property
    def pending_counter_offer(self) -> "CounterOffer | None":
        return next((offer for offer in self.counter_offers if offer.answered_at is None), None)

    def __repr__(self) -> str:
        return f"<Case {self.id} {self.state}>"


# The mediator desk's orders (design: Mediation), written with their values inline so the
# indexes below serve them on both databases (neither matches an index to bound values)
FINISHED_STATES = (CaseState.DECIDED, CaseState.EXECUTING, CaseState.CLOSED)
WORKING_STATES = tuple(state for state in CaseState if state not in FINISHED_STATES)
# NOT IN, which no other index serves: SQLite without statistics would otherwise look the
# working states up on ``ix_cases_state_deadline_at`` and sort them all
IS_WORKING = Case.state.not_in([literal_column(f"'{state.value}'") for state in FINISHED_STATES])
# urgent first, then important, then general (in brackets: PostgreSQL indexes expressions so)
SEVERITY_ORDER = Grouping(
    sql_case(
        {literal_column(f"'{s.value}'"): literal_column(str(r)) for s, r in SEVERITY_RANK.items()},
        value=Case.severity,
        else_=literal_column(str(len(SEVERITY_RANK))),
    )
)
# the working queue: urgent first, then the nearest deadline (none last)
QUEUE_ORDER = (SEVERITY_ORDER, Grouping(Case.deadline_at.is_(None)), Case.deadline_at, Case.id)
# waiting for intake: most urgent and oldest first (the index is by state, then that order)
INTAKE_ORDER = (SEVERITY_ORDER, Case.filed_at, Case.id)
Index("ix_cases_queue_order", *QUEUE_ORDER, sqlite_where=IS_WORKING, postgresql_where=IS_WORKING)
Index("ix_cases_intake_order", Case.state, *INTAKE_ORDER)


class CounterOffer(db.Model):
    """The seller's counter-offer to a claim; the buyer accepts or refuses it."""

    __tablename__ = "counter_offers"
    __table_args__ = (
        CheckConstraint("amount_fen >= 0", name="amount_not_negative"),
        CheckConstraint(sql_in("remedy", CLAIMABLE_REMEDIES), name="remedy_known"),
        # at most one offer waiting for an answer
        Index(
            "uq_counter_offers_pending",
            "case_id",
            unique=True,
            sqlite_where=text("answered_at IS NULL"),
            postgresql_where=text("answered_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    remedy: Mapped[str] = mapped_column(String(30))
    amount_fen: Mapped[int]
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    answered_at: Mapped[datetime | None]
    accepted: Mapped[bool | None]

    case: Mapped[Case] = relationship(back_populates="counter_offers")


class EvidenceKind(StrEnum):
    STATEMENT = "statement"
    IMAGE = "image"
    PDF = "pdf"
    VIDEO = "video"
    CHAT_TRANSCRIPT = "chat_transcript"
    TRACKING_NUMBER = "tracking_number"
    CORRECTION = "correction"
    RETRACTION = "retraction"


FILE_KINDS = frozenset({EvidenceKind.IMAGE, EvidenceKind.PDF, EvidenceKind.VIDEO})


class EvidenceEntry(db.Model):
    """One entry of a party's timeline. Append-only, hash-chained per (case, party)."""

    __tablename__ = "evidence_entries"
    __table_args__ = (
        # one entry per place in the chain: two appends at once cannot fork it
        UniqueConstraint("case_id", "party", "sequence"),
        CheckConstraint(sql_in("party", Party), name="party_known"),
        CheckConstraint(sql_in("kind", EvidenceKind), name="kind_known"),
        CheckConstraint("sequence >= 1", name="sequence_positive"),
        CheckConstraint(
            f"({sql_in('kind', FILE_KINDS)}) = (stored_name IS NOT NULL)", name="file_iff_file_kind"
        ),
        CheckConstraint(
            f"supplied_by IS NULL OR {sql_in('supplied_by', Supplier)}", name="supplier_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    party: Mapped[str] = mapped_column(String(10))
    sequence: Mapped[int]
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str | None] = mapped_column(Text)
    # for a correction or retraction: the entry it corrects or withdraws
    refers_to_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_entries.id"))
    # files: names in the evidence store (app.core.storage), generated; indexed so the
    # orphan sweep asks which stored names a row still names without a scan
    stored_name: Mapped[str | None] = mapped_column(String(200), index=True)
    thumbnail_name: Mapped[str | None] = mapped_column(String(200), index=True)
    original_name: Mapped[str | None] = mapped_column(String(200))
    content_type: Mapped[str | None] = mapped_column(String(60))
    size_bytes: Mapped[int | None]
    content_sha256: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))
    is_late: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    # None when the party added it; else who supplied it for the party (the entry's hash
    # covers it: ``app.cases.chains``)
    supplied_by: Mapped[str | None] = mapped_column(String(20))

    case: Mapped[Case] = relationship(back_populates="evidence")
    author: Mapped[User] = relationship()
    refers_to: Mapped["EvidenceEntry | None"] = relationship(remote_side=[id])
