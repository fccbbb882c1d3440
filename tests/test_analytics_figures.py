"""Every figure of the staff dashboard against the figures worked out by hand for the world
of ``tests/helpers/analytics_world.py`` (its table says what each case holds)."""

from datetime import date

import pytest

from app.analytics import dashboard, review_figures
from app.analytics.scope import Scope
from tests.helpers.analytics_world import FAIR_COMMENT, INJECTED_COMMENT, build_world


@pytest.fixture
def world(app):
    return build_world()


def march(**filters) -> Scope:
    """A fresh scope for each figure, so that none reads what another one kept."""
    return Scope(start=date(2026, 3, 1), end=date(2026, 3, 31), **filters)


def rows(figure) -> list[list]:
    """The figure's rows, labels as the English page writes them."""
    return [
        [value if isinstance(value, int | float | None) else str(value) for value in row]
        for row in figure.rows
    ]


def test_volume_counts_each_day_of_the_range(world):
    assert rows(dashboard.volume_over_time(march())) == [
        [f"2026-03-0{day}", 1] for day in range(2, 9)
    ]


def test_a_long_range_counts_per_month(world):
    year = Scope(start=date(2025, 4, 1), end=date(2026, 3, 31))
    assert rows(dashboard.volume_over_time(year)) == [["2026-02", 1], ["2026-03", 7]]


def test_volume_by_claim_type_responsible_party_and_category(world):
    assert rows(dashboard.claim_types(march())) == [
        ["Damaged in transit", 4],
        ["Not received", 2],
        ["Counterfeit", 1],
    ]
    assert rows(dashboard.responsible_parties(march())) == [
        ["The seller", 5],
        ["The logistics company", 1],
        ["The platform", 1],
    ]
    assert rows(dashboard.categories(march())) == [["Electronics", 4], ["Books", 3]]


def test_handling_times_median_and_90th_percentile(world):
    # intake 1, 2, 4, 6, 8, 30 h: median the 3rd (4 h), P90 the 6th (30 h)
    # first action 5, 10, 20, 30 h: median the 2nd (10 h), P90 the 4th (30 h)
    # resolution 10, 40, 100, 200, 300, 400 h: median the 3rd, P90 the 6th
    assert rows(dashboard.handling_times(march())) == [
        ["Intake: filing to acceptance", 6, 4.0, 30.0],
        ["First action: mediation to the mediator's first step", 4, 10.0, 30.0],
        ["Resolution: filing to decision", 6, 100.0, 400.0],
    ]


def test_first_contact_resolution(world):
    figure = dashboard.first_contact(march())
    # six decided: c1 seller, c2 counter-offer, c3 first proposal; c4 (second proposal),
    # c5 (mediator) and c6 (panel) later
    assert rows(figure) == [
        ["The seller accepted the claim", 1, 16.7],
        ["The buyer accepted the seller's counter-offer", 1, 16.7],
        ["Both accepted the first proposal", 1, 16.7],
        ["Resolved later", 3, 50.0],
    ]
    assert str(figure.note) == "First-contact resolution: 50.0 % of 6 decided cases."


def test_settlement_acceptance_leaves_out_superseded_proposals(world):
    assert rows(dashboard.settlement_acceptance(march())) == [
        ["Accepted by both", 2, 50.0],
        ["Rejected", 1, 25.0],
        ["Not answered in time", 1, 25.0],
    ]


def test_service_levels_per_phase(world):
    assert rows(dashboard.sla_by_phase(march())) == [
        ["Intake", 6, 5, 83.3],  # 30 h is over the 24 h intake SLA
        ["First action", 4, 3, 75.0],  # 30 h is over the 24 h first-action SLA
        ["Proposal answer", 4, 3, 75.0],  # one expired unanswered
        ["Execution", 3, 2, 66.7],  # c1 and c3 done, c5 missed; c6's still open
    ]


def test_service_levels_per_mediator(world):
    assert rows(dashboard.sla_by_mediator(march())) == [
        ["Mediator One", 3, 66.7, 1, 100.0],
        ["Mediator Two", 3, 100.0, 3, 66.7],
    ]


def test_panel_figures(world):
    assert rows(review_figures.panel_summary(march())) == [
        ["First panels that reached a verdict", 1],
        ["First panels returned to the mediator", 0],
        ["Appeal panels that reached a verdict", 1],
        ["Average votes used per verdict", 4.5],  # 4 and 5
        ["Average seats per panel with a verdict", 6.0],  # 5 and 7
        ["No-shows: seats replaced (%)", 8.3],  # 1 of 12 seats
        ["Appeal rate: appealed of appealable decisions (%)", 50.0],  # c6 of c5 and c6
        ["Overturn rate: appeal verdicts that differ from the first (%)", 100.0],
    ]
    assert rows(review_figures.panel_rules(march())) == [
        ["Majority of the seats", 2, 0, 4.5, 6.0],
        ["Adaptive: seats drawn in waves", 0, 0, None, None],
    ]
    assert rows(review_figures.panel_margins(march())) == [[2, 1], [3, 1]]
    assert rows(review_figures.replacement_rounds(march())) == [
        [0, 1, 50.0],
        [1, 1, 50.0],
        [2, 0, 0.0],
    ]


def test_reviewer_pool_by_level_and_leaning(world):
    assert rows(review_figures.reviewer_pool(march())) == [
        [0, 0, 0, 5],
        [1, 1, 0, 0],  # score 30, two orders sold of three
        [2, 0, 0, 0],
        [3, 0, 0, 0],
        [4, 0, 1, 0],  # score 95, one order bought
    ]


def test_satisfaction_and_comments_without_names(world):
    figure = dashboard.satisfaction(march())
    assert rows(figure) == [
        [1, 0, 0.0],  # c8's 1 was filed in February
        [2, 1, 33.3],
        [3, 0, 0.0],
        [4, 1, 33.3],
        [5, 1, 33.3],
    ]
    assert str(figure.note) == "Average rating: 3.67 of 5, from 3 ratings."
    assert rows(dashboard.comments(march())) == [
        ["2026-03-22", "Buyer", 2, INJECTED_COMMENT],
        ["2026-03-20", "Buyer", 5, FAIR_COMMENT],
    ]


def test_enforcement(world):
    assert rows(review_figures.enforcement(march())) == [
        ["Deductions from deposits", 1, 5000],
        ["Selling restrictions still in force", 1, None],
        ["Selling restrictions since lifted", 1, None],
    ]


def test_claim_type_filter_narrows_every_figure(world):
    damaged = march(claim_type="damaged_in_transit")
    assert rows(dashboard.claim_types(damaged)) == [["Damaged in transit", 4]]
    # c1, c3, c4: intake 2, 4, 6 h; c7 waits
    assert rows(dashboard.handling_times(damaged))[0] == [
        "Intake: filing to acceptance",
        3,
        4.0,
        6.0,
    ]
    assert rows(review_figures.enforcement(damaged))[0] == ["Deductions from deposits", 0, 0]


def test_category_filter_narrows_every_figure(world):
    books = march(category="books")
    assert rows(dashboard.categories(books)) == [["Books", 3]]
    assert rows(dashboard.first_contact(books))[1] == [
        "The buyer accepted the seller's counter-offer",
        1,
        50.0,
    ]  # c2 of c2 and c6


def test_date_range_includes_both_ends(world):
    three_days = Scope(start=date(2026, 3, 3), end=date(2026, 3, 5))
    assert rows(dashboard.volume_over_time(three_days)) == [
        ["2026-03-03", 1],
        ["2026-03-04", 1],
        ["2026-03-05", 1],
    ]
