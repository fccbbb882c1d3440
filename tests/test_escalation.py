"""SLAs that escalate: an overdue case's mediator is told, then the admins, and a case whose
mediator is off duty goes to one on duty; each step once, on the case's audit trail."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.auth.models import Role
from app.auth.services import revoke_role
from app.cases import services as case_services
from app.cases.states import (
    Remedy,
    Severity,
)
from app.core import clock
from app.core.extensions import db
from app.execution.services import mark_done, obligations_of
from app.execution.sweeps import sweep_obligations
from app.mediation import services as mediation
from app.mediation.escalation import sweep_escalations
from app.mediation.models import CaseEscalation, MediatorProfile, SlaPhase
from app.mediation.services import Settlement
from app.mediation.sla import overdue_cases
from app.notifications.outbox import OutboxMessage
from app.scheduler.jobs import SWEEPS
from tests.helpers.accounts import mails_to
from tests.helpers.case_factories import PROPOSAL_RATIONALE, make_case, reject_proposal
from tests.helpers.escalation import (
    MINUTE,
    case_in,
    escalation_events,
    escalations_of,
    overdue_from,
)
from tests.helpers.factories import make_user
from tests.helpers.pages import login, page

START = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
PHASES = list(SlaPhase)


@pytest.fixture(autouse=True)
def _frozen_clock():
    clock.freeze(START)


@pytest.fixture
def admins():
    return [make_user(name=f"Admin {n}", roles=(Role.ADMIN,)) for n in (1, 2)]


def grace() -> timedelta:
    return current_app.config["ESCALATION_GRACE"]


def inbox_of(user) -> list[OutboxMessage]:
    return [message for message in mails_to(user) if message.channel == "inbox"]


def overdue_notices(user) -> list[OutboxMessage]:
    return [message for message in inbox_of(user) if "overdue" in message.subject]


def off_duty(mediator) -> None:
    db.session.add(MediatorProfile(user_id=mediator.id, on_duty=False))
    db.session.flush()


@pytest.mark.parametrize("phase", PHASES)
def test_an_overdue_case_tells_its_mediator_then_after_the_grace_every_admin(phase, admins):
    case = case_in(phase)
    mediator = case.mediator
    since = overdue_from(case, phase)

    clock.freeze(since - MINUTE)
    assert sweep_escalations() == 0

    clock.freeze(since)
    assert sweep_escalations() == 1
    assert escalations_of(case.id) == [(phase.value, 1)]
    [told] = overdue_notices(mediator)
    assert told.subject == f"Case #{case.id} is overdue"
    assert told.link == f"/cases/{case.id}"
    assert sorted(m.channel for m in mails_to(mediator) if m.subject == told.subject) == [
        "email",
        "inbox",
    ]
    assert not any(inbox_of(admin) for admin in admins)

    clock.advance(grace() - MINUTE)
    assert sweep_escalations() == 0

    clock.advance(MINUTE)
    assert sweep_escalations() == 1
    assert escalations_of(case.id) == [(phase.value, 1), (phase.value, 2)]
    for admin in admins:
        [message] = inbox_of(admin)
        assert message.subject == f"Case #{case.id} is still overdue"
        assert mediator.display_name in message.body
    assert len(overdue_notices(mediator)) == 1

    clock.advance(timedelta(days=2))
    assert sweep_escalations() == 0
    assert [e.action for e in escalation_events(case.id)] == [
        f"case.escalated.{phase.value}.mediator",
        f"case.escalated.{phase.value}.admins",
    ]
    assert [e.after["level"] for e in escalation_events(case.id)] == [1, 2]


def test_the_mediator_is_told_what_is_overdue_since_when_and_what_to_do():
    case = case_in(SlaPhase.FIRST_ACTION)
    clock.freeze(case.deadline_at)

    sweep_escalations()

    [message] = overdue_notices(case.mediator)
    assert "The mediator's first action has been overdue since" in message.body
    assert "Propose a settlement, decide, or send the case to a panel." in message.body
    assert "the admins are told" in message.body


def test_each_person_is_told_in_their_own_language(admins):
    case = case_in(SlaPhase.INTAKE)
    case.mediator.locale = "zh_Hans"
    clock.freeze(case.deadline_at)

    sweep_escalations()

    # the case's assignment was announced too; the escalation is the message about lateness
    [message] = [m for m in inbox_of(case.mediator) if "逾期" in m.subject]
    assert message.subject == f"案件 #{case.id} 已逾期"
    assert "受理审核" in message.body


@pytest.mark.parametrize("phase", PHASES)
def test_a_case_that_left_the_phase_in_time_is_never_escalated(phase):
    case = case_in(phase)
    since = overdue_from(case, phase)
    leave(case, phase)

    clock.freeze(since + timedelta(days=1))
    sweep_escalations()
    assert [step for step in escalations_of(case.id) if step[0] == phase.value] == []


@pytest.mark.parametrize("phase", PHASES)
def test_a_case_that_leaves_the_phase_after_its_mediator_was_told_goes_no_further(phase, admins):
    case = case_in(phase)
    clock.freeze(overdue_from(case, phase))
    sweep_escalations()

    leave(case, phase)
    clock.advance(grace() + MINUTE)

    assert sweep_escalations() == 0
    assert escalations_of(case.id) == [(phase.value, 1)]
    assert not any(inbox_of(admin) for admin in admins)


def leave(case, phase: SlaPhase) -> None:
    """The person whose turn it is acts (the mediator, the silent side, the debtor)."""
    if phase is SlaPhase.INTAKE:
        case_services.accept_intake(case, case.mediator, Severity.GENERAL)
    elif phase is SlaPhase.FIRST_ACTION:
        mediation.decide(case, case.mediator, Settlement(Remedy.FULL_REFUND, None, "The photos."))
    elif phase is SlaPhase.PROPOSAL_ANSWER:
        reject_proposal(case, "seller")
    elif obligations_of(case)[0].due_at > clock.now():
        mark_done(obligations_of(case)[0], case.seller, "Refunded, reference RF-1.", None)
    else:
        sweep_obligations()  # the missed refund is enforced
    db.session.flush()


def test_each_new_spell_of_lateness_escalates_afresh():
    """A case back in mediation after a rejected proposal has a new first-action deadline."""
    case = case_in(SlaPhase.FIRST_ACTION)
    clock.freeze(case.deadline_at)
    sweep_escalations()
    half = Settlement(Remedy.PARTIAL_REFUND, case.order.amount_fen // 2, PROPOSAL_RATIONALE)
    mediation.propose_settlement(case, case.mediator, half)
    reject_proposal(case, "buyer")

    clock.freeze(case.deadline_at)
    assert sweep_escalations() == 1

    assert escalations_of(case.id) == [("first_action", 1), ("first_action", 1)]
    assert len(overdue_notices(case.mediator)) == 2


# Reassignment


def locked(mediator) -> None:
    mediator.disabled_at = clock.now()
    db.session.flush()


def no_longer_a_mediator(mediator) -> None:
    revoke_role(mediator, Role.MEDIATOR, revoked_by=None)
    db.session.flush()


@pytest.mark.parametrize("gone", [off_duty, locked, no_longer_a_mediator])
def test_an_overdue_case_whose_mediator_is_off_duty_goes_to_one_on_duty(admins, gone):
    case = case_in(SlaPhase.FIRST_ACTION)
    away = case.mediator
    gone(away)
    on_duty = make_user(name="Mediator Qian", roles=(Role.MEDIATOR,))
    clock.freeze(case.deadline_at)

    assert sweep_escalations() == 1

    db.session.refresh(case)
    assert case.mediator_id == on_duty.id
    assert [e.action for e in escalation_events(case.id)] == [
        "case.overdue_reassigned",
        "case.escalated.first_action.mediator",
    ]
    [reassigned, _escalated] = escalation_events(case.id)
    assert (reassigned.before, reassigned.after["mediator"]) == ({"mediator": away.id}, on_duty.id)
    [message] = inbox_of(on_duty)
    assert message.subject == f"Case #{case.id} is now yours, and overdue"
    assert "Its mediator is off duty, so the case was given to you." in message.body
    assert overdue_notices(away) == []
    assert not any(inbox_of(admin) for admin in admins)


def test_a_mediator_who_goes_off_duty_after_being_told_hands_the_case_on_at_the_next_step(
    admins,
):
    case = case_in(SlaPhase.INTAKE)
    first = case.mediator
    clock.freeze(case.deadline_at)
    sweep_escalations()
    off_duty(first)
    second = make_user(name="Mediator Qian", roles=(Role.MEDIATOR,))

    clock.advance(grace())
    assert sweep_escalations() == 1

    db.session.refresh(case)
    assert case.mediator_id == second.id
    [message] = inbox_of(second)
    assert message.subject == f"Case #{case.id} is now yours, and overdue"
    for admin in admins:
        [alert] = inbox_of(admin)
        assert "Mediator Qian" in alert.body


def test_with_no_mediator_on_duty_the_admins_are_told_at_once(admins):
    case = case_in(SlaPhase.FIRST_ACTION)
    away = case.mediator
    off_duty(away)
    clock.freeze(case.deadline_at)

    sweep_escalations()

    db.session.refresh(case)
    assert case.mediator_id == away.id
    assert [e.action for e in escalation_events(case.id)] == ["case.escalated.first_action.admins"]
    for admin in admins:
        [alert] = inbox_of(admin)
        assert alert.subject == f"Case #{case.id} is overdue"
        assert "No mediator on duty has it: give it to one." in alert.body
    assert overdue_notices(away) == []


def test_an_admin_who_is_a_party_is_not_told_of_their_own_case(admins):
    seller_admin = make_user(name="Admin Seller", roles=(Role.ADMIN,), shop_name="Admin's Shop")
    case = case_in(SlaPhase.FIRST_ACTION, seller=seller_admin)
    clock.freeze(case.deadline_at)
    sweep_escalations()
    clock.advance(grace())

    sweep_escalations()

    assert overdue_notices(seller_admin) == []
    assert all(overdue_notices(admin) for admin in admins)


# What the desk reads, the trail shows, and the scheduler runs


def test_the_sla_rule_answers_which_cases_are_overdue_in_which_phase_since_when():
    # made in this order, no case's making moves an earlier one on through a timer
    order = (SlaPhase.EXECUTION, SlaPhase.INTAKE, SlaPhase.FIRST_ACTION, SlaPhase.PROPOSAL_ANSWER)
    cases = {phase: case_in(phase) for phase in order}
    times = {phase: overdue_from(case, phase) for phase, case in cases.items()}
    clock.freeze(max(times.values()))

    found = overdue_cases(clock.now())

    assert [(o.case_id, o.phase, o.since) for o in found] == sorted(
        ((cases[phase].id, phase, times[phase]) for phase in PHASES), key=lambda row: row[2]
    )
    assert overdue_cases(min(times.values()) - MINUTE) == []


def test_the_audit_trail_shows_each_step_in_words(client, admins):
    case = make_case("mediation")
    off_duty(case.mediator)
    on_duty = make_user(name="Mediator Qian", roles=(Role.MEDIATOR,))
    clock.freeze(case.deadline_at)
    sweep_escalations()
    clock.advance(grace())
    sweep_escalations()
    login(client, on_duty)

    trail = page(client, f"/cases/{case.id}").split('id="audit-title"', 1)[1]

    rows = re.findall(
        r"<td[^>]*>(?:<em>)?system(?:</em>)?</td>\s*<td[^>]*>\s*(.*?)\s*</td>", trail, re.S
    )
    assert [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows[:3]] == [
        "First action overdue: the admins were told",
        "First action overdue: the mediator was told",
        "Overdue with its mediator off duty: given to a mediator on duty",
    ]


def test_the_scheduler_runs_the_escalation_sweep_at_its_configured_interval(app):
    [sweep] = [sweep for sweep in SWEEPS if sweep.func is sweep_escalations]
    assert sweep.id == "escalate-overdue-cases"
    assert app.config[sweep.seconds_setting] == 300


def test_a_spell_takes_each_level_once_whoever_writes_it(admins):
    """Two sweeps that both read the case before either wrote its step both try to write the
    same step: the database refuses the second."""
    case = case_in(SlaPhase.INTAKE)
    clock.freeze(case.deadline_at)
    sweep_escalations()
    [step] = db.session.scalars(select(CaseEscalation)).all()

    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(
            CaseEscalation(
                case_id=case.id,
                phase=step.phase,
                level=step.level,
                measured_from=step.measured_from,
                overdue_since=step.overdue_since,
            )
        )
