"""A reviewer's reputation (design: Crowd review, Reputation).

The score follows Kleros: ``round(100 · coherent / (resolved + 10))``, where *resolved*
counts the final verdicts a reviewer voted on and *coherent* those where they voted with the
verdict. The ten phantom cases in the denominator keep a newcomer's score low until they have
a record.

A no-show — a seat replaced because its reviewer did not vote — costs ``NO_SHOW_PENALTY``
points, for good: the stored score is the **effective score**
``max(0, round(100 · coherent / (resolved + 10)) − 5 · no_shows)``. Levels and suspension
read the effective score. Rounding is half up.

A reviewer with at least ``REPUTATION_SUSPEND_AFTER_CASES`` resolved cases whose effective
score is below the first level is suspended: no longer drawn onto panels, and the seats they
hold open are withdrawn and filled again (``app.jury.standing``).

Counters move in the database (``SET n = n + 1``) and the score is recomputed there from the
row as it stands, so two panels closing at once for the same reviewer both count.
"""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import bindparam, case, select, update

from app.auth.models import User
from app.core.audit import record_event
from app.core.extensions import db
from app.jury.models import Appeal, Panel, Reviewer, ReviewerStatus, Seat, Tally, Vote
from app.jury.standing import withdraw_open_seats

NO_SHOW_PENALTY = 5
PHANTOM_CASES = 10


def score(coherent: int, resolved: int) -> int:
    """Kleros' score, rounded half up: 0/0 → 0, 10/10 → 50, 30/30 → 75."""
    denominator = resolved + PHANTOM_CASES
    return (200 * coherent + denominator) // (2 * denominator)


def effective_score(coherent: int, resolved: int, no_shows: int) -> int:
    return max(0, score(coherent, resolved) - NO_SHOW_PENALTY * no_shows)


def level(value: int) -> int:
    """0 below the first threshold of ``REPUTATION_LEVELS`` (25/50/70/90), up to 4."""
    return sum(1 for threshold in current_app.config["REPUTATION_LEVELS"] if value >= threshold)


def _effective_score_sql(coherent=Reviewer.coherent, resolved=Reviewer.resolved):
    """``effective_score`` as a SQL expression over the reviewer's row, or over the counts
    it is about to take (integer arithmetic, the same on SQLite and PostgreSQL)."""
    denominator = resolved + PHANTOM_CASES
    raw = (200 * coherent + denominator) // (2 * denominator) - (
        NO_SHOW_PENALTY * Reviewer.no_shows
    )
    return case((raw < 0, 0), else_=raw)


def _recompute(user_ids: list[int]) -> None:
    db.session.execute(
        update(Reviewer)
        .where(Reviewer.user_id.in_(user_ids))
        .values(score=_effective_score_sql())
        .execution_options(synchronize_session=False)
    )
    _suspend_if_low(user_ids)


# a reviewer with enough cases whose score fell below the first level
LOW_SCORE = (
    Reviewer.status == ReviewerStatus.ACTIVE.value,
    Reviewer.resolved >= bindparam("after"),
    Reviewer.score < bindparam("floor"),
)
LOW_SCORED = select(Reviewer.user_id).where(
    Reviewer.user_id.in_(bindparam("reviewers", expanding=True)), *LOW_SCORE
)
SUSPEND = (
    update(Reviewer)
    .where(Reviewer.user_id == bindparam("reviewer"), *LOW_SCORE)
    .values(status=ReviewerStatus.SUSPENDED.value)
    .execution_options(synchronize_session=False)
)


def _suspend_if_low(user_ids: list[int]) -> None:
    low = _low_score_limits()
    _suspend(db.session.scalars(LOW_SCORED, {"reviewers": user_ids, **low}).all(), low)


def _low_score_limits() -> dict[str, int]:
    config = current_app.config
    return {
        "after": config["REPUTATION_SUSPEND_AFTER_CASES"],
        "floor": config["REPUTATION_LEVELS"][0],
    }


def _suspend(candidates: list[int], low: dict[str, int]) -> None:
    """Suspend each candidate whose row still meets ``LOW_SCORE`` (a compare-and-set)."""
    for user_id in candidates:
        changed = db.session.execute(SUSPEND, {"reviewer": user_id, **low})
        if changed.rowcount == 1:
            record_event(
                None,
                "reviewer.suspended",
                db.session.get(User, user_id),
                before={"status": ReviewerStatus.ACTIVE.value},
                after={
                    "status": ReviewerStatus.SUSPENDED.value,
                    "seats_withdrawn": withdraw_open_seats(user_id),
                },
            )


def _expire_reviewers(user_ids: list[int]) -> None:
    for user_id in user_ids:
        reviewer = db.session.identity_map.get((Reviewer, (user_id,), None))
        if reviewer is not None:
            db.session.expire(reviewer)


def _count_verdict_statement():
    """One statement for a verdict's voters: every SET reads the row as it was, so the score
    is computed from the new counts."""
    resolved = Reviewer.resolved + 1
    coherent = Reviewer.coherent + case(
        (Reviewer.user_id.in_(bindparam("coherent", expanding=True)), 1), else_=0
    )
    return (
        update(Reviewer.__table__)
        .where(Reviewer.user_id.in_(bindparam("voters", expanding=True)))
        .values(
            resolved=resolved, coherent=coherent, score=_effective_score_sql(coherent, resolved)
        )
        .returning(Reviewer.user_id, Reviewer.status, Reviewer.resolved, Reviewer.score)
    )


