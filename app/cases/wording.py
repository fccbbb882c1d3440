"""Cases in words and times, for the templates of every feature that lists cases."""

from collections.abc import Callable
from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import ngettext

from app.cases.files import human_size
from app.cases.forms import (
    CLAIM_TYPE_LABELS,
    CLOSED_REASON_LABELS,
    COUNTER_OFFER_DEADLINE_LABEL,
    DEADLINE_LABELS,
    DECISION_KIND_LABELS,
    EVIDENCE_KIND_LABELS,
    OUTCOME_LABELS,
    PARTY_LABELS,
    REMEDY_LABELS,
    RESPONSIBLE_LABELS,
    SEVERITY_LABELS,
    STATE_LABELS,
    STATE_MEANINGS,
    label,
)
from app.cases.models import Case, CaseState, EvidenceEntry, Party
from app.core import clock


def duration(delta: timedelta) -> str:
    """``2 days 4 hours``, ``3 hours``, ``12 minutes``: a span in the reader's language."""
    delta = max(delta, timedelta(0))
    days, hours, minutes = delta.days, delta.seconds // 3600, delta.seconds % 3600 // 60
    parts = []
    if days:
        parts.append(ngettext("%(num)d day", "%(num)d days", days))
    if hours:
        parts.append(ngettext("%(num)d hour", "%(num)d hours", hours))
    if not parts:
        parts.append(ngettext("%(num)d minute", "%(num)d minutes", minutes))
    return " ".join(parts)


def time_left(deadline: datetime) -> str:
    remaining = deadline - clock.now()
    if remaining <= timedelta(0):
        return _("overdue")
    return _("%(duration)s left", duration=duration(remaining))


def time_since(moment: datetime) -> str:
    return _("%(duration)s ago", duration=duration(clock.now() - moment))


def is_overdue(deadline: datetime | None) -> bool:
    return deadline is not None and deadline <= clock.now()


def deadline_label(case: Case) -> str:
    if case.current_state is CaseState.AWAITING_SELLER and case.pending_counter_offer:
        return COUNTER_OFFER_DEADLINE_LABEL
    return DEADLINE_LABELS[case.current_state]


def parties_label(parties: frozenset[Party]) -> str:
    """Whom a turn waits on, when it is not the reader: the buyer, the seller or both."""
    if parties == {Party.BUYER}:
        return _("the buyer")
    if parties == {Party.SELLER}:
        return _("the seller")
    return _("both sides")


def case_helpers() -> dict:
    """What the case templates (and the mediator desk) use to put cases into words."""
    return {
        "claim_type_label": lambda v: label(CLAIM_TYPE_LABELS, v),
        "responsible_label": lambda v: label(RESPONSIBLE_LABELS, v),
        "remedy_label": lambda v: label(REMEDY_LABELS, v),
        "severity_label": lambda v: label(SEVERITY_LABELS, v),
        "state_label": lambda v: label(STATE_LABELS, v),
        "state_meaning": lambda v: label(STATE_MEANINGS, v),
        "kind_label": lambda v: label(EVIDENCE_KIND_LABELS, v),
        "outcome_label": lambda v: label(OUTCOME_LABELS, v),
        "decision_kind_label": lambda v: label(DECISION_KIND_LABELS, v),
        "closed_reason_label": lambda v: label(CLOSED_REASON_LABELS, v),
        "party_label": lambda v: label(PARTY_LABELS, v),
        "deadline_label": deadline_label,
        "time_left": time_left,
        "time_since": time_since,
        "is_overdue": is_overdue,
        "human_size": human_size,
        "parties_label": parties_label,
    }


def entry_reference(entry: EvidenceEntry) -> str:
    return entry_references()(entry)


def entry_references() -> Callable[[EvidenceEntry], str]:
    """``entry_reference`` for many entries ("Buyer #3"), the wording looked up once."""
    pattern = _("%(side)s #%(number)d")  # without values, gettext leaves the pattern as is
    sides = {party.value: str(label(PARTY_LABELS, party.value)) for party in Party}
    return lambda entry: pattern % {"side": sides[entry.party], "number": entry.sequence}
