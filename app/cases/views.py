"""The case pages: opening a case, the case itself with both timelines, and each action.

Every route loads the case and asks one predicate of it: someone who may not even view the
case gets 404 (they learn nothing), someone who may view it but not act gets 403. Each action
calls exactly one service function and commits once.
"""

import mimetypes
import unicodedata
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import PurePosixPath
from types import SimpleNamespace

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from app.auth.models import User
from app.cases import evidence, files, services
from app.cases.evidence import NewEvidence
from app.cases.files import EvidenceRejected
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
    ClaimForm,
    ConfirmForm,
    ContestForm,
    CounterOfferForm,
    EvidenceForm,
    IntakeAcceptForm,
    OpenCaseForm,
    ReturnCaseForm,
    label,
)
from app.cases.models import (
    FILE_KINDS,
    REMEDIES_WITH_AMOUNT,
    Case,
    CaseState,
    EvidenceEntry,
    EvidenceKind,
    Remedy,
    Severity,
)
from app.cases.rendered import rendered_timelines
from app.cases.services import CaseRefused
from app.core import clock
from app.core.extensions import db
from app.core.forms import apply_error
from app.mediation.forms import SETTLEMENT_OUTCOME_LABELS
from app.orders.models import Order

bp = Blueprint("cases", __name__)

# EvidenceRejected names "filename" when the file's name is at fault: shown beside the file
EVIDENCE_FIELD_ALIASES = {"filename": "file"}
INLINE_CONTENT_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})
FILE_RESPONSE_CSP = "sandbox; default-src 'none'"
# which permission shows each form of the case page
FORM_PERMISSIONS = {
    "evidence_form": "add_evidence",
    "intake_form": "review_intake",
    "return_form": "review_intake",
    "counter_offer_form": "answer_claim",
    "contest_form": "answer_claim",
}


# Words and times for the templates


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
        # a decision's remedy: one of the claim's remedies, or "claim rejected"
        "settlement_outcome_label": lambda v: label(SETTLEMENT_OUTCOME_LABELS, v),
        "decision_kind_label": lambda v: label(DECISION_KIND_LABELS, v),
        "closed_reason_label": lambda v: label(CLOSED_REASON_LABELS, v),
        "party_label": lambda v: label(PARTY_LABELS, v),
        "deadline_label": deadline_label,
        "time_left": time_left,
        "time_since": time_since,
        "is_overdue": is_overdue,
        "human_size": files.human_size,
    }


@bp.app_context_processor
def _case_template_helpers() -> dict:
    """For every template, not only this blueprint's: the mediator desk lists cases, and the
    order page is the entry point to them."""
    return {
        **case_helpers(),
        "order_cases": order_cases,
        "open_case_refusal": services.open_case_refusal,
    }


def order_cases(order: Order) -> list[Case]:
    return db.session.scalars(
        select(Case).where(Case.order_id == order.id).order_by(Case.filed_at.desc(), Case.id.desc())
    ).all()


# Loading with the one question each route asks (the mediation, execution and closing
# blueprints build their case routes from these too)