COUNT_VERDICT = _count_verdict_statement()


def apply_verdict(
    panel: Panel, verdict_option: str | None, ballots: list[tuple[int, str]] | None = None
) -> None:
    """Count ``panel``'s final verdict into the reputation of everyone who voted on it.

    A None verdict (the case went back to the mediator) changes nothing. The caller applies a
    panel once — the tally is written once — and only this panel's seats are counted; a
    caller that has read them passes the panel's ``ballots`` as (reviewer id, option).
    """
    if verdict_option is None:
        return
    votes = ballots
    if votes is None:
        votes = db.session.execute(
            select(Seat.reviewer_id, Vote.option)
            .join(Vote, Vote.seat_id == Seat.id)
            .where(Seat.panel_id == panel.id, Vote.panel_id == panel.id)
        ).all()
    if not votes:
        return
    coherent_ids = [user_id for user_id, option in votes if option == verdict_option]
    all_ids = [user_id for user_id, _option in votes]
    counted = db.session.execute(
        COUNT_VERDICT, {"voters": all_ids, "coherent": coherent_ids or [-1]}
    )
    # ``LOW_SCORE`` on the rows as the count left them, which saves reading them again
    low = _low_score_limits()
    _suspend(
        [
            user_id
            for user_id, status, resolved, new_score in counted
            if status == ReviewerStatus.ACTIVE.value
            and resolved >= low["after"]
            and new_score < low["floor"]
        ],
        low,
    )
    _expire_reviewers(all_ids)


def _revise_statement():
    """One statement for an overturned panel's voters: those who voted for the final verdict
    gain a coherent case, the others lose the one their panel's verdict gave them."""
    coherent = Reviewer.coherent + case(
        (Reviewer.user_id.in_(bindparam("gained", expanding=True)), 1), else_=-1
    )
    return (
        update(Reviewer)
        .where(Reviewer.user_id.in_(bindparam("voters", expanding=True)))
        .values(coherent=coherent, score=_effective_score_sql(coherent, Reviewer.resolved))
        .execution_options(synchronize_session=False)
    )


REVISE_OVERTURNED = _revise_statement()


def revise_overturned(
    panel_verdict: str, final_verdict: str, ballots: list[tuple[int, str]]
) -> int:
    """The final verdict overturned a panel's (``ballots`` are its votes): count coherence
    against the final verdict instead. Each voter's resolved cases stay as they are; only
    their coherent count moves (by one, either way). Returns how many reviewers changed. The
    caller makes sure this runs once per panel."""
    if final_verdict == panel_verdict:
        return 0
    gained = [user_id for user_id, option in ballots if option == final_verdict]
    lost = [user_id for user_id, option in ballots if option == panel_verdict]
    voters = gained + lost
    if not voters:
        return 0
    db.session.execute(REVISE_OVERTURNED, {"voters": voters, "gained": gained or [-1]})
    _suspend_if_low(voters)
    _expire_reviewers(voters)
    return len(voters)


def record_no_show(user_id: int) -> None:
    """A reviewer's seat was replaced for not voting: one more no-show, a lower score."""
    db.session.execute(
        update(Reviewer)
        .where(Reviewer.user_id == user_id)
        .values(no_shows=Reviewer.no_shows + 1)
        .execution_options(synchronize_session=False)
    )
    _recompute([user_id])
    _expire_reviewers([user_id])


@dataclass(frozen=True)
class SeatRecord:
    """One panel a reviewer sat on, as their own record shows it: no party is named."""

    seat_id: int
    case_id: int
    round: str
    seated_at: datetime
    seat_status: str
    vote: str | None
    verdict: str | None
    counted: bool  # the panel's tally is written
    coherent: bool | None  # None until there is a verdict and a vote


def history(user: User) -> list[SeatRecord]:
    """The panels ``user`` sat on, newest first."""
    rows = db.session.execute(
        select(Seat, Panel, Vote, Tally, Appeal.final_verdict)
        .join(Panel, Panel.id == Seat.panel_id)
        .outerjoin(Vote, Vote.seat_id == Seat.id)
        .outerjoin(Tally, Tally.panel_id == Panel.id)
        .outerjoin(Appeal, Appeal.panel_id == Panel.id)
        .where(Seat.reviewer_id == user.id)
        .order_by(Seat.seated_at.desc(), Seat.id.desc())
    ).all()
    records = []
    for seat, panel, vote, tally, final_verdict in rows:
        # coherence is judged against the final verdict: an appeal's, once counted
        verdict = final_verdict or (tally.verdict if tally is not None else None)
        records.append(
            SeatRecord(
                seat_id=seat.id,
                case_id=panel.case_id,
                round=panel.round,
                seated_at=seat.seated_at,
                seat_status=seat.status,
                vote=vote.option if vote is not None else None,
                verdict=verdict,
                counted=tally is not None,
                coherent=(vote.option == verdict)
                if vote is not None and verdict is not None
                else None,
            )
        )
    return records
