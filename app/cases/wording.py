"""Cases in words and times, for the templates of every feature that lists cases."""

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import cache, cached_property

from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import escape

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
from app.cases.models import (
    Case,
    EvidenceEntry,
)
from app.cases.states import (
    CaseState,
    Party,
)
from app.core import clock


def duration(delta: timedelta, plural: Callable[[str, str, int], str] = ngettext) -> str:
    """``2 days 4 hours``, ``3 hours``, ``12 minutes``: a span in the reader's language."""
    delta = max(delta, timedelta(0))
    days, hours, minutes = delta.days, delta.seconds // 3600, delta.seconds % 3600 // 60
    parts = []
    if days:
        parts.append(plural("%(num)d day", "%(num)d days", days))
    if hours:
        parts.append(plural("%(num)d hour", "%(num)d hours", hours))
    if not parts:
        parts.append(plural("%(num)d minute", "%(num)d minutes", minutes))
    return " ".join(parts)


def time_left(deadline: datetime) -> str:
    return TimeWords().time_left(deadline)


def time_since(moment: datetime) -> str:
    return TimeWords().time_since(moment)


class TimeWords:
    """Time left and time passed in words, for one page in one language: each pattern looked
    up once (without values, gettext leaves a pattern as is) and each count of days, hours or
    minutes put into words once, however many rows of a list say them."""

    def __init__(self) -> None:
        self._plural = cache(ngettext)

    @cached_property
    def _overdue(self) -> str:
        return _("overdue")

    @cached_property
    def _left(self) -> str:
        return _("%(duration)s left")

    @cached_property
    def _ago(self) -> str:
        return _("%(duration)s ago")

    def time_left(self, deadline: datetime) -> str:
        remaining = deadline - clock.now()
        if remaining <= timedelta(0):
            return self._overdue
        return self._left % {"duration": duration(remaining, self._plural)}

    def time_since(self, moment: datetime) -> str:
        return self._ago % {"duration": duration(clock.now() - moment, self._plural)}


def is_overdue(deadline: datetime | None) -> bool:
    return deadline is not None and deadline <= clock.now()


def deadline_label(case: Case) -> str:
    return deadline_label_of(case.state, case.pending_counter_offer is not None)


def deadline_label_of(state: str, counter_offer_pending: bool) -> str:
    """What the deadline of a case in ``state`` is for; a case waiting for the seller while
    the buyer considers a counter-offer waits for the buyer's answer."""
    if state == CaseState.AWAITING_SELLER.value and counter_offer_pending:
        return COUNTER_OFFER_DEADLINE_LABEL
    return DEADLINE_LABELS[CaseState(state)]


def parties_label(parties: frozenset[Party]) -> str:
    """Whom a turn waits on, when it is not the reader: the buyer, the seller or both."""
    if parties == {Party.BUYER}:
        return _("the buyer")
    if parties == {Party.SELLER}:
        return _("the seller")
    return _("both sides")


def _said_once(labels: dict) -> Callable[[object], str]:
    """``label(labels, value)``, each value put into words once: lists repeat a few states,
    severities and claim types on every row."""
    return cache(lambda value: _as_rendered(label(labels, value)))


def _as_rendered(text: str) -> str:
    """A translated label as the template renders it: the catalogue's text is markup (a
    lazy string's ``__html__``), so it is not escaped; any other text still is."""
    return escape(text) if hasattr(text, "__html__") else text


def case_helpers() -> dict:
    """What the case templates (and the mediator desk) use to put cases into words. Made
    anew for each page rendered, so that the page, in its one language, looks each label and
    each count of days, hours or minutes up once however many rows repeat it."""
    times = TimeWords()
    return {
        "claim_type_label": _said_once(CLAIM_TYPE_LABELS),
        "responsible_label": _said_once(RESPONSIBLE_LABELS),
        "remedy_label": _said_once(REMEDY_LABELS),
        "severity_label": _said_once(SEVERITY_LABELS),
        "state_label": _said_once(STATE_LABELS),
        "state_meaning": _said_once(STATE_MEANINGS),
        "kind_label": _said_once(EVIDENCE_KIND_LABELS),
        "outcome_label": _said_once(OUTCOME_LABELS),
        "decision_kind_label": _said_once(DECISION_KIND_LABELS),
        "closed_reason_label": _said_once(CLOSED_REASON_LABELS),
        "party_label": _said_once(PARTY_LABELS),
        "deadline_label": deadline_label,
        "deadline_label_of": cache(
            lambda state, pending: _as_rendered(deadline_label_of(state, pending))
        ),
        "time_left": times.time_left,
        "time_since": times.time_since,
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