# what every case page shows: read with the case in one query (their roles are not needed)
CASE_WITH_PEOPLE = [
    joinedload(Case.order),
    *(
        joinedload(person).lazyload(User.role_grants)
        for person in (Case.buyer, Case.seller, Case.mediator)
    ),
    selectinload(Case.counter_offers),
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


def attempt(
    transition: Callable[[], object], refused: tuple[type[Exception], ...] = (CaseRefused,)
) -> Exception | None:
    """Run one service call and commit; or roll back and return why it was refused (a case
    someone else moved first is refused in words too: ``StaleCase`` is a ``CaseRefused``)."""
    try:
        transition()
    except refused as error:
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


# My cases


@bp.get("/cases")
@login_required
def my_cases():
    cases = []
    if current_user.email_verified_at is not None:  # parties are known by a proven address
        cases = db.session.scalars(
            select(Case)
            .where(or_(Case.buyer_id == current_user.id, Case.seller_id == current_user.id))
            # the deadline's label asks each case for a counter-offer waiting for an answer
            .options(selectinload(Case.order), selectinload(Case.counter_offers))
            .order_by(Case.filed_at.desc(), Case.id.desc())
        ).all()
    return render_template("cases/my_cases.html", cases=cases)


# Opening a case


@bp.route("/orders/<int:order_id>/case/new", methods=["GET", "POST"])
@login_required
def new(order_id: int):
    order = db.session.get(Order, order_id)
    if order is None or not order.is_party(current_user):
        abort(404)
    form = OpenCaseForm()
    refusal = services.open_case_refusal(order, current_user)
    if refusal is not None:
        return _render_new(order, form, refusal), 403
    if form.validate_on_submit() and _few_enough_files(form):
        case = _open_with_evidence(order, form)
        if case is not None:
            flash(_("Your case is open. A mediator will review it soon."), "success")
            return back_to(case)
    status = 400 if form.is_submitted() else 200
    return _render_new(order, form, None), status


def _open_with_evidence(order: Order, form: OpenCaseForm) -> Case | None:
    """Open the case and add each file to the buyer's timeline, all or nothing: if one file
    is refused, no case, no entry and no stored file remain."""
    stored: list[EvidenceEntry] = []
    upload = None
    try:
        case = services.open_case(order, current_user, form.claim())
        for upload in form.evidence_files.data or []:
            new_evidence = NewEvidence(upload=upload.stream, filename=upload.filename)
            stored.append(evidence.add_evidence(case, current_user, new_evidence))
        db.session.commit()
    except CaseRefused as error:
        _undo(stored)
        apply_error(form, error)
    except EvidenceRejected as error:
        _undo(stored)
        message = _("%(name)s: %(reason)s", name=upload.filename or "", reason=str(error))
        form.evidence_files.errors = [*form.evidence_files.errors, message]
    except BaseException:
        _undo(stored)
        raise
    else:
        return case
    return None


def _few_enough_files(form: OpenCaseForm) -> bool:
    limit = _max_opening_files()
    if len(form.evidence_files.data or []) <= limit:
        return True
    form.evidence_files.errors = [
        *form.evidence_files.errors,
        ngettext(
            "Attach at most %(num)d file here; you can add more from the case page.",
            "Attach at most %(num)d files here; you can add more from the case page.",
            limit,
        ),
    ]
    return False


def _max_opening_files() -> int:
    return current_app.config["CASE_OPENING_MAX_FILES"]


def _render_new(order: Order, form: OpenCaseForm, refusal):
    return render_template(
        "cases/new.html",
        order=order,
        form=form,
        refusal=refusal,
        open_case=services.open_case_for(order),
        filing_deadline=services.filing_deadline(order),
        remedies_with_amount=REMEDIES_WITH_AMOUNT,
        max_files=_max_opening_files(),
    )


def _undo(entries: list[EvidenceEntry]) -> None:
    """Roll the request back and delete the files already stored in it: no row, no file."""
    names = [n for e in entries for n in (e.stored_name, e.thumbnail_name) if n]
    db.session.rollback()
    for name in names:
        files.evidence_path(name).unlink(missing_ok=True)


# The case page


@bp.get("/cases/<int:case_id>")
@login_required
def show(case_id: int):
    return render_case(viewable_case(case_id))


def render_case(case: Case, status: int = 200, **active_forms):
    """The case page, with a fresh (empty) form for each action the viewer may take; a form
    that was just posted with an error replaces its fresh one.

    The mediation and execution panels are built by their own blueprints, which render this
    page with their forms' errors (hence the imports here, not at the top).
    """
    from app.execution.views import execution_panel
    from app.mediation.views import mediation_panel

    viewer = current_user
    may = SimpleNamespace(
        add_evidence=case.can_add_evidence(viewer),
        withdraw=case.can_withdraw(viewer),
        resubmit=case.can_resubmit(viewer),
        review_intake=case.can_review_intake(viewer),
        answer_claim=case.can_answer_claim(viewer),
        answer_counter_offer=case.can_answer_counter_offer(viewer),
    )
    timelines = _timelines(case)
    forms = {
        "evidence_form": _evidence_form(case, timelines, formdata=None)
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
    # each panel takes from ``posted`` the forms it still shows
    panels = {
        "mediation": mediation_panel(case, viewer, posted),
        "execution": execution_panel(case, viewer, posted),
    }
    for form in posted.values():
        flash_errors(form)
    return render_template(
        "cases/show.html",
        case=case,
        may=may,
        viewer_party=case.party_of(viewer),
        timelines=timelines,
        rendered=rendered_timelines(case, timelines, case_helpers()),
        text_kinds=[kind for kind in EvidenceKind if kind not in FILE_KINDS],
        file_kinds=[kind for kind in EvidenceKind if kind in FILE_KINDS],
        referring_kinds=[kind for kind in EvidenceKind if kind in evidence.REFERRING_KINDS],
        **panels,
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


def _timelines(case: Case) -> SimpleNamespace:
    """Both timelines merged on one time axis; late entries apart."""
    entries = db.session.scalars(
        select(EvidenceEntry)
        .where(EvidenceEntry.case_id == case.id)
        .order_by(EvidenceEntry.created_at, EvidenceEntry.id)
    ).all()
    return SimpleNamespace(
        on_time=[entry for entry in entries if not entry.is_late],
        late=[entry for entry in entries if entry.is_late],
        by_id={entry.id: entry for entry in entries},
        retracted={e.refers_to_id for e in entries if e.kind == EvidenceKind.RETRACTION},
        corrected={e.refers_to_id for e in entries if e.kind == EvidenceKind.CORRECTION},
    )


def entry_reference(entry: EvidenceEntry) -> str:
    return _("%(side)s #%(number)d", side=label(PARTY_LABELS, entry.party), number=entry.sequence)


bp.add_app_template_global(entry_reference)


def _evidence_form(case: Case, timelines: SimpleNamespace | None = None, **kwargs) -> EvidenceForm:
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
    form.set_entries(own, lambda e: f"{entry_reference(e)} · {label(EVIDENCE_KIND_LABELS, e.kind)}")
    return form


# Evidence


@bp.post("/cases/<int:case_id>/evidence")
@login_required
def add_evidence(case_id: int):
    case = viewable_case(case_id)
    require(case.can_add_evidence(current_user))
    form = _evidence_form(case)
    if form.validate_on_submit():
        upload = form.file.data
        new = NewEvidence(
            kind=EvidenceKind(form.kind.data),
            text=form.text.data or None,
            upload=upload.stream if upload else None,
            filename=upload.filename if upload else None,
            refers_to_id=form.refers_to.data,
        )
        stored: list[EvidenceEntry] = []
        try:
            stored.append(evidence.add_evidence(case, current_user, new))
            db.session.commit()
        except EvidenceRejected as error:
            _undo(stored)
            apply_error(form, _renamed(error, EVIDENCE_FIELD_ALIASES))
        except BaseException:
            _undo(stored)
            raise
        else:
            flash(_("Your evidence is added to your timeline."), "success")
            return back_to(case)
    return render_case(case, 400, evidence_form=form)


def _renamed(error: EvidenceRejected, fields: dict[str, str]) -> EvidenceRejected:
    """The same refusal, beside the field this page calls it by."""
    return EvidenceRejected(str(error), fields.get(error.field, error.field))


@bp.get("/cases/<int:case_id>/evidence/<int:entry_id>/file")
@login_required
def evidence_file(case_id: int, entry_id: int):
    entry = _viewable_entry(case_id, entry_id)
    if entry.stored_name is None:
        abort(404)
    inline = entry.content_type in INLINE_CONTENT_TYPES
    return _send(entry.stored_name, entry.content_type, _download_name(entry), inline)


@bp.get("/cases/<int:case_id>/evidence/<int:entry_id>/thumbnail")
@login_required
def evidence_thumbnail(case_id: int, entry_id: int):
    entry = _viewable_entry(case_id, entry_id)
    if entry.thumbnail_name is None:
        abort(404)
    content_type = mimetypes.guess_type(entry.thumbnail_name)[0] or "image/jpeg"
    return _send(entry.thumbnail_name, content_type, _download_name(entry, content_type), True)


def _viewable_entry(case_id: int, entry_id: int) -> EvidenceEntry:
    case = viewable_case(case_id)
    entry = db.session.get(EvidenceEntry, entry_id)
    if entry is None or entry.case_id != case.id:
        abort(404)
    return entry


def _send(stored_name: str, content_type: str, download_name: str, inline: bool):
    path = files.evidence_path(stored_name)
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype=content_type,
        as_attachment=not inline,
        download_name=download_name,
        conditional=True,
        etag=True,
    )
    response.headers["Content-Security-Policy"] = FILE_RESPONSE_CSP
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _download_name(entry: EvidenceEntry, content_type: str | None = None) -> str:
    """The uploader's file name, cleaned, with the extension of what the file really is (a
    PDF uploaded as ``x.html`` is saved as ``x.pdf``)."""
    content_type = content_type or entry.content_type
    extension = mimetypes.guess_extension(content_type or "") or ""
    extension = {".jpe": ".jpg", ".jpeg": ".jpg"}.get(extension, extension)
    stem = PurePosixPath((entry.original_name or "").replace("\\", "/")).name
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    stem = "".join(c for c in stem if unicodedata.category(c)[0] not in "CZ" or c == " ")
    stem = stem.strip(" .")[:100] or f"evidence-{entry.case_id}-{entry.party}-{entry.sequence}"
    return stem + extension


# Buyer: withdraw, resubmit, answer a counter-offer


@bp.route("/cases/<int:case_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(case_id: int):
    case = viewable_case(case_id)
    require(case.can_withdraw(current_user))
    form = ConfirmForm()
    if form.validate_on_submit():
        error = attempt(lambda: services.withdraw_case(case, current_user))
        if error is None:
            flash(_("Your case is withdrawn and closed."), "success")
        else:
            flash(str(error), "error")
        return back_to(case)
    return render_template("cases/withdraw.html", case=case, form=form)


@bp.route("/cases/<int:case_id>/resubmit", methods=["GET", "POST"])
@login_required
def resubmit(case_id: int):
    case = viewable_case(case_id)
    require(case.can_resubmit(current_user))
    form = ClaimForm() if request.method == "POST" else ClaimForm(data=ClaimForm.data_of(case))
    if form.validate_on_submit():
        error = attempt(lambda: services.resubmit_case(case, current_user, form.claim()))
        if error is None:
            flash(_("Your case is resubmitted for review."), "success")
            return back_to(case)
        apply_error(form, error)
    status = 400 if form.is_submitted() else 200
    return render_template(
        "cases/resubmit.html", case=case, form=form, remedies_with_amount=REMEDIES_WITH_AMOUNT
    ), status


@bp.post("/cases/<int:case_id>/counter-offer/accept")
@login_required
def accept_counter_offer(case_id: int):
    return _button_action(
        case_id,
        Case.can_answer_counter_offer,
        services.buyer_accepts_counter_offer,
        _("You accepted the offer: the case is settled."),
    )


@bp.post("/cases/<int:case_id>/counter-offer/refuse")
@login_required
def refuse_counter_offer(case_id: int):
    return _button_action(
        case_id,
        Case.can_answer_counter_offer,
        services.buyer_refuses_counter_offer,
        _("You refused the offer: both sides can now add evidence."),
    )


# Seller: accept, counter-offer, contest


@bp.post("/cases/<int:case_id>/answer/accept")
@login_required
def accept_claim(case_id: int):
    return _button_action(
        case_id,
        Case.can_answer_claim,
        services.seller_accepts_claim,
        _("You accepted the claim: the case is decided for the buyer."),
    )


@bp.post("/cases/<int:case_id>/answer/counter-offer")
@login_required
def counter_offer(case_id: int):
    case = viewable_case(case_id)
    require(case.can_answer_claim(current_user))
    form = CounterOfferForm()
    if form.validate_on_submit():
        remedy, amount, message = Remedy(form.remedy.data), form.amount.fen, form.message.data
        error = attempt(
            lambda: services.seller_counter_offers(
                case, current_user, remedy, amount, message or ""
            )
        )
        if error is None:
            flash(_("Your offer is sent to the buyer."), "success")
            return back_to(case)
        apply_error(form, error)
    return render_case(case, 400, counter_offer_form=form)


@bp.post("/cases/<int:case_id>/answer/contest")
@login_required
def contest(case_id: int):
    case = viewable_case(case_id)
    require(case.can_answer_claim(current_user))
    form = ContestForm()
    if form.validate_on_submit():
        try:
            error = attempt(
                lambda: services.seller_contests(case, current_user, form.statement.data or "")
            )
        except EvidenceRejected as rejected:  # the statement, as the first entry of the timeline
            db.session.rollback()
            error = _renamed(rejected, {"text": "statement"})
        if error is None:
            flash(_("You contested the claim: both sides can now add evidence."), "success")
            return back_to(case)
        apply_error(form, error)
    return render_case(case, 400, contest_form=form)


# Mediator: intake


@bp.post("/cases/<int:case_id>/intake/accept")
@login_required
def accept_intake(case_id: int):
    case = viewable_case(case_id)
    require(case.can_review_intake(current_user))
    form = IntakeAcceptForm()
    if form.validate_on_submit():
        severity = Severity(form.severity.data)
        error = attempt(lambda: services.accept_intake(case, current_user, severity))
        if error is None:
            flash(_("The case is accepted; the seller is asked to answer."), "success")
            return back_to(case)
        apply_error(form, error)
    return render_case(case, 400, intake_form=form)


@bp.post("/cases/<int:case_id>/intake/return")
@login_required
def return_case(case_id: int):
    case = viewable_case(case_id)
    require(case.can_review_intake(current_user))
    form = ReturnCaseForm()
    if form.validate_on_submit():
        reason = form.reason.data or ""
        error = attempt(lambda: services.return_case(case, current_user, reason))
        if error is None:
            flash(_("The case is returned to the buyer."), "success")
            return back_to(case)
        apply_error(form, error)
    return render_case(case, 400, return_form=form)


def _button_action(case_id: int, predicate, transition, success: str):
    case = viewable_case(case_id)
    require(predicate(case, current_user))
    return button_action(case, lambda: transition(case, current_user), success)
