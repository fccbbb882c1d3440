"""The final verdict revises the reputation of a panel whose verdict was appealed (design:
Crowd review, Reputation — coherent means voting with the *final* verdict).

When the first panel closed, its voters were counted against its own verdict. The first
decision recorded after the appeal is final (a case has one appeal); on the appealed panel's
ballot it means the first option (the claim granted as filed), the second (the claim
rejected), or neither (a settlement, or a part of the claim). If it overturns the panel's
verdict, each voter's coherence is counted against it instead (``reputation.
revise_overturned``); if it upholds it, or matches neither option, nothing changes.

The appeal row's ``reputation_revised_at`` is set by compare-and-set before anything is
counted, so a decision heard twice (two sweeps at once, a retried transaction) revises once.
Every revision leaves an audit event on the panel, a revision that changes nothing too.
"""

from sqlalchemy import select, update

from app.cases.decisions import grants_claim_as_filed
from app.cases.models import Case, Outcome
from app.core import clock
from app.core.audit import record_event
from app.core.extensions import db
from app.jury import reputation
from app.jury.counting import cast_ballots
from app.jury.models import Appeal, Panel, Tally


def final_verdict_on_ballot(case: Case, panel: Panel) -> str | None:
    """The option of ``panel``'s ballot that the case's decision amounts to, if any."""
    if case.outcome == Outcome.FOR_SELLER.value:
        return panel.options[1]
    if grants_claim_as_filed(case):
        return panel.options[0]
    return None


def revise_appealed_panel(case: Case, **_signal) -> None:
    """Count the case's final decision into the reputation of the panel whose verdict was
    appealed, once (a ``case_decided`` listener)."""
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
    final = final_verdict_on_ballot(case, panel)
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
