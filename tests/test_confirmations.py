"""Irreversible actions ask once more, on a step that restates what will happen, and work
without JavaScript: the first post changes nothing, the second acts. A confirmation of a
case that has changed since is asked again; a case that has moved on refuses. A mediator
acting on a colleague's case is told whose it is, and the move is audited."""

import io
import zipfile
from datetime import UTC, datetime
from html import unescape

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from app.auth.models import Role
from app.cases import services as case_services
from app.cases.states import CaseState
from app.closing.dossier.build import build_dossier
from app.core import clock
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.jury.models import Appeal, Vote
from app.mediation import services as mediation
from app.mediation.models import SettlementProposal
from tests.helpers.case_factories import DECISION_REASONS, make_case
from tests.helpers.factories import make_user
from tests.helpers.pages import (
    as_user,
    confirmation_fields,
    confirmed,
    csrf_token_from,
    field_error,
    login,
    login_with_token,
    page,
    post_confirmed,
    reload,
)
from tests.helpers.panel_rows import make_panel, seat_for

START = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
DECISION = {
    "decision-outcome": "compensation",
    "decision-amount": "30",
    "decision-rationale": DECISION_REASONS,
}
REJECTION = "Half the price is not enough: both earbuds are cracked, not one."


@pytest.fixture(autouse=True)
def _frozen_clock():
    clock.freeze(START)


def decision_url(case) -> str:
    return f"/cases/{case.id}/mediation/decision"


def actions(case) -> list[str]:
    db.session.expire_all()
    return db.session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.subject_type == "cases", AuditEvent.subject_id == str(case.id))
        .order_by(AuditEvent.id)
    ).all()


def text_of(response) -> str:
    return unescape(response.get_data(as_text=True))


# The mediator's decision


def test_deciding_asks_first_restating_the_decision_then_acts(client):
    case = make_case("mediation")
    login(client, case.mediator)
    before = actions(case)

    asked = client.post(decision_url(case), data=DECISION)

    assert asked.status_code == 200
    html = text_of(asked)
    assert f"Decide case #{case.id}?" in html
    assert "Decide the case, binding on both sides: Compensation: ¥30.00." in html
    assert "The losing side may appeal within 2 days." in html
    assert "This cannot be undone." in html and "Go back" in html
    assert "This case is" not in html  # the mediator's own case
    assert ("decision-rationale", DECISION_REASONS) in confirmation_fields(html)
    assert reload(case).current_state is CaseState.MEDIATION
    assert actions(case) == before  # the check was rolled back, nothing kept

    response = confirmed(client, decision_url(case), asked)

    assert response.status_code == 302
    case = reload(case)
    assert case.current_state is CaseState.DECIDED and case.decision_amount_fen == 3000
    assert actions(case)[-1] == "case.decided_by_mediator"


def test_going_back_shows_the_form_as_filled_in_and_changes_nothing(client):
    case = make_case("mediation")
    login(client, case.mediator)
    asked = client.post(decision_url(case), data=DECISION)
    fields = MultiDict([*confirmation_fields(asked.get_data(as_text=True)), ("go_back", "yes")])

    response = client.post(decision_url(case), data=fields)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="decision-form"' in html and 'value="30"' in html
    assert unescape(html).count(DECISION_REASONS) == 1  # in the form, as typed
    assert 'id="confirmation-form"' not in html
    assert reload(case).current_state is CaseState.MEDIATION


