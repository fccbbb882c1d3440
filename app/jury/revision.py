"""The final verdict revises the reputation of a panel whose verdict was appealed (design:
Crowd review, Reputation — coherent means voting with the *final* verdict).

When the first panel closed, its voters were counted against its own verdict. The first
decision recorded after the appeal is final (a case has one appeal); on the appealed panel's
ballot it amounts to one option (``ballot.option_for_decision``: the claim granted as filed,
in part, or rejected), or to none (a settlement, or an amount no option named). If it
overturns the panel's
verdict, each voter's coherence is counted against it instead (``reputation.
revise_overturned``); if it upholds it, or matches neither option, nothing changes.

The appeal row's ``reputation_revised_at`` is set by compare-and-set before anything is
counted, so a decision heard twice (two sweeps at once, a retried transaction) revises once.
Every revision leaves an audit event on the panel, a revision that changes nothing too.
"""

from sqlalchemy import select, update

from app.cases.models import Case
from app.core import clock
from app.core.audit import record_event
from app.core.extensions import db
from app.jury import ballot, reputation
from app.jury.counting import cast_ballots
from app.jury.models import Appeal, Panel, Tally


def revise_appealed_panel(case: Case, **_signal) -> None:
    """Count the case's final decision into the reputation of the panel whose verdict was
    appealed, once (a ``case_decided`` listener)."""
    if case.appealed_at is None:
        return  # no appeal, so no appealed panel: a first decision costs no query
    appeal = db.session.scalar(
        select(Appeal).where(
            Appeal.case_id == case.id,
            Appeal.panel_id.is_not(None),
            Appeal.reputation_revised_at.is_(None),
        )
    )
    if appeal is None:
        return
    panel = db.session.get(Panel, appeal.panel_id)
    final = ballot.option_for_decision(panel.options, case)
    claimed = db.session.execute(
        update(Appeal)
        .where(Appeal.id == appeal.id, Appeal.reputation_revised_at.is_(None))
        .values(reputation_revised_at=clock.now(), final_verdict=final)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(appeal)
    if claimed.rowcount != 1:
        return  # counted already
    verdict = db.session.scalar(select(Tally.verdict).where(Tally.panel_id == panel.id))
    changed = 0
    if final is not None:
        ballots = cast_ballots([panel.id])[panel.id]
        changed = reputation.revise_overturned(verdict, final, ballots)
    record_event(
        None,
        "panel.reputation_revised",
        panel,
        before={"verdict": verdict},
        after={
            "final_verdict": final,
            "overturned": final is not None and final != verdict,
            "reviewers_changed": changed,
        },
    )
