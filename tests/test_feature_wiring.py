"""How features above ``cases`` plug into it: signals the app factory connects once, and the
sections of the case page each feature registers."""

import pytest
from flask import Flask

from app import create_app
from app.cases.page import CASE_PAGE_SLOTS, CaseSection, Placement, register_case_section
from app.cases.services import seller_accepts_claim
from app.cases.signals import case_decided, case_filing
from app.execution.models import Obligation
from app.execution.signals import carry_out_decision
from app.jury.revision import revise_appealed_panel
from app.mediation.signals import assign_mediator
from tests.helpers.case_factories import make_case
from tests.helpers.counts import table_count


def test_every_listener_is_connected_once_however_many_apps_are_made():
    create_app("testing")
    create_app("testing")

    assert list(case_filing.receivers_for(object())) == [assign_mediator]
    assert list(case_decided.receivers_for(object())) == [
        carry_out_decision,
        revise_appealed_panel,
    ]


def test_a_final_decision_is_carried_out_once_with_two_apps_made(app):
    create_app("testing")
    case = make_case("awaiting_seller")

    seller_accepts_claim(case, case.seller)

    assert case.state == "executing"
    assert table_count(Obligation) == 1  # the full refund's one step, not two


def test_the_case_page_has_each_feature_s_sections_in_their_slots(app):
    sections = app.extensions["case_sections"]

    placed = {
        (placement.slot, placement.template)
        for section in sections.values()
        for placement in section.placements
    }
    assert set(sections) == {"thread", "mediation", "execution", "jury", "panel_draws", "closing"}
    assert placed == {
        ("next_steps", "mediation/_next_steps.html"),
        ("outcome", "jury/_outcome.html"),
        ("outcome", "jury/_draws.html"),
        ("after_closing", "jury/gold/_offer.html"),
        ("outcome", "mediation/_appeal.html"),
        ("outcome", "execution/_steps.html"),
        ("negotiation", "mediation/_proposal.html"),
        ("negotiation", "mediation/_questions.html"),
        ("negotiation", "cases/_thread.html"),
        ("staff", "mediation/_mediator.html"),
        ("after_closing", "closing/_case_panel.html"),
    }


def test_a_section_in_a_slot_the_page_does_not_have_is_refused():
    app = Flask(__name__)
    section = CaseSection("stray", (Placement("sidebar", 10, "stray.html"),))

    with pytest.raises(ValueError, match="sidebar"):
        register_case_section(app, section)

    assert "sidebar" not in CASE_PAGE_SLOTS
    assert "case_sections" not in app.extensions