def test_a_refused_decision_is_refused_at_the_first_step_beside_its_field(client):
    case = make_case("mediation")
    login(client, case.mediator)
    response = client.post(decision_url(case), data=DECISION | {"decision-amount": "199.01"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="confirmation-form"' not in html
    assert "at most the order" in field_error(html, "decision-amount")


def test_a_forged_confirmation_about_another_state_is_asked_again(client):
    case = make_case("mediation")
    login(client, case.mediator)
    forged = DECISION | {"confirmed": "yes", "seen": "not-what-was-shown"}

    response = client.post(decision_url(case), data=forged)

    assert response.status_code == 409
    assert "This changed while you were deciding." in text_of(response)
    assert reload(case).current_state is CaseState.MEDIATION


def test_a_confirmation_of_a_case_that_changed_meanwhile_is_asked_again(client):
    case = make_case("mediation")
    login(client, case.mediator)
    asked = client.post(decision_url(case), data=DECISION)
    colleague = make_user(name="Mediator Qian", roles=(Role.MEDIATOR,))
    mediation.reassign(reload(case), make_user(roles=(Role.ADMIN,)), colleague)
    db.session.flush()

    response = confirmed(client, decision_url(case), asked)

    assert response.status_code == 409
    html = text_of(response)
    assert "This changed while you were deciding." in html
    assert "This case is Mediator Qian's. Acting on it moves it to you." in html
    assert reload(case).current_state is CaseState.MEDIATION


def test_a_confirmation_of_a_case_that_moved_on_is_refused(client):
    case = make_case("mediation")
    login(client, case.mediator)
    asked = client.post(decision_url(case), data=DECISION)
    mediation.reopen_evidence_window(reload(case), case.mediator)
    db.session.flush()

    assert confirmed(client, decision_url(case), asked).status_code == 403
    assert reload(case).current_state is CaseState.EVIDENCE


@pytest.mark.usefixtures("csrf_enabled")
def test_both_steps_need_the_csrf_token(client):
    case = make_case("mediation")
    login_with_token(client, case.mediator)
    html = page(client, f"/cases/{case.id}")
    token = csrf_token_from(html[html.index('id="decision-form"') :])

    assert client.post(decision_url(case), data=DECISION).status_code == 400
    asked = client.post(decision_url(case), data=DECISION | {"decision-csrf_token": token})
    assert asked.status_code == 200
    fields = [
        (name, value)
        for name, value in confirmation_fields(asked.get_data(as_text=True))
        if not name.endswith("csrf_token")
    ]
    without_token = MultiDict([*fields, ("confirmed", "yes")])
    assert client.post(decision_url(case), data=without_token).status_code == 400
    assert reload(case).current_state is CaseState.MEDIATION

    assert confirmed(client, decision_url(case), asked).status_code == 302
    assert reload(case).current_state is CaseState.DECIDED


def test_decide_is_set_apart_from_sending_a_proposal(client):
    case = make_case("mediation")
    login(client, case.mediator)
    html = page(client, f"/cases/{case.id}")
    decide = html.split('id="decide"', 1)[1].split("</article>", 1)[0]
    propose = html.split('id="propose"', 1)[1].split("</article>", 1)[0]
    assert "binding" in decide and "Decide the case…" in decide and 'class="contrast"' in decide
    assert "Send the proposal to both sides" in propose and "binding" not in propose
    assert "nothing is settled unless both accept" in propose


# A colleague's case


def test_acting_on_a_colleagues_case_names_them_and_the_move_is_audited(client):
    case = make_case("mediation")
    colleague = case.mediator
    me = make_user(name="Mediator Qian", roles=(Role.MEDIATOR,))
    login(client, me)
    url = f"/cases/{case.id}/mediation/questions"
    question = {"question-party": "seller", "question-text": "When was it shipped?"}
    question |= {"question-hours": "24"}

    asked = client.post(url, data=question)

    assert asked.status_code == 200
    html = text_of(asked)
    assert f"This case is {colleague.display_name}'s. Acting on it moves it to you." in html
    assert "Take it over and go on" in html
    assert reload(case).mediator_id == colleague.id

    assert confirmed(client, url, asked).status_code == 302
    assert reload(case).mediator_id == me.id
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "case.taken_over", AuditEvent.subject_id == str(case.id)
        )
    )
    assert event.actor_id == me.id
    assert (event.before, event.after) == ({"mediator": colleague.id}, {"mediator": me.id})
    assert "Took over the case from another mediator" in page(client, f"/cases/{case.id}")


