"""The mediator's desk and the mediator's work on a case, through the browser's eyes: the
queue and its filters, reassignment, internal notes and the audit trail, questions and their
answers, proposals and the parties' buttons, decisions and referrals to a panel."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from markupsafe import escape
from sqlalchemy import select

from app.auth.models import Role
from app.cases.models import (
    Case,
    EvidenceEntry,
)
from app.cases.states import CaseState
from app.core import clock
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.mediation import views as mediation_views
from app.mediation.models import CaseNote, CaseQuestion, PanelReferral, SettlementProposal
from tests.helpers.case_factories import (
    DECISION_REASONS,
    PROPOSAL_RATIONALE,
    answer_proposal,
    make_case,
)
from tests.helpers.factories import make_case_row, make_reviewers, make_user
from tests.helpers.pages import (
    as_user,
    csrf_token_from,
    field_error,
    login,
    page,
    post_confirmed,
    reload,
)

START = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
NOTE = "Seller has three similar cases this month; check the courier photos."


@pytest.fixture(autouse=True)
def _frozen_clock():
    clock.freeze(START)


def queue_part(html: str) -> str:
    return html.split('id="queue-title"', 1)[1]


def queue_row(html: str, case: Case) -> str:
    match = re.search(rf'id="queue-case-{case.id}".*?</tr>', html, re.S)
    assert match, f"case {case.id} is not in the queue"
    return match.group(0)


def queued(html: str, *cases: Case) -> list[bool]:
    return [f'id="queue-case-{case.id}"' in html for case in cases]


def open_case_row(state: str, severity: str = "important", claim_type: str | None = None, **fields):
    """A case row in ``state`` with the severity and claim type the queue sorts and filters by."""
    case = make_case_row(state=state, **fields)
    case.severity = severity
    case.claim_type = claim_type or case.claim_type
    db.session.flush()
    return case


def mediator_section(html: str) -> str:
    return html.split('id="mediator-title"', 1)[1]


# The queue


def test_the_queue_lists_every_open_case_urgent_first_then_nearest_deadline(client):
    now = clock.now()
    general_soon = open_case_row("evidence", severity="general", deadline_at=now + HOUR)
    important_late = open_case_row("mediation", severity="important", deadline_at=now + 30 * HOUR)
    important_soon = open_case_row(
        "awaiting_seller", severity="important", deadline_at=now + 2 * HOUR
    )
    urgent_no_deadline = open_case_row("panel", severity="urgent")
    urgent_later = open_case_row("proposal", severity="urgent", deadline_at=now + 40 * HOUR)
    closed = open_case_row("closed", closed_reason="withdrawn")
    login(client, make_user(roles=(Role.MEDIATOR,)))

    queue = queue_part(page(client, "/mediation/"))

    expected = [urgent_later, urgent_no_deadline, important_soon, important_late, general_soon]
    positions = [queue.index(f'id="queue-case-{case.id}"') for case in expected]
    assert positions == sorted(positions)
    assert f'id="queue-case-{closed.id}"' not in queue
    assert "Settlement proposed" in queue_row(queue, urgent_later)
    assert "With a reviewer panel" in queue_row(queue, urgent_no_deadline)
    assert "Unassigned" in queue_row(queue, general_soon)


def test_the_queue_keeps_the_intake_section_for_filed_cases(client):
    filed = make_case("filed")
    evidence = make_case("evidence")
    login(client, filed.mediator or make_user(roles=(Role.MEDIATOR,)))

    html = page(client, "/mediation/")

    intake, queue = html.split('id="queue-title"', 1)
    assert "Waiting for intake" in intake
    assert f'href="/cases/{filed.id}"' in intake and f'href="/cases/{evidence.id}"' not in intake
    assert queued(queue, filed, evidence) == [True, True]


def test_the_intake_list_shows_the_most_urgent_and_oldest_and_says_how_many_wait(
    client, monkeypatch
):
    monkeypatch.setattr(mediation_views, "QUEUE_PAGE_SIZE", 2)
    now = clock.now()
    newest = open_case_row("filed", severity="general", filed_at=now - HOUR, deadline_at=now + HOUR)
    oldest = open_case_row(
        "filed", severity="general", filed_at=now - 5 * HOUR, deadline_at=now + HOUR
    )
    urgent = open_case_row("filed", severity="urgent", filed_at=now, deadline_at=now + HOUR)
    login(client, make_user(roles=(Role.MEDIATOR,)))

    intake = page(client, "/mediation/").split('id="queue-title"', 1)[0]

    assert [f'href="/cases/{c.id}"' in intake for c in (urgent, oldest, newest)] == [
        True,
        True,
        False,
    ]
    assert intake.index(f'href="/cases/{urgent.id}"') < intake.index(f'href="/cases/{oldest.id}"')
    assert "The 2 most urgent of 3 cases waiting for intake" in intake


def test_the_queue_filters_by_mediator_claim_type_and_overdue(client):
    me, colleague = (make_user(roles=(Role.MEDIATOR,)) for _ in range(2))
    now = clock.now()
    mine = open_case_row("mediation", mediator_id=me.id, deadline_at=now + HOUR)
    theirs = open_case_row("evidence", mediator_id=colleague.id, deadline_at=now + HOUR)
    nobodys = open_case_row("awaiting_seller", deadline_at=now + HOUR)
    counterfeit = open_case_row("evidence", claim_type="counterfeit", mediator_id=colleague.id)
    overdue = open_case_row("mediation", mediator_id=colleague.id, deadline_at=now - HOUR)
    cases = (mine, theirs, nobodys, counterfeit, overdue)
    login(client, me)

    form = page(client, "/mediation/")
    assert re.search(r'<form method="get" action="/mediation/"', form)
    assert 'name="assigned"' in form and 'name="claim_type"' in form and 'name="overdue"' in form
    assert queued(form, *cases) == [True] * 5

    def shown(query: str) -> list[bool]:
        return queued(queue_part(page(client, f"/mediation/?{query}")), *cases)

    assert shown("assigned=mine") == [True, False, False, False, False]
    assert shown("assigned=unassigned") == [False, False, True, False, False]
    assert shown("claim_type=counterfeit") == [False, False, False, True, False]
    assert shown("overdue=y") == [False, False, False, False, True]
    assert shown("assigned=mine&overdue=y") == [False] * 5
    # a filter the form does not offer is ignored rather than an error
    assert shown("claim_type=nonsense") == [True] * 5


def test_overdue_deadlines_are_flagged_and_missed_slas_named(client):
    now = clock.now()
    intake_late = open_case_row("filed", deadline_at=now - HOUR)
    mediator_late = open_case_row("mediation", deadline_at=now - HOUR)
    sweep_pending = open_case_row("evidence", deadline_at=now - HOUR)
    in_time = open_case_row("mediation", deadline_at=now + 5 * HOUR)
    login(client, make_user(roles=(Role.MEDIATOR,)))

    queue = queue_part(page(client, "/mediation/"))

    assert "SLA missed" in queue_row(queue, intake_late)
    assert "SLA missed" in queue_row(queue, mediator_late)
    row = queue_row(queue, sweep_pending)
    assert "Overdue" in row and "SLA missed" not in row
    row = queue_row(queue, in_time)
    assert "5 hours left" in row and "overdue" not in row.lower()


def test_the_queue_is_paginated_and_the_pages_keep_the_filters(client, monkeypatch):
    monkeypatch.setattr(mediation_views, "QUEUE_PAGE_SIZE", 2)
    now = clock.now()
    cases = [
        open_case_row("evidence", claim_type="counterfeit", deadline_at=now + n * HOUR)
        for n in range(1, 4)
    ]
    open_case_row("evidence", deadline_at=now)
    login(client, make_user(roles=(Role.MEDIATOR,)))

    first = queue_part(page(client, "/mediation/?claim_type=counterfeit"))
    second = queue_part(page(client, "/mediation/?claim_type=counterfeit&page=2"))

    assert queued(first, *cases) == [True, True, False]
    assert queued(second, *cases) == [False, False, True]
    assert "Page 1 of 2" in first
    assert 'href="/mediation/?page=2&amp;claim_type=counterfeit"' in first


def test_only_staff_reach_the_desk(client):
    case = make_case("mediation")
    assert client.get("/mediation/").status_code == 302  # to log in
    login(client, case.buyer)
    assert client.get("/mediation/").status_code == 403
    as_user(client, make_user(roles=(Role.ADMIN,)))
    assert client.get("/mediation/").status_code == 200


# Reassigning


def test_an_admin_reassigns_a_case_from_the_queue(client):
    case = make_case("mediation")
    colleague = make_user(name="Mediator Qian", roles=(Role.MEDIATOR,))
    admin = make_user(roles=(Role.ADMIN,))
    login(client, admin)
    html = page(client, "/mediation/?assigned=")
    row = queue_row(html, case)
    assert f'action="/mediation/cases/{case.id}/reassign' in row
    assert f'<option value="{case.mediator_id}" selected>' in row

    response = client.post(
        f"/mediation/cases/{case.id}/reassign?claim_type=damaged_in_transit",
        data={"mediator": colleague.id},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/mediation/?claim_type=damaged_in_transit"
    assert reload(case).mediator_id == colleague.id
    assert "is now handled by Mediator Qian" in page(client, "/mediation/")
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "case.reassigned")
    ).one()
    assert event.actor_id == admin.id and event.after == {"mediator": colleague.id}


def test_a_mediator_cannot_reassign_and_sees_no_reassign_form(client):
    case = make_case("mediation")
    colleague = make_user(roles=(Role.MEDIATOR,))
    login(client, case.mediator)
    assert "/reassign" not in page(client, "/mediation/")
    response = client.post(f"/mediation/cases/{case.id}/reassign", data={"mediator": colleague.id})
    assert response.status_code == 403
    assert reload(case).mediator_id != colleague.id


def test_reassigning_to_someone_who_is_not_an_on_duty_mediator_is_refused(client):
    case = make_case("mediation")
    before = case.mediator_id
    login(client, make_user(roles=(Role.ADMIN,)))
    response = client.post(f"/mediation/cases/{case.id}/reassign", data={"mediator": case.buyer_id})
    assert response.status_code == 302
    assert reload(case).mediator_id == before
    assert "Choose an on-duty mediator from the list." in page(client, "/mediation/")


# Notes and the audit trail: staff only


def test_internal_notes_are_shown_to_staff_and_never_to_the_parties(client):
    case = make_case("mediation")
    login(client, case.mediator)

    response = client.post(f"/cases/{case.id}/mediation/notes", data={"note-text": NOTE})

    assert response.status_code == 302 and response.headers["Location"] == f"/cases/{case.id}"
    note = db.session.scalars(select(CaseNote).where(CaseNote.case_id == case.id)).one()
    assert note.author_id == case.mediator_id
    html = page(client, f"/cases/{case.id}")
    assert NOTE in mediator_section(html) and "Mediator Zhou" in mediator_section(html)
    as_user(client, make_user(roles=(Role.ADMIN,)))
    assert NOTE in page(client, f"/cases/{case.id}")
    for party in (case.buyer, case.seller):
        as_user(client, party)
        html = page(client, f"/cases/{case.id}")
        assert NOTE not in html
        assert "Internal notes" not in html and "Audit trail" not in html
        assert "/mediation/notes" not in html


def test_an_empty_note_is_refused_beside_the_text(client):
    case = make_case("mediation")
    login(client, case.mediator)
    response = client.post(f"/cases/{case.id}/mediation/notes", data={"note-text": "  "})
    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "note-text") == "Write the note."


def test_the_audit_trail_shows_each_event_newest_first_with_who_did_it(client):
    case = make_case("mediation")
    login(client, case.mediator)

    trail = page(client, f"/cases/{case.id}").split('id="audit-title"', 1)[1]

    rows = re.findall(
        r"<tr>\s*<td[^>]*><time[^>]*>[^<]*</time></td>\s*<td[^>]*>(.*?)</td>\s*<td[^>]*>(.*?)</td>",
        trail,
        re.S,
    )
    events = [(text_of(who), text_of(what)) for who, what in rows]
    assert events == [
        ("system", "The evidence window closed → new state: With the mediator"),
        ("Wang Wei", "Added evidence"),
        ("Wang Wei", "Contested the claim → new state: Collecting evidence"),
        ("Mediator Zhou", "Accepted the case at intake → new state: Waiting for the seller"),
        ("Li Na", "Opened the case → new state: Filed"),
    ]


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# Questions


def test_the_mediator_asks_a_party_who_answers_through_the_form(client):
    case = make_case("mediation")
    login(client, case.mediator)
    form = page(client, f"/cases/{case.id}")
    assert 'name="question-hours"' in form and 'value="48"' in form  # QUESTION_DEFAULT_HOURS

    response = client.post(
        f"/cases/{case.id}/mediation/questions",
        data={
            "question-party": "seller",
            "question-text": "Do you have the courier's receipt with a photo?",
            "question-hours": "24",
        },
    )

    assert response.status_code == 302
    question = db.session.scalars(select(CaseQuestion)).one()
    assert question.party == "seller" and question.due_at == clock.now() + 24 * HOUR
    assert "Do you have the courier" in mediator_section(page(client, f"/cases/{case.id}"))
    as_user(client, case.buyer)
    assert "Do you have the courier" not in page(client, f"/cases/{case.id}")

    as_user(client, case.seller)
    html = page(client, f"/cases/{case.id}")
    assert "Questions from the mediator" in html and "Do you have the courier" in html
    url = f"/cases/{case.id}/questions/{question.id}/answer"
    assert f'action="{url}#' in html
    clock.advance(3 * HOUR)
    response = client.post(url, data={f"answer-{question.id}-text": "Yes: receipt SF-77, photo."})

    assert response.status_code == 302
    db.session.expire_all()
    entry = db.session.get(EvidenceEntry, question.answer_entry_id)
    assert (entry.party, entry.text, entry.is_late) == (
        "seller",
        "Yes: receipt SF-77, photo.",
        False,
    )
    html = page(client, f"/cases/{case.id}")
    timelines = html.split('id="timeline-title"', 1)[1]
    assert "Yes: receipt SF-77, photo." in timelines and "Late evidence" not in timelines
    assert "Answered" in html and f'action="{url}#' not in html
    assert client.post(url, data={f"answer-{question.id}-text": "Again."}).status_code == 403
    as_user(client, case.mediator)
    assert "No question is waiting for an answer." in page(client, f"/cases/{case.id}")


def test_only_the_side_asked_may_answer_and_an_empty_answer_is_refused(client):
    case = make_case("mediation")
    login(client, case.mediator)
    client.post(
        f"/cases/{case.id}/mediation/questions",
        data={
            "question-party": "buyer",
            "question-text": "When did it arrive?",
            "question-hours": "48",
        },
    )
    question = db.session.scalars(select(CaseQuestion)).one()
    url = f"/cases/{case.id}/questions/{question.id}/answer"

    as_user(client, case.seller)
    assert client.post(url, data={f"answer-{question.id}-text": "Monday."}).status_code == 403
    as_user(client, case.buyer)
    response = client.post(url, data={f"answer-{question.id}-text": ""})
    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), f"answer-{question.id}-text") == (
        "Write your answer."
    )
    other = make_case("mediation")  # days pass on the clock while it is made
    as_user(client, case.buyer)
    assert client.post(f"/cases/{other.id}/questions/{question.id}/answer").status_code == 404


def test_hours_to_answer_out_of_range_are_refused_beside_the_field(client):
    case = make_case("mediation")
    login(client, case.mediator)
    data = {"question-party": "buyer", "question-text": "When?", "question-hours": "0"}
    response = client.post(f"/cases/{case.id}/mediation/questions", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert field_error(html, "question-hours") == "Give between 1 hour and 14 days to answer."
    assert "When?" in html  # the form keeps what was typed


# Proposals


def propose(client, case, **overrides):
    data = {
        "proposal-outcome": "partial_refund",
        "proposal-amount": "50.00",
        "proposal-rationale": PROPOSAL_RATIONALE,
    } | overrides
    return client.post(f"/cases/{case.id}/mediation/proposal", data=data)


def test_both_parties_accept_a_proposal_through_the_buttons(client):
    case = make_case("mediation")
    login(client, case.mediator)
    assert propose(client, case).status_code == 302
    assert reload(case).current_state is CaseState.PROPOSAL

    as_user(client, case.buyer)
    html = page(client, f"/cases/{case.id}")
    proposal = html.split('id="proposal-title"', 1)[1]
    assert "Partial refund" in proposal and "¥50.00" in proposal and PROPOSAL_RATIONALE in proposal
    assert "2 days left" in proposal and proposal.count("Not answered yet") == 2
    assert "Seller: Refund the buyer" in proposal
    assert post_confirmed(client, f"/cases/{case.id}/proposal/accept").status_code == 302

    html = page(client, f"/cases/{case.id}")
    assert "You accepted the proposal." in html
    assert f'action="/cases/{case.id}/proposal/accept"' not in html
    assert client.post(f"/cases/{case.id}/proposal/accept").status_code == 403  # answered
    as_user(client, case.seller)
    proposal = page(client, f"/cases/{case.id}").split('id="proposal-title"', 1)[1]
    assert re.search(r"The buyer's answer</dt>\s*<dd>Accepted</dd>", proposal)
    assert post_confirmed(client, f"/cases/{case.id}/proposal/accept").status_code == 302

    case = reload(case)
    assert case.current_state is CaseState.EXECUTING and case.outcome == "settled"
    assert case.decision_amount_fen == 5000
    html = page(client, f"/cases/{case.id}")
    assert "Both sides accepted the mediator's proposal." in html
    assert "Carrying out the decision" in html


def test_one_rejection_sends_the_case_back_to_the_mediator(client):
    case = make_case("proposal")
    login(client, case.seller)
    assert post_confirmed(client, f"/cases/{case.id}/proposal/reject").status_code == 302
    case = reload(case)
    assert case.current_state is CaseState.MEDIATION
    html = page(client, f"/cases/{case.id}")
    assert "You rejected the proposal" in html and 'id="proposal-title"' not in html
    as_user(client, case.buyer)
    assert client.post(f"/cases/{case.id}/proposal/accept").status_code == 403


def test_a_second_proposal_supersedes_the_first(client):
    case = make_case("proposal")
    answer_proposal(case, "buyer", True)
    login(client, case.mediator)
    html = page(client, f"/cases/{case.id}")
    assert "A new proposal replaces the open one." in html

    response = propose(
        client,
        case,
        **{
            "proposal-outcome": "full_refund",
            "proposal-amount": "",
            "proposal-rationale": "Refund it all.",
        },
    )

    assert response.status_code == 302
    proposals = db.session.scalars(select(SettlementProposal).order_by(SettlementProposal.id)).all()
    assert [p.status for p in proposals] == ["superseded", "open"]
    assert reload(case).current_state is CaseState.PROPOSAL
    as_user(client, case.buyer)
    proposal = page(client, f"/cases/{case.id}").split('id="proposal-title"', 1)[1]
    assert "Full refund" in proposal and "¥199.00" in proposal and "Refund it all." in proposal
    assert PROPOSAL_RATIONALE not in proposal
    assert f'action="/cases/{case.id}/proposal/accept"' in proposal  # asked again


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"proposal-amount": "199.01"},
            "proposal-amount",
            "Give an amount above zero and at most the order&#39;s total.",
        ),
        ({"proposal-amount": "12.345"}, "proposal-amount", "Use at most two decimal places (fen)."),
        ({"proposal-amount": "abc"}, "proposal-amount", "Enter an amount in yuan, such as 12.50."),
        (
            {"proposal-amount": ""},
            "proposal-amount",
            "Give an amount above zero and at most the order&#39;s total.",
        ),
        ({"proposal-outcome": "replacement"}, "proposal-amount", "This outcome takes no amount."),
        ({"proposal-rationale": "   "}, "proposal-rationale", "Explain the reasons."),
    ],
)
def test_a_wrong_proposal_is_shown_again_with_the_message_beside_its_field(
    client, data, field, message
):
    case = make_case("mediation")
    login(client, case.mediator)
    response = propose(client, case, **data)
    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), field) == message
    assert reload(case).current_state is CaseState.MEDIATION


# Decisions and panels


def test_the_mediator_decides_with_reasons_the_parties_can_read(client):
    case = make_case("mediation")
    login(client, case.mediator)
    response = post_confirmed(
        client,
        f"/cases/{case.id}/mediation/decision",
        {
            "decision-outcome": "compensation",
            "decision-amount": "30",
            "decision-rationale": DECISION_REASONS,
        },
    )

    assert response.status_code == 302
    case = reload(case)
    assert case.current_state is CaseState.DECIDED and case.decision_amount_fen == 3000
    assert case.decision_reasons == DECISION_REASONS
    for party in (case.buyer, case.seller):
        as_user(client, party)
        decision = page(client, f"/cases/{case.id}").split("<h2>Decision</h2>", 1)[1]
        assert "Decided for the buyer" in decision and "The mediator decided." in decision
        assert "Compensation" in decision and "¥30.00" in decision
        assert "Reasons" in decision and escape(DECISION_REASONS) in decision


def test_a_claim_rejected_decision_is_for_the_seller(client):
    case = make_case("mediation")
    login(client, case.mediator)
    post_confirmed(
        client,
        f"/cases/{case.id}/mediation/decision",
        {"decision-outcome": "claim_rejected", "decision-rationale": "No damage shown."},
    )
    case = reload(case)
    assert case.current_state is CaseState.DECIDED and case.outcome == "for_seller"
    assert "Claim rejected" in page(client, f"/cases/{case.id}")


def test_a_decision_without_reasons_is_refused_beside_them(client):
    case = make_case("mediation")
    login(client, case.mediator)
    response = client.post(
        f"/cases/{case.id}/mediation/decision",
        data={"decision-outcome": "full_refund", "decision-rationale": ""},
    )
    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "decision-rationale") == (
        "Explain the reasons."
    )


def test_the_mediator_routes_a_case_to_a_panel_with_a_ballot_made_from_the_claim(app, client):
    case = make_case("mediation")  # the claim: a full refund of the order's ¥199.00
    make_reviewers(app.config["PANEL_SEATS"])
    login(client, case.mediator)
    html = page(client, f"/cases/{case.id}")
    assert re.search(
        r'class="ballot-options"><li>Decide for the buyer: full refund of ¥199.00</li>'
        r"<li>Decide for the seller: reject the claim</li>",
        html,
    )

    response = client.post(
        f"/cases/{case.id}/mediation/panel",
        data={
            "panel-summary": "A cracked earbud; each side blames the other.",
            "panel-question": "Was it damaged before delivery?",
            "panel-partial_amount": "50",
        },
    )

    assert response.status_code == 302
    assert reload(case).current_state is CaseState.PANEL
    referral = db.session.scalars(select(PanelReferral)).one()
    assert referral.options == ["grant:full_refund:19900", "partial:partial_refund:5000", "reject"]
    section = mediator_section(page(client, f"/cases/{case.id}"))
    assert "Sent to a reviewer panel" in section and "Was it damaged before delivery?" in section
    assert "Decide for the buyer in part: partial refund of ¥50.00" in section
    assert f'action="/cases/{case.id}/mediation/panel#' not in section


def test_without_a_partial_amount_the_ballot_grants_or_rejects_the_claim(app, client):
    case = make_case("mediation")
    make_reviewers(app.config["PANEL_SEATS"])
    login(client, case.mediator)
    response = client.post(
        f"/cases/{case.id}/mediation/panel",
        data={"panel-summary": "S.", "panel-question": "Q?", "panel-partial_amount": ""},
    )
    assert response.status_code == 302
    assert db.session.scalars(select(PanelReferral)).one().options == [
        "grant:full_refund:19900",
        "reject",
    ]


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("abc", "Enter an amount in yuan, such as 12.50."),
        ("0", "Give an amount above zero and below what the buyer claims."),
        ("199.00", "Give an amount above zero and below what the buyer claims."),
    ],
)
def test_a_partial_option_is_part_of_the_claim(client, amount, message):
    case = make_case("mediation")
    login(client, case.mediator)
    response = client.post(
        f"/cases/{case.id}/mediation/panel",
        data={"panel-summary": "S.", "panel-question": "Q?", "panel-partial_amount": amount},
    )
    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "panel-partial_amount") == message
    assert reload(case).current_state is CaseState.MEDIATION


def test_reopening_the_evidence_window_lets_both_sides_add_evidence_again(client):
    case = make_case("mediation")
    login(client, case.mediator)
    assert client.post(f"/cases/{case.id}/mediation/reopen-evidence").status_code == 302
    assert reload(case).current_state is CaseState.EVIDENCE
    assert "The evidence window is open again" in page(client, f"/cases/{case.id}")


# Who sees which of the mediator's actions


MEDIATOR_ACTIONS = {
    "note": "/mediation/notes",
    "question": "/mediation/questions",
    "reopen": "/mediation/reopen-evidence",
    "propose": "/mediation/proposal",
    "decide": "/mediation/decision",
    "panel": "/mediation/panel",
}


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("awaiting_seller", {"note", "question"}),
        ("evidence", {"note", "question"}),
        ("mediation", {"note", "question", "reopen", "propose", "decide", "panel"}),
        ("proposal", {"note", "question", "propose"}),
        ("panel", {"note", "question"}),
        ("decided", {"note"}),
        ("executing", {"note"}),
        ("closed_completed", {"note"}),
    ],
)
def test_the_mediator_sees_the_actions_of_the_state(client, state, expected):
    case = make_case(state)
    login(client, case.mediator)
    html = page(client, f"/cases/{case.id}")
    shown = {name for name, path in MEDIATOR_ACTIONS.items() if f"/cases/{case.id}{path}" in html}
    assert shown == expected


def test_an_admin_reads_notes_and_the_trail_but_has_no_mediator_actions(client):
    case = make_case("mediation")
    login(client, make_user(roles=(Role.ADMIN,)))
    html = page(client, f"/cases/{case.id}")
    assert "Internal notes" in html and "Audit trail" in html
    assert f"/cases/{case.id}/mediation/notes" in html
    assert f"/cases/{case.id}/mediation/proposal" not in html
    assert client.post(f"/cases/{case.id}/mediation/decision").status_code == 403


def test_the_case_page_for_staff_has_no_inline_script_or_style(client):
    case = make_case("proposal")
    login(client, case.mediator)
    html = page(client, f"/cases/{case.id}")
    assert "<script>" not in html and "<style" not in html and " style=" not in html
    assert 'data-depends-on="proposal-outcome"' in html


# With CSRF protection on, as in production


@pytest.mark.usefixtures("csrf_enabled")
def test_the_prefixed_forms_carry_their_token(client):
    case = make_case("mediation")
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    client.post(
        "/login",
        data={
            "email": case.mediator.email,
            "password": "correct horse battery",
            "csrf_token": token,
        },
    )
    html = page(client, f"/cases/{case.id}")
    match = re.search(r'name="proposal-csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, "the proposal form has no token"
    data = {
        "proposal-outcome": "full_refund",
        "proposal-rationale": "Refund it.",
    }

    assert client.post(f"/cases/{case.id}/mediation/proposal", data=data).status_code == 400
    response = client.post(
        f"/cases/{case.id}/mediation/proposal", data=data | {"proposal-csrf_token": match.group(1)}
    )
    assert response.status_code == 302
    assert reload(case).current_state is CaseState.PROPOSAL
