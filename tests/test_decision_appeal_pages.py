"""The appeal on the case page, through the real form with its CSRF token: offered to the
losing side with its deadline and who will hear it, and then the appeal and its outcome."""

import html as markup
from datetime import timedelta

import pytest
from flask import current_app

from app.auth.models import Role
from app.cases.states import (
    CaseState,
    Remedy,
)
from app.core import clock
from app.core.zones import format_zoned
from app.mediation import appeals
from app.mediation import services as mediation
from app.mediation.services import Settlement
from app.scheduler.deadlines import sweep_case_deadlines
from tests.helpers.case_factories import make_case
from tests.helpers.factories import make_user
from tests.helpers.jury import START, make_pool
from tests.helpers.pages import confirmed, csrf_token_from, login_with_token, page, reload

REASON = "The courier's receipt shows the parcel left our shop intact."
REJECTED = Settlement(Remedy.CLAIM_REJECTED, None, "The courier's photo shows it intact.")

pytestmark = pytest.mark.usefixtures("csrf_enabled")


@pytest.fixture(autouse=True)
def small_appeal_panels(app, monkeypatch):
    clock.freeze(START)
    monkeypatch.setitem(app.config, "APPEAL_PANEL_SEATS", 5)
    monkeypatch.setitem(app.config, "APPEAL_PANEL_MAJORITY", 3)


def appeal_token(html: str, case_id: int) -> str:
    return csrf_token_from(html[html.index(f'action="/cases/{case_id}/appeal#') :])


def post_appeal(client, case, reason: str):
    token = appeal_token(page(client, f"/cases/{case.id}"), case.id)
    url = f"/cases/{case.id}/appeal"
    # a refusal is shown on the case page; else the confirmation step, then confirmed
    asked = client.post(url, data={"reason": reason, "csrf_token": token}, follow_redirects=True)
    return confirmed(client, url, asked, follow_redirects=True)


def test_the_seller_appeals_a_default_judgment_from_the_case_page(client):
    case = make_case("awaiting_seller")
    clock.advance(current_app.config["SELLER_RESPONSE_WINDOW"] + timedelta(minutes=1))
    sweep_case_deadlines()
    make_pool(5)
    login_with_token(client, case.seller)

    html = markup.unescape(page(client, f"/cases/{case.id}"))
    assert "Appeal the decision" in html
    deadline = clock.now() + current_app.config["APPEAL_WINDOW"]
    assert f"until {format_zoned(deadline)} (2 days left)" in html
    assert "A panel of 5 reviewers decides the case again. Its verdict is final." in html

    # without the token the appeal is refused, and nothing changes
    response = client.post(f"/cases/{case.id}/appeal", data={"reason": REASON})
    assert response.status_code == 400
    assert reload(case).current_state is CaseState.DECIDED

    html = markup.unescape(post_appeal(client, case, REASON).get_data(as_text=True))
    assert "Your appeal is in: a new, larger panel of reviewers will decide." in html
    assert reload(case).current_state is CaseState.PANEL
    assert "The seller appealed on" in html and "An appeal panel hears it." in html
    assert "Until the appeal is decided, the decision appealed is not carried out." in html
    assert REASON in html
    assert f'action="/cases/{case.id}/appeal#' not in html


