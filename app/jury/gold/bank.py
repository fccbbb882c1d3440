"""The gold bank: loading the practice cases, confirming closed cases as gold, retiring
either (docs/gold-cases.md).

A closed case joins the bank when a member of staff confirms which option on its panel's
ballot was right. The case's own mediator may not confirm it: a clear-cut case is one that
a second pair of eyes finds clear. Retired gold cases stay in the bank (answers refer to
their keys) but are drawn for no one.
"""

import random
from collections.abc import Iterable, Sequence

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from app.auth.models import Role, User
from app.cases.models import Case
from app.cases.states import CaseState
from app.core import clock
from app.core.audit import record_event
from app.core.errors import Refused
from app.core.extensions import db
from app.jury import ballot
from app.jury.gold.models import GoldCase, GoldSource
from app.jury.models import CASE_PANEL, Panel, PanelStatus, Tally
from app.jury.practice import OPTION_SIDES, TEXT_LANGUAGES, written_practice_cases
from app.orders.models import OrderItem


class GoldRefused(Refused):
    """A change to the gold bank that cannot be made; ``field`` names the form field at
    fault, or None."""


# Practice cases


def load_gold_bank() -> int:
    """Bring the practice cases of ``practice.json`` into the bank: add the new ones, update
    the texts, answers and categories of those already there (a retired case stays
    retired). Idempotent; returns how many were added."""
    existing = {
        gold.key: gold
        for gold in db.session.scalars(
            select(GoldCase).where(GoldCase.source == GoldSource.PRACTICE.value)
        )
    }
    added = 0
    for written in written_practice_cases():
        fields = {
            "texts": {language: written[language] for language in TEXT_LANGUAGES},
            "answer": written["answer"],
            "truth_side": OPTION_SIDES[written["answer"]].value,
            "category": written.get("category"),
        }
        gold = existing.get(written["key"])
        if gold is None:
            db.session.add(GoldCase(key=written["key"], source=GoldSource.PRACTICE.value, **fields))
            added += 1
        else:
            for name, value in fields.items():
                setattr(gold, name, value)
    db.session.flush()
    return added


def practice_keys() -> list[str]:
    """The keys of the practice cases that may be drawn, in the bank's order."""
    return list(
        db.session.scalars(
            select(GoldCase.key)
            .where(GoldCase.source == GoldSource.PRACTICE.value, GoldCase.retired_at.is_(None))
            .order_by(GoldCase.id)
        )
    )


def draw_practice_keys(
    keys: Sequence[str], count: int, rng: random.Random, avoid: Iterable[str] = ()
) -> list[str]:
    """``count`` of ``keys`` in a random order, those not in ``avoid`` (the set a reviewer
    failed) first, so a second try reads fresh cases where the bank has enough."""
    avoided = set(avoid)
    fresh = [key for key in keys if key not in avoided]
    again = [key for key in keys if key in avoided]
    chosen = rng.sample(fresh, min(count, len(fresh)))
    return chosen + rng.sample(again, min(count - len(chosen), len(again)))


def gold_case(key: str) -> GoldCase | None:
    return db.session.scalar(select(GoldCase).where(GoldCase.key == key))


# Closed cases


def source_panel(case: Case) -> Panel | None:
    """The last panel that heard ``case`` and closed: its ballot is the gold case's."""
    return db.session.scalar(
        select(Panel)
        .where(Panel.case_id == case.id, CASE_PANEL, Panel.status != PanelStatus.OPEN.value)
        .order_by(Panel.id.desc())
        .limit(1)
    )


def panel_verdict(panel: Panel) -> str | None:
    return db.session.scalar(select(Tally.verdict).where(Tally.panel_id == panel.id))


def gold_refusal(case: Case, user: User):
    """Why ``user`` may not add ``case`` to the gold bank, or None if they may."""
    if not user.is_staff:
        return _l("Only mediators and administrators add cases to the gold bank.")
    if case.mediator_id == user.id and not user.has_role(Role.ADMIN):
        return _l("Another mediator must confirm your own case as clear-cut.")
    if case.state != CaseState.CLOSED.value or case.outcome is None:
        return _l("Only a closed case that was decided can join the gold bank.")
    if source_panel(case) is None:
        return _l(
            "Only a case a reviewer panel heard can join the gold bank: its ballot is reused."
        )
    if db.session.scalar(select(GoldCase.id).where(GoldCase.case_id == case.id)) is not None:
        return _l("This case is in the gold bank already.")
    return None


def add_case_to_bank(case: Case, actor: User, answer: str) -> GoldCase:
    """Confirm ``case`` as clear-cut, ``answer`` (an option of its panel's ballot) being
    right; refused as ``gold_refusal`` says, or for an option not on the ballot."""
    refusal = gold_refusal(case, actor)
    if refusal is not None:
        raise GoldRefused(refusal)
    panel = source_panel(case)
    if answer not in panel.options:
        raise GoldRefused(_l("Choose one of the options on the panel's ballot."), field="answer")
    gold = GoldCase(
        key=f"case-{case.id}",
        source=GoldSource.CASE.value,
        answer=answer,
        truth_side=ballot.side(answer).value,
        category=_category(case),
        case_id=case.id,
        panel_id=panel.id,
        added_by_id=actor.id,
        added_at=clock.now(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(gold)
    except IntegrityError:  # someone confirmed it at the same moment
        raise GoldRefused(_l("This case is in the gold bank already.")) from None
    record_event(actor, "gold_case.added", gold, after={"case_id": case.id, "answer": answer})
    return gold


def _category(case: Case) -> str | None:
    """The case's category: the first of its order's items, as the drawing reads it."""
    return db.session.scalar(
        select(OrderItem.category)
        .where(OrderItem.order_id == case.order_id)
        .order_by(OrderItem.id)
        .limit(1)
    )


# Retiring


def retire_gold_case(gold: GoldCase, actor: User) -> None:
    """Draw ``gold`` for no one from now on. A practice case is kept while retiring it would
    leave fewer than a practice set."""
    if not actor.is_staff:
        raise GoldRefused(_l("Only mediators and administrators retire gold cases."))
    if gold.source == GoldSource.PRACTICE.value:
        left = db.session.scalar(
            select(func.count(GoldCase.id)).where(
                GoldCase.source == GoldSource.PRACTICE.value, GoldCase.retired_at.is_(None)
            )
        )
        if left <= current_app.config["PRACTICE_CASES"]:
            raise GoldRefused(_l("Keep at least a full practice set of practice cases."))
    changed = db.session.execute(
        update(GoldCase)
        .where(GoldCase.id == gold.id, GoldCase.retired_at.is_(None))
        .values(retired_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    db.session.expire(gold)
    if changed.rowcount != 1:
        raise GoldRefused(_l("This gold case is retired already."))
    record_event(actor, "gold_case.retired", gold, after={"key": gold.key})


def bank() -> list[GoldCase]:
    """Every gold case, the ones still drawn first, then by when they were added."""
    return list(
        db.session.scalars(
            select(GoldCase).order_by(GoldCase.retired_at.is_not(None), GoldCase.id.desc())
        )
    )