def test_on_ones_own_case_a_reversible_action_does_not_ask(client):
    case = make_case("mediation")
    login(client, case.mediator)
    response = client.post(
        f"/cases/{case.id}/mediation/questions",
        data={"question-party": "seller", "question-text": "When?", "question-hours": "24"},
    )
    assert response.status_code == 302
    assert "case.taken_over" not in actions(case)


def test_the_decision_on_a_colleagues_case_warns_too(client):
    case = make_case("mediation")
    login(client, make_user(roles=(Role.MEDIATOR,)))
    html = text_of(client.post(decision_url(case), data=DECISION))
    assert f"This case is {case.mediator.display_name}'s." in html
    assert "Decide the case, binding on both sides" in html


# The parties' irreversible actions


def test_the_seller_accepts_the_claim_after_confirming(client):
    case = make_case("awaiting_seller")
    login(client, case.seller)
    url = f"/cases/{case.id}/answer/accept"

    asked = client.post(url)

    html = text_of(asked)
    assert asked.status_code == 200
    assert "Accept the buyer's claim as filed: Full refund." in html
    assert reload(case).current_state is CaseState.AWAITING_SELLER
    assert confirmed(client, url, asked).status_code == 302
    assert reload(case).current_state is CaseState.EXECUTING


def test_withdrawing_asks_on_the_same_step_and_a_stale_one_is_asked_again(client):
    case = make_case("filed")
    login(client, case.buyer)
    url = f"/cases/{case.id}/withdraw"
    html = page(client, url)
    assert "Withdraw your case: it is closed for good." in html
    assert "This cannot be undone." in html

    stale = MultiDict([("seen", "an-older-case"), ("confirmed", "yes")])
    assert client.post(url, data=stale).status_code == 409
    assert reload(case).current_state is CaseState.FILED

    assert post_confirmed(client, url).status_code == 302
    assert reload(case).current_state is CaseState.CLOSED


def test_accepting_a_proposal_asks_first(client):
    case = make_case("proposal")
    login(client, case.buyer)
    url = f"/cases/{case.id}/proposal/accept"
    asked = client.post(url)
    assert "neither side can appeal a settlement" in text_of(asked)
    assert reload(case).current_state is CaseState.PROPOSAL
    assert confirmed(client, url, asked).status_code == 302
    proposal = db.session.scalar(select(SettlementProposal))
    assert proposal.buyer_answer == "accepted"


def test_a_confirmation_of_a_superseded_proposal_is_asked_again(client):
    case = make_case("proposal")
    login(client, case.buyer)
    url = f"/cases/{case.id}/proposal/accept"
    asked = client.post(url)
    mediation.propose_settlement(
        reload(case),
        case.mediator,
        mediation.Settlement(mediation.Remedy.FULL_REFUND, None, "All."),
    )
    db.session.flush()

    assert confirmed(client, url, asked).status_code == 409
    assert [p.buyer_answer for p in db.session.scalars(select(SettlementProposal))] == [None] * 2


def test_the_reviewers_vote_asks_first_and_is_cast_once_confirmed(client):
    case = make_case("mediation")
    reviewer = make_user(name="Reviewer Rosa")
    seat = seat_for(make_panel(case), reviewer)
    login(client, reviewer)
    url = f"/review/seats/{seat.id}/vote"
    ballot = {"option": "0", "reason": "The photos show the crack was there before delivery."}

    asked = client.post(url, data=ballot)

    assert asked.status_code == 200
    assert "Vote for: Decide for the buyer: full refund of ¥199.00." in text_of(asked)
    assert db.session.scalar(select(Vote)) is None
    assert confirmed(client, url, asked).status_code == 302
    assert db.session.scalar(select(Vote)).option == "grant:full_refund:19900"


def test_an_appeal_asks_first(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "DECISION_APPEAL_TO", "mediator")
    case = make_case(
        "decided",
        settlement=mediation.Settlement(
            mediation.Remedy.CLAIM_REJECTED, None, "The courier's photo shows it intact."
        ),
    )
    make_user(roles=(Role.MEDIATOR,))  # the second mediator who hears it
    login(client, case.buyer)
    url = f"/cases/{case.id}/appeal"
    asked = client.post(url, data={"reason": "The courier's photo was taken at another address."})
    html = text_of(asked)
    assert "A second mediator, who has not handled the case before, decides it again." in html
    assert db.session.scalar(select(Appeal)) is None
    assert confirmed(client, url, asked).status_code == 302
    assert reload(case).current_state is CaseState.MEDIATION


