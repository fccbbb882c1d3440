"""The dashboard's figures in the order the page shows them, each by the key that names its
anchor and its CSV file."""

from collections.abc import Callable

from app.analytics import dashboard, review_figures
from app.analytics.figure import Figure
from app.analytics.scope import Scope

FIGURES: dict[str, Callable[[Scope], Figure]] = {
    "volume": dashboard.volume_over_time,
    "claim-types": dashboard.claim_types,
    "responsible-parties": dashboard.responsible_parties,
    "categories": dashboard.categories,
    "handling-times": dashboard.handling_times,
    "first-contact": dashboard.first_contact,
    "settlement-acceptance": dashboard.settlement_acceptance,
    "sla-by-phase": dashboard.sla_by_phase,
    "sla-by-mediator": dashboard.sla_by_mediator,
    "panels": review_figures.panel_summary,
    "panel-rules": review_figures.panel_rules,
    "panel-margins": review_figures.panel_margins,
    "replacement-rounds": review_figures.replacement_rounds,
    "reviewer-pool": review_figures.reviewer_pool,
    "satisfaction": dashboard.satisfaction,
    "comments": dashboard.comments,
    "enforcement": review_figures.enforcement,
}
