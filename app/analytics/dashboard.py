"""The staff dashboard's figures, each built from the measures for one scope (the
definitions are in the measures' modules and docs/analytics.md)."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.analytics import aftercare, outcomes, timing, volume
from app.analytics.figure import Column, Figure, Kind, hours, percent
from app.analytics.labels import CLAIM_TYPE_LABELS, PARTY_LABELS, RESPONSIBLE_LABELS, label
from app.analytics.models import CaseFact
from app.analytics.scope import OVERALL as ALL
from app.analytics.scope import Scope, assigned_mediator, filing_period, overall
from app.auth.models import User
from app.cases.states import DecisionKind
from app.core.extensions import db
from app.execution.models import ObligationStatus
from app.mediation.models import ProposalStatus
from app.orders.categories import CATEGORY_LABELS

COMMENTS_SHOWN = 10
CASES = Column(_l("Cases"))
MEASURED = Column(_l("Measured"))
SHARE = Column(_l("Share (%)"), Kind.PERCENT)


def volume_over_time(scope: Scope) -> Figure:
    counts = volume.filed(scope, filing_period(scope))
    return Figure(
        _l("Cases filed over time"),
        [Column(_l("Period"), Kind.LABEL), CASES],
        [[period, counts[period]] for period in sorted(counts)],
        chart="line",
    )


def _counted(title, heading, counts: dict, labels: dict | None = None) -> Figure:
    rows = sorted(counts.items(), key=lambda item: (-item[1], str(item[0])))
    return Figure(
        title,
        [Column(heading, Kind.LABEL), CASES],
        [[label(labels, value) if labels else value, count] for value, count in rows],
        chart="bar",
    )


def claim_types(scope: Scope) -> Figure:
    counts = volume.filed(scope, CaseFact.claim_type)
    return _counted(_l("By claim type"), _l("Claim type"), counts, CLAIM_TYPE_LABELS)


def responsible_parties(scope: Scope) -> Figure:
    counts = volume.filed(scope, CaseFact.responsible_party)
    heading = _l("Whom the buyer blames")
    title = _l("By responsible party")
    return _counted(title, heading, counts, RESPONSIBLE_LABELS)


def categories(scope: Scope) -> Figure:
    counts = volume.filed_by_category(scope)
    return _counted(_l("By order category"), _l("Category"), counts, CATEGORY_LABELS)


def handling_times(scope: Scope) -> Figure:
    measures = (
        (_l("Intake: filing to acceptance"), timing.intake(scope, overall())),
        (
            _l("First action: mediation to the mediator's first step"),
            timing.first_action(scope, overall()),
        ),
        (_l("Resolution: filing to decision"), timing.resolution(scope, overall())),
    )
    rows = []
    for name, spreads in measures:
        spread = spreads.get(ALL)
        rows.append(
            [name, spread.count, hours(spread.median), hours(spread.p90)]
            if spread
            else [name, 0, None, None]
        )
    return Figure(
        _l("Time to first action and to resolution"),
        [
            Column(_l("Measure"), Kind.LABEL),
            MEASURED,
            Column(_l("Median (hours)"), Kind.HOURS),
            Column(_l("90th percentile (hours)"), Kind.HOURS),
        ],
        rows,
        chart="bar",
        charted=(2, 3),
    )


def first_contact(scope: Scope) -> Figure:
    kinds = outcomes.decision_kinds(scope, overall())
    decided = sum(kinds.values())
    paths = [
        (_l("The seller accepted the claim"), kinds.get((ALL, DecisionKind.SELLER_ACCEPTED), 0)),
        (
            _l("The buyer accepted the seller's counter-offer"),
            kinds.get((ALL, DecisionKind.COUNTER_OFFER_ACCEPTED), 0),
        ),
        (
            _l("Both accepted the first proposal"),
            outcomes.first_proposal_accepted(scope, overall()).get(ALL, 0),
        ),
    ]
    later = decided - sum(count for _name, count in paths)
    rows = [[name, count, percent(count, decided)] for name, count in paths]
    rows.append([_l("Resolved later"), later, percent(later, decided)])
    first = decided - later
    return Figure(
        _l("First-contact resolution"),
        [Column(_l("How the case was decided"), Kind.LABEL), CASES, SHARE],
        rows,
        chart="bar",
        note=_l(
            "First-contact resolution: %(share)s of %(decided)d decided cases.",
            share=_share_text(first, decided),
            decided=decided,
        ),
    )


def settlement_acceptance(scope: Scope) -> Figure:
    answers = outcomes.proposal_answers(scope)
    answered = sum(answers.values())
    names = (
        (ProposalStatus.ACCEPTED, _l("Accepted by both")),
        (ProposalStatus.REJECTED, _l("Rejected")),
        (ProposalStatus.EXPIRED, _l("Not answered in time")),
    )
    return Figure(
        _l("Settlement proposals"),
        [Column(_l("Answer"), Kind.LABEL), Column(_l("Proposals")), SHARE],
        [
            [name, answers.get(status, 0), percent(answers.get(status, 0), answered)]
            for status, name in names
        ],
        chart="bar",
    )


def sla_by_phase(scope: Scope) -> Figure:
    intake = timing.intake(scope, overall()).get(ALL)
    first = timing.first_action(scope, overall()).get(ALL)
    answers = outcomes.proposal_answers(scope)
    kept = outcomes.obligations_kept(scope)
    phases = [
        (_l("Intake"), intake.count if intake else 0, intake.within if intake else 0),
        (_l("First action"), first.count if first else 0, first.within if first else 0),
        (
            _l("Proposal answer"),
            sum(answers.values()),
            answers.get(ProposalStatus.ACCEPTED, 0) + answers.get(ProposalStatus.REJECTED, 0),
        ),
        (_l("Execution"), sum(kept.values()), kept.get(ObligationStatus.DONE, 0)),
    ]
    return Figure(
        _l("Service levels met, by phase"),
        [Column(_l("Phase"), Kind.LABEL), MEASURED, Column(_l("Met")), SHARE],
        [[name, measured, met, percent(met, measured)] for name, measured, met in phases],
        chart="bar",
        charted=(3,),
    )


def sla_by_mediator(scope: Scope) -> Figure:
    intake = timing.intake(scope, assigned_mediator())
    first = timing.first_action(scope, assigned_mediator())
    ids = sorted({key for key in (*intake, *first) if key is not None})
    names = dict(
        db.session.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all()
    )
    rows = []
    for mediator_id in sorted(ids, key=lambda key: names.get(key, "")):
        on_intake, on_first = intake.get(mediator_id), first.get(mediator_id)
        rows.append(
            [
                names.get(mediator_id, ""),
                on_intake.count if on_intake else 0,
                percent(on_intake.within, on_intake.count) if on_intake else None,
                on_first.count if on_first else 0,
                percent(on_first.within, on_first.count) if on_first else None,
            ]
        )
    return Figure(
        _l("Service levels met, by mediator"),
        [
            Column(_l("Mediator"), Kind.LABEL),
            Column(_l("Intakes")),
            Column(_l("Intake within the service level (%)"), Kind.PERCENT),
            Column(_l("First actions")),
            Column(_l("First action within the service level (%)"), Kind.PERCENT),
        ],
        rows,
        chart="bar",
        charted=(2, 4),
    )


def satisfaction(scope: Scope) -> Figure:
    scores = aftercare.rating_scores(scope, overall())
    rated = sum(scores.values())
    total = sum(score * count for (_key, score), count in scores.items())
    average = f"{total / rated:.2f}" if rated else "–"
    return Figure(
        _l("Satisfaction"),
        [Column(_l("Rating"), Kind.LABEL), Column(_l("Ratings")), SHARE],
        [
            [score, scores.get((ALL, score), 0), percent(scores.get((ALL, score), 0), rated)]
            for score in range(1, 6)
        ],
        chart="bar",
        note=_l(
            "Average rating: %(average)s of 5, from %(count)d ratings.",
            average=average,
            count=rated,
        ),
    )


def comments(scope: Scope) -> Figure:
    return Figure(
        _l("Recent comments"),
        [
            Column(_l("Written"), Kind.LABEL),
            Column(_l("By"), Kind.LABEL),
            Column(_l("Rating")),
            Column(_l("Comment"), Kind.LABEL),
        ],
        [
            [
                comment.written_at.date().isoformat(),
                label(PARTY_LABELS, comment.party),
                comment.score,
                comment.text,
            ]
            for comment in aftercare.recent_comments(scope, COMMENTS_SHOWN)
        ],
    )


def _share_text(part: int, whole: int) -> str:
    share = percent(part, whole)
    return "–" if share is None else f"{share} %"