# The reason for rejecting a proposal


def reject(client, case, reason: str):
    return post_confirmed(client, f"/cases/{case.id}/proposal/reject", {"reject-reason": reason})


def test_the_rejecting_partys_reason_reaches_the_mediator_the_other_side_and_the_trail(client):
    case = make_case("proposal")
    login(client, case.seller)
    asked = client.post(f"/cases/{case.id}/proposal/reject", data={"reject-reason": REJECTION})
    assert "The mediator and the other side read your reason." in text_of(asked)

    assert reject(client, case, REJECTION).status_code == 302

    assert reload(case).current_state is CaseState.MEDIATION
    assert db.session.scalar(select(SettlementProposal)).rejection_reason == REJECTION
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "proposal.answered"))
    assert event.after["reason"] == REJECTION
    as_user(client, case.buyer)
    html = text_of(client.get(f"/cases/{case.id}"))
    assert "The seller rejected the mediator's proposal (Partial refund)." in html
    assert REJECTION in html
    as_user(client, case.mediator)
    html = text_of(client.get(f"/cases/{case.id}"))
    form = html.split('id="propose"', 1)[1].split("</form>", 1)[0]
    assert "The seller rejected the last proposal." in form and REJECTION in form


def test_a_rejection_without_a_reason_says_none_was_given(client):
    case = make_case("proposal")
    login(client, case.buyer)
    assert reject(client, case, "  ").status_code == 302
    as_user(client, case.mediator)
    html = text_of(client.get(f"/cases/{case.id}"))
    assert "The buyer rejected the last proposal." in html and "No reason was given." in html


def test_a_too_long_reason_is_refused_beside_it_and_nothing_changes(client):
    case = make_case("proposal")
    login(client, case.seller)
    response = client.post(f"/cases/{case.id}/proposal/reject", data={"reject-reason": "x" * 1001})
    assert response.status_code == 400
    assert "at most 1000" in field_error(response.get_data(as_text=True), "reject-reason")
    assert reload(case).current_state is CaseState.PROPOSAL


def test_the_reason_is_in_the_dossier(evidence_dir):
    case = make_case("proposal")
    mediation.answer_proposal(case, case.seller, False, REJECTION)
    case_services.withdraw_case(case, case.buyer)  # a dossier is of a closed case
    db.session.flush()
    with zipfile.ZipFile(io.BytesIO(build_dossier(reload(case)))) as archive:
        text = archive.read("summary.txt").decode()
        html = unescape(archive.read("summary.html").decode())
    for summary in (text, html):
        assert "Proposals rejected" in summary and REJECTION in summary


# The first screen


def test_the_mediators_next_steps_come_before_the_long_reading(client):
    case = make_case("mediation")
    login(client, case.mediator)
    html = page(client, f"/cases/{case.id}")
    steps = html.index('class="next-steps"')
    assert steps < html.index("The claim") < html.index('id="timeline-title"')
    box = html[steps:].split("</section>", 1)[0]
    for anchor in ("#decide", "#propose", "#route-to-panel", "#ask-question"):
        assert f'href="{anchor}"' in box
    assert box.index("#decide") < box.index("#propose")


def test_a_party_with_nothing_to_do_has_no_next_steps_box(client):
    case = make_case("closed")
    login(client, case.buyer)
    assert 'class="next-steps"' not in page(client, f"/cases/{case.id}")


def test_the_confirmation_speaks_chinese(client):
    case = make_case("mediation")
    login(client, case.mediator)
    client.post("/language", data={"locale": "zh_Hans"})
    asked = client.post(decision_url(case), data=DECISION)
    html = text_of(asked)
    assert "此操作无法撤销。" in html and "裁决本案，对双方具有约束力" in html
