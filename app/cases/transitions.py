"""The one way a case changes state: a compare-and-set on its row (design: scheduler rule 3).

``move`` issues ``UPDATE cases SET state = :to … WHERE id = :id AND state IN (:from)`` and
proceeds only if exactly one row changed, so a view and a sweep (or two sweeps) racing over
the same case produce exactly one outcome. Every move is checked against the lifecycle's
edges and leaves an audit event and a ``case.state_changed`` webhook in the same
transaction.
"""

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from functools import lru_cache
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Update, bindparam, inspect, update
from sqlalchemy.orm.attributes import set_committed_value

from app.auth.models import User
from app.cases import webhooks
from app.cases.models import Case
from app.cases.states import (
    ALLOWED_TRANSITIONS,
    CaseState,
)
from app.core import clock
from app.core.audit import AuditEvent, record_event
from app.core.errors import Refused
from app.core.extensions import db


class CaseRefused(Refused):
    """What someone asked of a case cannot be done; the message says why."""


class StaleCase(CaseRefused):
    """The case was no longer in the expected state: someone else (a sweep, the other party)
    moved it first."""

    def __init__(self):
        super().__init__(_l("This step is no longer possible: the case has moved on."))


def move(
    case: Case,
    to_state: CaseState,
    actor: User | None,
    action: str,
    *,
    expect: CaseState | Iterable[CaseState],
    only_if: Iterable[ColumnElement[bool]] = (),
    **changes: Any,
) -> AuditEvent:
    """Move ``case`` from one of ``expect`` to ``to_state``, setting ``changes`` with it.

    ``only_if`` adds conditions the row must still meet (e.g. a deadline not yet passed).
    Raises ``StaleCase`` if no row matched; the session then holds nothing of the move.
    """
    expected = {expect} if isinstance(expect, CaseState) else set(expect)
    for state in expected:
        if to_state not in ALLOWED_TRANSITIONS[state]:
            raise ValueError(f"{state} -> {to_state} is not an edge of the case lifecycle")
    before = case.state
    db.session.flush()
    values = {"state": to_state.value, "updated_at": clock.now(), **_column_values(changes)}
    _compare_and_set(case, frozenset(s.value for s in expected), only_if, values)
    after = {"state": to_state.value, **{k: _jsonable(v) for k, v in changes.items()}}
    event = record_event(actor, action, case, before={"state": before}, after=after)
    webhooks.state_changed(case, event)
    return event


def touch(
    case: Case,
    actor: User | None,
    action: str,
    *,
    expect: CaseState,
    only_if: Iterable[ColumnElement[bool]] = (),
    audit: tuple[dict | None, dict | None] | None = None,
    **changes: Any,
) -> AuditEvent:
    """Change fields of a case that stays in ``expect``, with the same compare-and-set, and
    audit it: ``audit`` is the event's (before, after), by default the changed fields."""
    write_fields(case, expect=expect, only_if=only_if, **changes)
    before, after = audit or (None, {k: _jsonable(v) for k, v in changes.items()})
    return record_event(actor, action, case, before=before, after=after)


def write_fields(
    case: Case,
    *,
    expect: CaseState,
    only_if: Iterable[ColumnElement[bool]] = (),
    **changes: Any,
) -> None:
    """Set fields of a case that stays in ``expect`` by compare-and-set, with no audit event
    of its own (bookkeeping inside a transition that is audited); ``StaleCase`` if the case
    has moved on."""
    db.session.flush()
    values = {"updated_at": clock.now(), **_column_values(changes)}
    _compare_and_set(case, frozenset({expect.value}), only_if, values)


def _compare_and_set(
    case: Case, states: frozenset[str], only_if: Iterable[ColumnElement[bool]], values: dict
) -> None:
    """``UPDATE cases SET values WHERE id = case AND state IN states [AND only_if]``, or
    ``StaleCase``; the loaded case then holds the values."""
    statement = _update_in_states(tuple(sorted(states)), tuple(sorted(values)))
    conditions = list(only_if)
    if conditions:
        statement = statement.where(*conditions)
    parameters = {f"new_{key}": value for key, value in values.items()}
    result = db.session.execute(statement, {"case_id": case.id, **parameters})
    if result.rowcount != 1:
        db.session.expire(case)
        raise StaleCase
    _written(case, values)


@lru_cache(maxsize=256)
def _update_in_states(states: tuple[str, ...], keys: tuple[str, ...]) -> Update:
    """The compare-and-set for cases in ``states`` writing ``keys``, built once: a statement
    used again is not compiled or keyed again (a verdict, a deadline, every move of a sweep)."""
    table = Case.__table__
    return (
        update(table)
        .where(table.c.id == bindparam("case_id"), table.c.state.in_(states))
        .values({key: bindparam(f"new_{key}") for key in keys})
    )


def _written(case: Case, values: dict[str, Any]) -> None:
    """The row now holds ``values``, and so does the loaded case, without reading it back;
    a relationship over a changed foreign key is loaded afresh when next used."""
    for key, value in values.items():
        set_committed_value(case, key, value)
    stale = [
        relation.key
        for relation in inspect(Case).relationships
        if any(column.key in values for column in relation.local_columns)
    ]
    if stale:
        db.session.expire(case, stale)


def _column_values(changes: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value.value if isinstance(value, StrEnum) else value for key, value in changes.items()
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    return value
