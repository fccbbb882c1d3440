"""The negotiation thread of a case: buyer and seller talk on the case, and its mediator reads
and may write (design: Negotiation and help before filing).

The thread is not evidence: its messages stand on neither timeline, are not hash-chained and
are never late. It opens when the seller is asked to answer the claim (before that the seller
has not been told of the case) and closes with the case; a closed case's thread stays for
everyone who may read the case. It is part of the dossier, and reviewers read it redacted.
"""

from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from types import SimpleNamespace

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.cases.models import Case
from app.cases.notify import case_link
from app.cases.states import CaseState
from app.core import clock
from app.core.audit import record_event
from app.core.db import sql_in
from app.core.errors import Refused
from app.core.extensions import db
from app.core.text import checked_text
from app.notifications.outbox import queue_for_each

THREAD_OPEN_STATES = frozenset(CaseState) - {
    CaseState.FILED,
    CaseState.RETURNED,
    CaseState.CLOSED,
}


class ThreadRole(StrEnum):
    """As whom a message was written: what everyone, reviewers included, sees of its author."""

    BUYER = "buyer"
    SELLER = "seller"
    MEDIATOR = "mediator"


ROLE_LABELS = {
    ThreadRole.BUYER: _l("Buyer"),
    ThreadRole.SELLER: _l("Seller"),
    ThreadRole.MEDIATOR: _l("Mediator"),
}


class ThreadPost(db.Model):
    """One message of a case's negotiation thread. Never changed or deleted."""

    __tablename__ = "thread_posts"
    __table_args__ = (
        CheckConstraint(sql_in("author_role", ThreadRole), name="author_role_known"),
        # a case's thread is read in the order it was written
        Index("ix_thread_posts_case_id_created_at", "case_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # as whom it was written, kept: a mediator who later hands the case on still wrote it
    author_role: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    author: Mapped[User] = relationship()


class ThreadRefused(Refused):
    pass


def thread_role(case: Case, user: User) -> ThreadRole | None:
    """As whom ``user`` writes in the case's thread: a party, or the case's own mediator."""
    party = case.party_of(user)
    if party is not None:
        return ThreadRole(party.value)
    if case.mediator_id == user.id and case.mediates(user):
        return ThreadRole.MEDIATOR
    return None


def can_post(case: Case, user: User) -> bool:
    """The one question of the post route and of the form on the case page."""
    return thread_role(case, user) is not None and case.current_state in THREAD_OPEN_STATES


def thread_of(case: Case) -> list[ThreadPost]:
    """The case's messages, oldest first (newest last, as a conversation reads)."""
    return db.session.scalars(
        select(ThreadPost)
        .where(ThreadPost.case_id == case.id)
        .order_by(ThreadPost.created_at, ThreadPost.id)
    ).all()


def shown_thread(
    case: Case, viewer_id: int | None = None, clean: Callable[[str], str] = str
) -> list[SimpleNamespace]:
    """The thread as a page shows it: each message ``clean``ed (reviewers read it through the
    Redactor), its author only as the buyer, the seller or the mediator, and whether
    ``viewer_id`` wrote it."""
    return [
        SimpleNamespace(
            id=post.id,
            role=post.author_role,
            author=ROLE_LABELS[ThreadRole(post.author_role)],
            own=viewer_id is not None and post.author_id == viewer_id,
            text=clean(post.text),
            created_at=post.created_at,
        )
        for post in thread_of(case)
    ]


def post_to_thread(case: Case, author: User, text: str) -> ThreadPost:
    """Add ``author``'s message to the thread, audit it and tell the other participants."""
    role = thread_role(case, author)
    if role is None:
        raise ThreadRefused(
            _l("Only the buyer, the seller and the case's mediator write in this thread.")
        )
    if _state_held(case) not in THREAD_OPEN_STATES:
        raise ThreadRefused(_l("The thread is closed: this case can no longer take messages."))
    text = checked_text(
        text,
        "text",
        maximum=current_app.config["THREAD_POST_MAX_CHARS"],
        missing=_l("Write your message."),
        refusal=ThreadRefused,
    )
    post = ThreadPost(case_id=case.id, author_id=author.id, author_role=role.value, text=text)
    db.session.add(post)
    db.session.flush()
    record_event(author, "case.thread_posted", case, after={"post": post.id, "role": role.value})
    _tell_the_others(case, post)
    return post


def _state_held(case: Case) -> CaseState:
    """The case's state as committed, its row held shared until the message commits: a
    transition (an UPDATE of the row) waits for the message, or the message for it and then
    reads the new state, so no message lands in a case that closed meanwhile. SQLite's
    BEGIN IMMEDIATE already serialises the two."""
    state = db.session.scalar(
        select(Case.state).where(Case.id == case.id).with_for_update(read=True)
    )
    return CaseState(state)


def _tell_the_others(case: Case, post: ThreadPost) -> None:
    """Everyone in the thread but the author: the parties, and the mediator if assigned."""
    others = [
        person
        for person in (case.buyer, case.seller, case.mediator)
        if person is not None and person.id != post.author_id
    ]
    bodies = {
        ThreadRole.BUYER: lambda: _(
            "The buyer wrote in the negotiation thread. Read it and answer on the case page."
        ),
        ThreadRole.SELLER: lambda: _(
            "The seller wrote in the negotiation thread. Read it and answer on the case page."
        ),
        ThreadRole.MEDIATOR: lambda: _(
            "The mediator wrote in the negotiation thread. Read it on the case page."
        ),
    }
    queue_for_each(
        others,
        f"case-{case.id}:thread-{post.id}",
        lambda: _("Case #%(id)d: a new message in the negotiation thread", id=case.id),
        bodies[ThreadRole(post.author_role)],
        link=case_link(case.id),
    )
