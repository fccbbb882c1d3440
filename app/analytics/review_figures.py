"""The dashboard's figures on crowd review and enforcement: panels, the reviewer pool,
deductions and restrictions."""

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.analytics import aftercare, outcomes, panels, reviewers
from app.analytics.dashboard import SHARE
from app.analytics.figure import Column, Figure, Kind, percent
from app.analytics.labels import LEANING_LABELS
from app.analytics.scope import OVERALL as ALL
from app.analytics.scope import Scope, overall
from app.cases.states import APPEALABLE_DECISIONS
from app.jury.models import PanelRound, PanelRule, PanelStatus, SeatStatus

PANELS = Column(_l("Panels"))


def panel_summary(scope: Scope) -> Figure:
    statuses = panels.statuses(scope)
    used = panels.votes_used(scope)
    seats = panels.seat_statuses(scope)
    kinds = outcomes.decision_kinds(scope, overall())
    appealable = sum(kinds.get((ALL, kind.value), 0) for kind in APPEALABLE_DECISIONS)
    appealed = outcomes.appeals(scope, overall()).get(ALL, 0)
    overturns = panels.overturns(scope, overall()).get(ALL)
    all_seats, no_shows = sum(seats.values()), seats.get(SeatStatus.REPLACED, 0)
    rows = [
        [
            _l("First panels that reached a verdict"),
            statuses.get((PanelRound.FIRST, PanelStatus.DECIDED), 0),
        ],
        [
            _l("First panels returned to the mediator"),
            statuses.get((PanelRound.FIRST, PanelStatus.RETURNED), 0),
        ],
        [
            _l("Appeal panels that reached a verdict"),
            statuses.get((PanelRound.APPEAL, PanelStatus.DECIDED), 0),
        ],
        [_l("Average votes used per verdict"), _rounded(used.average_votes)],
        [_l("Average seats per panel with a verdict"), _rounded(used.average_seats)],
        [_l("No-shows: seats replaced (%)"), percent(no_shows, all_seats)],
        [_l("Appeal rate: appealed of appealable decisions (%)"), percent(appealed, appealable)],
        [
            _l("Overturn rate: appeal verdicts that differ from the first (%)"),
            percent(overturns.overturned, overturns.compared) if overturns else None,
        ],
    ]
    return Figure(
        _l("Panels"),
        [Column(_l("Measure"), Kind.LABEL), Column(_l("Value"), Kind.NUMBER)],
        rows,
    )


RULE_LABELS = {
    PanelRule.MAJORITY: _l("Majority of the seats"),
    PanelRule.ADAPTIVE: _l("Adaptive: seats drawn in waves"),
}


def panel_rules(scope: Scope) -> Figure:
    figures = panels.by_rule(scope)
    return Figure(
        _l("Panels by rule"),
        [
            Column(_l("Rule"), Kind.LABEL),
            Column(_l("Verdicts")),
            Column(_l("Returned to the mediator")),
            Column(_l("Average votes per verdict"), Kind.NUMBER),
            Column(_l("Average seats drawn per verdict"), Kind.NUMBER),
        ],
        [
            [
                label,
                figure.decided,
                figure.returned,
                _rounded(figure.average_votes),
                _rounded(figure.average_seats_drawn),
            ]
            for rule, label in RULE_LABELS.items()
            for figure in [figures.get(rule.value, panels.RuleFigures(0, 0, None, None))]
        ],
        note=_l(
            "An adaptive panel decides as soon as its weighed votes make one option likely "
            "enough to be right; it draws more reviewers only while they are not."
        ),
    )


def panel_margins(scope: Scope) -> Figure:
    counts = panels.margins(scope)
    return Figure(
        _l("Panel margins"),
        [Column(_l("Votes between the verdict and the runner-up"), Kind.LABEL), PANELS],
        [[margin, counts[margin]] for margin in sorted(counts)],
        chart="bar",
    )


def replacement_rounds(scope: Scope) -> Figure:
    counts = panels.replacement_rounds(scope)
    limit = current_app.config["SEAT_REPLACEMENT_ROUNDS"]
    total = sum(counts.values())
    return Figure(
        _l("Replacement rounds"),
        [Column(_l("Rounds of replacement seats"), Kind.LABEL), PANELS, SHARE],
        [
            [rounds, counts.get(rounds, 0), percent(counts.get(rounds, 0), total)]
            for rounds in range(max([limit, *counts]) + 1)
        ],
        chart="bar",
    )


def reviewer_pool(_scope: Scope) -> Figure:
    pool = reviewers.pool_by_level_and_leaning()
    levels = len(current_app.config["REPUTATION_LEVELS"])
    leanings = list(LEANING_LABELS)
    return Figure(
        _l("Reviewer pool by level and leaning"),
        [
            Column(_l("Level"), Kind.LABEL),
            *(Column(LEANING_LABELS[leaning]) for leaning in leanings),
        ],
        [
            [level, *(pool.get((level, leaning), 0) for leaning in leanings)]
            for level in range(levels + 1)
        ],
        chart="bar",
        charted=tuple(range(1, len(leanings) + 1)),
        note=_l("Active reviewers today, whatever the date range."),
    )


def enforcement(scope: Scope) -> Figure:
    deducted = aftercare.deductions(scope)
    restrictions = aftercare.restrictions(scope, overall())
    return Figure(
        _l("Enforcement"),
        [Column(_l("Measure"), Kind.LABEL), Column(_l("Count")), Column(_l("Amount"), Kind.YUAN)],
        [
            [_l("Deductions from deposits"), deducted.count, deducted.amount_fen],
            [
                _l("Selling restrictions still in force"),
                restrictions.get((ALL, "in_force"), 0),
                None,
            ],
            [_l("Selling restrictions since lifted"), restrictions.get((ALL, "lifted"), 0), None],
        ],
    )


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
