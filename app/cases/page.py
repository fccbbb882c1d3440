"""The case page: a frame that features fill with sections, and the helpers every
feature's case routes use (design: one predicate per route, one service call, one commit).

Every route loads the case and asks one predicate of it: someone who may not even view the
case gets 404 (they learn nothing), someone who may view it but not act gets 403. A feature
above ``cases`` adds its part of the page with ``register_case_section`` when its blueprint
is registered; ``render_case`` builds each section and the frame places it in its slot.
"""

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

from flask import Flask, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.auth.models import User
from app.cases import evidence
from app.cases.attachments import max_files
from app.cases.forms import (
    EVIDENCE_KIND_LABELS,
    ConfirmForm,
    ContestForm,
    CounterOfferForm,
    EvidenceForm,
    IntakeAcceptForm,
    ReturnCaseForm,
    label,
)
from app.cases.models import FILE_KINDS, Case, EvidenceEntry, EvidenceKind
from app.cases.rendered import rendered_timelines
from app.cases.turns import turn_of
from app.cases.wording import case_helpers, entry_references
from app.core.errors import Refused
from app.core.extensions import db
from app.core.forms import apply_error
from app.orders.models import Order

# which permission shows each form of the case page
FORM_PERMISSIONS = {
    "evidence_form": "add_evidence",
    "intake_form": "review_intake",
    "return_form": "review_intake",
    "counter_offer_form": "answer_claim",
    "contest_form": "answer_claim",
}
# where on the page a section may stand, top to bottom
CASE_PAGE_SLOTS = ("next_steps", "outcome", "negotiation", "staff", "after_closing")


@dataclass(frozen=True)
class Placement:
    """A template of a section, included in ``slot`` at ``position`` (lower first)."""

    slot: str
    position: int
    template: str


@dataclass(frozen=True)
class CaseSection:
    """A feature's part of the case page.

    Each placement's template is included in its slot; ``build(case, viewer, posted)``, if
    given, returns what those templates read under ``name`` (it takes from ``posted`` the
    forms it shows, so a form posted with an error is shown again with it)."""

    name: str
    placements: tuple[Placement, ...]
    build: Callable[[Case, User, dict], object] | None = None


def register_case_section(app: Flask, section: CaseSection) -> None:
    for placement in section.placements:
        if placement.slot not in CASE_PAGE_SLOTS:
            raise ValueError(f"unknown slot {placement.slot!r}; use one of {CASE_PAGE_SLOTS}")
    app.extensions.setdefault("case_sections", {})[section.name] = section


def case_sections() -> list[CaseSection]:
    return list(current_app.extensions.get("case_sections", {}).values())


def _templates_by_slot(sections: list[CaseSection]) -> dict[str, list[str]]:
    placements = sorted(
        (p for section in sections for p in section.placements), key=lambda p: p.position
    )
    return {slot: [p.template for p in placements if p.slot == slot] for slot in CASE_PAGE_SLOTS}


# Loading, with the one question each route asks


# what every case page shows, read with the case in one query: its order and the order's
# items, its people (their roles are not needed) and the seller's counter-offers (a case
# has a few items and at most a few offers, so joining both multiplies few rows)
CASE_WITH_PEOPLE = [
    joinedload(Case.order).joinedload(Order.items),
    *(
        joinedload(person).lazyload(User.role_grants)
        for person in (Case.buyer, Case.seller, Case.mediator)
    ),
    joinedload(Case.counter_offers),
]


def viewable_case(case_id: int) -> Case:
    case = db.session.get(Case, case_id, options=CASE_WITH_PEOPLE)
    # 404 rather than 403 to strangers: they learn nothing, not even that the case exists
    if case is None or not case.can_view(current_user):
        abort(404)
    return case


def require(allowed: bool) -> None:
    if not allowed:
        abort(403)


def back_to(case: Case):
    return redirect(url_for("cases.show", case_id=case.id))


def attempt(transition: Callable[[], object]) -> Refused | None:
    """Run one service call and commit; or roll back and return why it was refused (a case
    someone else moved first is refused in words too: ``StaleCase`` is a ``Refused``)."""
    try:
        transition()
    except Refused as error:
        db.session.rollback()
        return error
    db.session.commit()
    return None


def form_action(case: Case, name: str, form, transition: Callable[[], object], success: str):
    """A posted form of the case page: if it is filled in, make its one service call and go
    back to the case; otherwise (or if refused) the case page again, 400, with the form as
    posted and the refusal beside its field. ``name`` is the form's name on the page."""
    if form.validate_on_submit():
        error = attempt(transition)
        if error is None:
            flash(success, "success")
            return back_to(case)
        apply_error(form, error)
    return render_case(case, 400, **{name: form})