def test_under_the_adaptive_rule_the_appeal_panel_is_up_to_its_cap(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "PANEL_RULE", "adaptive")
    monkeypatch.setitem(app.config, "APPEAL_ADAPTIVE_CAP", 51)
    monkeypatch.setitem(app.config, "ADAPTIVE_FIRST_WAVE", 5)
    case = make_case("awaiting_seller")
    clock.advance(current_app.config["SELLER_RESPONSE_WINDOW"] + timedelta(minutes=1))
    sweep_case_deadlines()
    make_pool(5)
    login_with_token(client, case.seller)

    raw = page(client, f"/cases/{case.id}")
    html = markup.unescape(raw)
    assert "A panel of up to 51 reviewers decides the case again. Its verdict is final." in html
    token = appeal_token(raw, case.id)
    asked = client.post(
        f"/cases/{case.id}/appeal",
        data={"reason": REASON, "csrf_token": token},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "A fresh panel of up to 51 reviewers decides it again." in markup.unescape(asked)


def test_the_winner_is_offered_no_appeal(client):
    case = make_case("decided", settlement=REJECTED)
    login_with_token(client, case.seller)
    html = page(client, f"/cases/{case.id}")
    assert "Appeal the decision" not in html and f"/cases/{case.id}/appeal" not in html


def test_a_short_reason_is_refused_and_nothing_changes(client):
    case = make_case("decided", settlement=REJECTED)
    login_with_token(client, case.buyer)

    html = post_appeal(client, case, "Unfair.").get_data(as_text=True)

    assert "Give a reason of at least 20 characters." in html
    assert reload(case).current_state is CaseState.DECIDED


def test_the_buyer_appeals_to_a_second_mediator_and_reads_the_outcome(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "DECISION_APPEAL_TO", "mediator")
    case = make_case("decided", settlement=REJECTED)
    second = make_user(roles=(Role.MEDIATOR,))
    login_with_token(client, case.buyer)
    html = markup.unescape(page(client, f"/cases/{case.id}"))
    assert "A second mediator, who has not handled the case before, decides it again." in html

    html = post_appeal(client, case, REASON).get_data(as_text=True)

    assert "Your appeal is in: a second mediator will decide the case again." in html
    case = reload(case)
    assert case.current_state is CaseState.MEDIATION and case.mediator_id == second.id
    assert "A second mediator hears it." in html

    full = Settlement(Remedy.FULL_REFUND, None, "The second look shows the damage.")
    mediation.decide(case, second, full)
    html = markup.unescape(page(client, f"/cases/{case.id}"))
    assert "The appeal changed the decision. The new decision is final." in html
    assert f"/cases/{case.id}/appeal" not in html  # the seller lost now, but it is final


def test_a_partial_decision_tells_both_sides_either_may_appeal_in_chinese(client):
    half = Settlement(Remedy.PARTIAL_REFUND, 9950, "Half the price back is fair.")
    case = make_case("decided", settlement=half)
    for party in (case.buyer, case.seller):
        with client.session_transaction() as session:
            session.clear()
        login_with_token(client, party)
        html = page(client, f"/cases/{case.id}")
        assert "either side may appeal it" in html
        assert f'action="/cases/{case.id}/appeal#' in html
    token = csrf_token_from(html)
    client.post("/language", data={"locale": "zh_Hans", "csrf_token": token})
    html = page(client, f"/cases/{case.id}")
    assert "对裁决提出申诉" in html and "因此双方均可申诉" in html


def test_the_mediator_whose_decision_was_appealed_stands_down(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "DECISION_APPEAL_TO", "mediator")
    case = make_case("decided", settlement=REJECTED)
    first = case.mediator
    second = make_user(roles=(Role.MEDIATOR,))
    appeals.appeal(case, case.buyer, REASON)
    decision = {"decision-outcome": "full_refund", "decision-rationale": "A second look."}
    login_with_token(client, first)

    html = page(client, f"/cases/{case.id}")
    assert f'action="/cases/{case.id}/mediation/decision#' not in html
    assert f'action="/cases/{case.id}/mediation/panel#' not in html
    token = csrf_token_from(html)
    response = client.post(
        f"/cases/{case.id}/mediation/decision", data=decision | {"decision-csrf_token": token}
    )
    assert response.status_code == 403

    with client.session_transaction() as session:
        session.clear()
    login_with_token(client, second)
    html = page(client, f"/cases/{case.id}")
    assert f'action="/cases/{case.id}/mediation/decision#' in html
    token = csrf_token_from(html[html.index(f'action="/cases/{case.id}/mediation/decision#') :])
    url = f"/cases/{case.id}/mediation/decision"
    asked = client.post(url, data=decision | {"decision-csrf_token": token})
    assert "The decision is final: the case has had its one appeal." in asked.get_data(True)
    response = confirmed(client, url, asked)
    assert response.status_code == 302
    assert reload(case).current_state is CaseState.EXECUTING  # final: carried out at once
