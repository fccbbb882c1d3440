"""Whose turn it is while a decision is carried out (``app.cases.turns``): the side that
owes an open step does it; the other side confirms or disputes a step marked done; the
mediator settles a disputed one."""

from collections import defaultdict
from collections.abc import Mapping

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.cases.models import Case
from app.cases.states import Party
from app.cases.turns import NOBODY, Turn, Waiting
from app.core.extensions import db
from app.execution.models import Obligation, ObligationStatus

LIVE_STATUSES = (
    ObligationStatus.OPEN.value,
    ObligationStatus.DONE.value,
    ObligationStatus.DISPUTED.value,
)


def execution_turns(cases: list[Case]) -> Mapping[int, Turn]:
    steps: dict[int, list[Obligation]] = defaultdict(list)
    for step in db.session.scalars(
        select(Obligation)
        .where(
            Obligation.case_id.in_([case.id for case in cases]),
            Obligation.status.in_(LIVE_STATUSES),
        )
        .order_by(Obligation.step)
    ):
        steps[step.case_id].append(step)
    return {case.id: _execution_turn(steps[case.id]) for case in cases}


def _execution_turn(steps: list[Obligation]) -> Turn:
    for step in steps:
        if step.status == ObligationStatus.DISPUTED.value:
            return Turn(_l("settle the disputed step"), waiting=Waiting.MEDIATOR)
    for step in steps:
        if step.status == ObligationStatus.OPEN.value:
            step_of = frozenset({Party(step.debtor)})
            return Turn(_l("carry out the decision's next step"), step_of, deadline_at=step.due_at)
    for step in steps:
        if step.confirmed_at is None and step.dispute_until is not None:
            other = Party.SELLER if step.debtor == Party.BUYER.value else Party.BUYER
            return Turn(
                _l("confirm or dispute the step the other side marked done"),
                frozenset({other}),
                deadline_at=step.dispute_until,
            )
    return NOBODY