def button_action(case: Case, transition: Callable[[], object], success: str):
    """A button with nothing to fill in: do it, or say why not, then back to the case."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    error = attempt(transition)
    if error is None:
        flash(success, "success")
    else:
        flash(str(error), "error")
    return back_to(case)


def render_case(case: Case, status: int = 200, **active_forms):
    """The case page, with a fresh (empty) form for each action the viewer may take; a form
    that was just posted with an error replaces its fresh one. Each feature's section is
    built with the forms posted to it (``CaseSection``)."""
    viewer = current_user
    may = SimpleNamespace(
        add_evidence=case.can_add_evidence(viewer),
        withdraw=case.can_withdraw(viewer),
        resubmit=case.can_resubmit(viewer),
        review_intake=case.can_review_intake(viewer),
        answer_claim=case.can_answer_claim(viewer),
        answer_counter_offer=case.can_answer_counter_offer(viewer),
    )
    timelines = _timelines(case, outline=True)
    forms = {
        "evidence_form": evidence_form(case, timelines, formdata=None)
        if may.add_evidence
        else None,
        "intake_form": IntakeAcceptForm(formdata=None, severity=case.severity)
        if may.review_intake
        else None,
        "return_form": ReturnCaseForm(formdata=None) if may.review_intake else None,
        "counter_offer_form": CounterOfferForm(formdata=None) if may.answer_claim else None,
        "contest_form": ContestForm(formdata=None) if may.answer_claim else None,
    }
    posted = dict(active_forms)
    for name in FORM_PERMISSIONS.keys() & posted.keys():
        form = posted.pop(name)
        if getattr(may, FORM_PERMISSIONS[name]):
            forms[name] = form
        else:  # the case moved on and the form is gone: say why it did not work
            flash_errors(form)
    # each section takes from ``posted`` the forms it still shows
    sections = case_sections()
    built = {s.name: s.build(case, viewer, posted) for s in sections if s.build is not None}
    for form in posted.values():
        flash_errors(form)
    return render_template(
        "cases/show.html",
        case=case,
        may=may,
        viewer_party=case.party_of(viewer),
        turn=turn_of(case),
        max_files=max_files(),
        timelines=timelines,
        rendered=rendered_timelines(case, timelines, lambda: _timelines(case), case_helpers()),
        text_kinds=[kind for kind in EvidenceKind if kind not in FILE_KINDS],
        file_kinds=[kind for kind in EvidenceKind if kind in FILE_KINDS],
        referring_kinds=[kind for kind in EvidenceKind if kind in evidence.REFERRING_KINDS],
        section_templates=_templates_by_slot(sections),
        **built,
        **forms,
    ), status


def page_form(posted: dict, name: str, allowed: bool, fresh: Callable[[], FlaskForm]):
    """A form of a panel of the case page: the one just posted under ``name`` (taken out of
    ``posted``), else a fresh one; None if the viewer may not use it."""
    if not allowed:
        return None
    form = posted.pop(name, None)
    return form if form is not None else fresh()


def flash_errors(form) -> None:
    """The errors of a form the page no longer shows, as messages above the page."""
    for message in [*form.form_errors, *(e for f in form for e in f.errors)]:
        flash(message, "error")


# what the page needs of each entry: enough to name the entry's kept rendering and to offer
# it to a correction; the entries themselves are read only to render a timeline anew
ENTRY_OUTLINE = (
    EvidenceEntry.id,
    EvidenceEntry.entry_hash,
    EvidenceEntry.party,
    EvidenceEntry.sequence,
    EvidenceEntry.kind,
    EvidenceEntry.is_late,
    EvidenceEntry.refers_to_id,
)


def _timelines(case: Case, *, outline: bool = False) -> SimpleNamespace:
    """Both timelines merged on one time axis; late entries apart. With ``outline``, each
    entry is a row of ``ENTRY_OUTLINE`` rather than the entry itself."""
    query = select(*ENTRY_OUTLINE) if outline else select(EvidenceEntry)
    query = query.where(EvidenceEntry.case_id == case.id).order_by(
        EvidenceEntry.created_at, EvidenceEntry.id
    )
    entries = db.session.execute(query).all() if outline else db.session.scalars(query).all()
    return SimpleNamespace(
        on_time=[entry for entry in entries if not entry.is_late],
        late=[entry for entry in entries if entry.is_late],
        by_id={entry.id: entry for entry in entries},
        retracted={e.refers_to_id for e in entries if e.kind == EvidenceKind.RETRACTION},
        corrected={e.refers_to_id for e in entries if e.kind == EvidenceKind.CORRECTION},
    )


def evidence_form(case: Case, timelines: SimpleNamespace | None = None, **kwargs) -> EvidenceForm:
    """The form to add evidence, whose corrections and retractions may point at any of the
    viewer's own entries (taken from ``timelines`` when the page has read them)."""
    form = EvidenceForm(**kwargs)
    party = case.party_of(current_user)
    if party is None:
        own = []
    elif timelines is None:
        own = evidence.timeline(case, party)
    else:
        entries = timelines.by_id.values()
        own = sorted((e for e in entries if e.party == party), key=lambda e: e.sequence)
    reference = entry_references()
    kinds = {kind: str(label(EVIDENCE_KIND_LABELS, kind)) for kind in {e.kind for e in own}}
    form.set_entries(own, lambda e: f"{reference(e)} · {kinds[e.kind]}")
    return form
